"""Result schemas returned by the scorer and the HTTP API.

Field names follow what moderation tools already use: ``flagged``, ``categories``, ``category_scores``
(OpenAI moderation) and character spans with ``begin``, ``end``, ``score`` (Perspective).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field
from pydantic.json_schema import JsonDict

__all__ = ["CATEGORIES", "Category", "MessageScore", "RiskLevel", "Span", "TacticSeen", "TranscriptScore"]

RiskLevel = Literal["low", "medium", "high"]
Category = Literal["grooming", "sextortion"]
"""The risk categories, defined here once: every layer (model, training labels, evaluation) reads them from
here, and the OpenAPI schema lists them as the keys of the per-category fields."""
CATEGORIES: tuple[str, ...] = get_args(Category)
_KEYED: JsonDict = {"propertyNames": {"enum": list(CATEGORIES)}}
"""OpenAPI: the keys of a per-category field are the categories (Python keeps ``str`` keys)."""
_ONE_OF: JsonDict = {"enum": list(CATEGORIES)}


class Span(BaseModel):
    """Characters of the original message text that drove its risk up."""

    begin: int = Field(ge=0, description="Start offset in the original message text (inclusive).")
    end: int = Field(ge=0, description="End offset in the original message text (exclusive).")
    score: float = Field(ge=0, le=1, description="How much the message's risk falls when this span is removed.")
    category: str = Field(description="The category whose risk the span raised.", json_schema_extra=_ONE_OF)


class MessageScore(BaseModel):
    """Risk of the conversation so far, after this message."""

    index: int = Field(ge=0)
    category_scores: dict[str, float] = Field(
        json_schema_extra=_KEYED, description="Risk of the conversation so far, per category."
    )
    step_scores: dict[str, float] = Field(
        json_schema_extra=_KEYED,
        description=(
            "Risk read at this message in its context. Models that keep the highest score so far report it "
            "before taking that maximum; models that read the latest output report the same as category_scores."
        ),
    )
    flagged: bool = Field(description="Some category's score so far is at or above its threshold.")
    tactics: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Tactics this message plays (age_probe, secrecy, threat, ...; see grooming_detect.tactics) with their "
            "probability, those at or above the tactic's threshold. A tactic says what the message does, not that "
            "it is a risk: a parent asking whether the child is home alone plays alone_check too."
        ),
    )
    spans: list[Span] = Field(default_factory=list)


class TacticSeen(BaseModel):
    """A tactic found in the conversation so far: where it first appeared and its highest probability."""

    tactic: str
    first_index: int = Field(ge=0, description="Index of the first message that plays it.")
    score: float = Field(ge=0, le=1, description="Highest probability of the tactic over the messages so far.")
    count: int = Field(ge=1, description="Messages that play it.")


class TranscriptScore(BaseModel):
    """A scored conversation."""

    id: str | None = None
    category_scores: dict[str, float] = Field(
        json_schema_extra=_KEYED, description="Calibrated probability per category, whole conversation."
    )
    categories: dict[str, bool] = Field(
        json_schema_extra=_KEYED, description="Category score at or above its threshold."
    )
    flagged: bool
    risk_level: RiskLevel = Field(
        description="high: flagged; medium: some score at or above half its threshold; low: otherwise."
    )
    first_alert_index: int | None = Field(description="First message at which some category crossed its threshold.")
    first_alert_by_category: dict[str, int | None] = Field(
        json_schema_extra=_KEYED,
        default_factory=dict,
        description="Per category, the first message at which it crossed its threshold (null: never).",
    )
    thresholds: dict[str, float] = Field(
        json_schema_extra=_KEYED, description="The thresholds this result was read at."
    )
    tactics: list[TacticSeen] = Field(
        default_factory=list,
        description="Tactics seen so far, in the order they first appeared (why a chat was flagged).",
    )
    model: str
    model_version: str
    messages: list[MessageScore]
