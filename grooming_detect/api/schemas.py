"""Request and response bodies of the HTTP API (OpenAPI examples included)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, create_model, field_validator

from grooming_detect.schema import Message, Transcript, find_lone_surrogate
from grooming_detect.scores import TranscriptScore

__all__ = [
    "ERROR_RESPONSES",
    "ErrorBody",
    "FeedbackIn",
    "FeedbackOut",
    "ModelInfo",
    "ModerateRequest",
    "ModerateResponse",
    "ModeratedTranscript",
    "StreamRequest",
]

Threshold = Annotated[StrictFloat | StrictInt, Field(ge=0.0, le=1.0)]
"""A number from 0 to 1 written as a number: ``true`` or ``"0.5"`` is a 422, not silently read as one."""

_EXAMPLE_TRANSCRIPT: dict[str, Any] = {
    "id": "conv-123",
    "messages": [
        {"sender": "u1", "text": "น้องเล่นเกมเก่งมากเลย อายุเท่าไหร่แล้วครับ", "timestamp": None},
        {"sender": "u2", "text": "13 ค่ะ", "timestamp": None},
        {"sender": "u1", "text": "อย่าบอกพ่อแม่นะ เดี๋ยวพี่เติมเพชรให้", "timestamp": None},
    ],
}


class ModerateRequest(BaseModel):
    """Transcripts to score, with optional per-category thresholds overriding the model's."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"transcripts": [_EXAMPLE_TRANSCRIPT]}]})

    transcripts: list[Transcript] = Field(min_length=1, description="1 to 256 transcripts (server limit).")
    thresholds: dict[str, Threshold] | None = Field(None, description="Per-category thresholds between 0 and 1.")
    return_spans: bool = Field(False, description="Compute highlighted spans (several times slower; off by default).")


_PER_ANSWER = ("model", "model_version")
ModeratedTranscript: type[BaseModel] = create_model(
    "ModeratedTranscript",
    __doc__="One transcript's result in a moderate answer: a TranscriptScore less the model and version, "
    "which the answer states once.",
    **{  # type: ignore[call-overload]
        name: (info.annotation, info) for name, info in TranscriptScore.model_fields.items() if name not in _PER_ANSWER
    },
)


class ModerateResponse(BaseModel):
    id: str = Field(description="Request id (also in the X-Request-ID header and the server log).")
    model: str = Field(description="Name of the model that scored every result.")
    model_version: str = Field(description="Its version; the same for every result of this answer.")
    results: list[ModeratedTranscript]

    @classmethod
    def of(cls, request_id: str, model: str, model_version: str, results: list[TranscriptScore]) -> ModerateResponse:
        rows = [ModeratedTranscript.model_validate(r.model_dump(exclude=set(_PER_ANSWER))) for r in results]
        return cls(id=request_id, model=model, model_version=model_version, results=rows)


class StreamRequest(BaseModel):
    """Messages to append to a live conversation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"messages": [{"sender": "u1", "text": "ว่างไหม คุยกันต่อในไลน์นะ"}]}]},
    )

    messages: list[Message] = Field(min_length=1)
    thresholds: dict[str, Threshold] | None = Field(
        None, description="Thresholds for this conversation; only read when it starts."
    )
    return_spans: bool = False


class FeedbackIn(BaseModel):
    """A moderator's verdict on a result. The transcript is stored only with ``store_content: true``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "transcript_id": "conv-123",
                    "model_version": "0.2.0",
                    "category": "grooming",
                    "verdict": "confirmed",
                    "note": "escalated",
                }
            ]
        },
    )

    transcript_id: str = Field(min_length=1, max_length=256)
    model_version: str = Field(min_length=1, max_length=128)
    category: str = Field(min_length=1, max_length=64)
    verdict: Literal["confirmed", "false_positive", "false_negative"]
    note: str | None = Field(None, max_length=2000)
    store_content: bool = False
    transcript: Transcript | None = Field(None, description="Stored only when store_content is true.")

    @field_validator("transcript_id", "model_version", "category", "note")
    @classmethod
    def _valid_unicode(cls, value: str | None) -> str | None:
        if value is not None and find_lone_surrogate(value) is not None:
            raise ValueError("contains unpaired surrogate code points (invalid Unicode)")
        return value


class FeedbackOut(BaseModel):
    id: int
    stored_content: bool


class ModelInfo(BaseModel):
    name: str
    version: str
    backend: str = Field(description="The encoder runtime the server scores with: onnx, onnx-int8 or torch.")
    categories: list[str]
    thresholds: dict[str, float]
    card_summary: str | None = Field(None, description="The model card's opening lines.")


class ErrorBody(BaseModel):
    """Every error answer but a 422: what went wrong, never the input."""

    detail: str


class ValidationErrorItem(BaseModel):
    loc: list[str | int] = Field(description="Where: the field path (client-chosen keys show as <key>).")
    msg: str = Field(description="The rule that failed.")
    type: str


class ValidationErrorBody(BaseModel):
    """A 422: each problem's field path and rule, never the offending value."""

    detail: list[ValidationErrorItem]


def _error(description: str, model: type[BaseModel] = ErrorBody) -> dict[str, Any]:
    return {"description": description, "model": model}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The body is not JSON, or not UTF-8."),
    401: _error("No API key, or not one of the server's (checked before the body is read)."),
    403: _error("The key lacks the scope this endpoint needs (x-required-scope)."),
    429: _error("The key's rate limit is reached; retry after Retry-After seconds."),
    413: _error("The body is larger than the server's limit."),
    422: _error("The body breaks the schema or a limit.", ValidationErrorBody),
}
"""The answers every protected route may give besides its own, for the OpenAPI document."""
