"""Transcript schema shared by the library, the API, training and evaluation.

Limits are enforced at validation time so that an oversized transcript is a clear error at the
boundary, never a silent truncation later. Pass ``context={"limits": TranscriptLimits(...)}`` to
``model_validate`` to change them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = ["DEFAULT_LIMITS", "Message", "Role", "Transcript", "TranscriptLimits", "use_limits"]

Role = Literal["unknown", "minor", "adult"]


@dataclass(frozen=True)
class TranscriptLimits:
    """Size limits for one transcript.

    Attributes:
        max_messages: most messages in one transcript (default 2,000).
        max_message_chars: most characters in one message's text (default 4,000).
    """

    max_messages: int = 2000
    max_message_chars: int = 4000

    def __post_init__(self) -> None:
        if self.max_messages < 1 or self.max_message_chars < 1:
            raise ValueError("limits must be positive")


DEFAULT_LIMITS = TranscriptLimits()
_ACTIVE_LIMITS: ContextVar[TranscriptLimits] = ContextVar("grooming_detect_limits", default=DEFAULT_LIMITS)


@contextmanager
def use_limits(limits: TranscriptLimits) -> Iterator[None]:
    """Limits for validation inside this block when no ``context`` is passed (the HTTP API uses it)."""
    token = _ACTIVE_LIMITS.set(limits)
    try:
        yield
    finally:
        _ACTIVE_LIMITS.reset(token)


def _limits(info: ValidationInfo) -> TranscriptLimits:
    context = info.context if isinstance(info.context, dict) else {}
    limits = context.get("limits", _ACTIVE_LIMITS.get())
    return limits if isinstance(limits, TranscriptLimits) else _ACTIVE_LIMITS.get()


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def find_lone_surrogate(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where in a JSON-like value (keys included) a string holds an unpaired surrogate, or None.

    JSON allows ``"\\ud800"`` but UTF-8 cannot encode it: such a value stored and read back later breaks
    whatever writes it out (an export that ends early), so it is refused at the door."""
    if isinstance(value, str):
        return path if _has_lone_surrogate(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _has_lone_surrogate(key):
                return (*path, "<key>")
            found = find_lone_surrogate(item, (*path, key if isinstance(key, int) else "<key>"))
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = find_lone_surrogate(item, (*path, i))
            if found is not None:
                return found
    return None


class Message(BaseModel):
    """One chat message. ``text`` may be empty (a sticker or an image without caption)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    sender: str = Field(min_length=1, max_length=256, description="Sender id as the platform knows it.")
    text: str = Field(description="Message text exactly as the moderator sees it.")
    timestamp: datetime | None = Field(
        default=None, description="When it was sent. Metadata only: the model reads message order, not time."
    )
    role: Role = Field(
        default="unknown",
        description="adult, minor or unknown, where the platform knows it; models from 0.4.0 read it "
        "(a stranger's and a parent's 'are you alone?' differ).",
    )

    @field_validator("text")
    @classmethod
    def _check_text(cls, text: str, info: ValidationInfo) -> str:
        limit = _limits(info).max_message_chars
        if len(text) > limit:
            raise ValueError(f"message text has {len(text)} characters; the limit is {limit}")
        if _has_lone_surrogate(text):
            raise ValueError("message text contains unpaired surrogate code points (invalid Unicode)")
        return text

    @field_validator("sender")
    @classmethod
    def _check_sender(cls, sender: str) -> str:
        if _has_lone_surrogate(sender):
            raise ValueError("sender contains unpaired surrogate code points (invalid Unicode)")
        return sender


class Transcript(BaseModel):
    """A conversation: an id, its messages in order, and free-form metadata (labels live here in datasets)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=256)
    messages: list[Message] = Field(min_length=1)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("messages")
    @classmethod
    def _check_count(cls, messages: list[Message], info: ValidationInfo) -> list[Message]:
        limit = _limits(info).max_messages
        if len(messages) > limit:
            raise ValueError(f"transcript has {len(messages)} messages; the limit is {limit}")
        return messages

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if _has_lone_surrogate(value):
            raise ValueError("id contains unpaired surrogate code points (invalid Unicode)")
        return value

    @field_validator("metadata")
    @classmethod
    def _check_metadata(cls, value: dict[str, Any]) -> dict[str, Any]:
        if find_lone_surrogate(value) is not None:
            raise ValueError("metadata contains unpaired surrogate code points (invalid Unicode)")
        return value
