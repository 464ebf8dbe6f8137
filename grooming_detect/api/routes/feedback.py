"""Moderators' verdicts on results, and their export (the store keeps no transcript unless asked to)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from grooming_detect.api.feedback import FeedbackStore
from grooming_detect.api.routes.errors import unprocessable
from grooming_detect.api.schemas import ERROR_RESPONSES, ErrorBody, FeedbackIn, FeedbackOut
from grooming_detect.api.security import require_api_key
from grooming_detect.scorer import RiskScorer

__all__ = ["router"]

router = APIRouter(
    tags=["feedback"],
    dependencies=[Depends(require_api_key)],
    responses={
        **ERROR_RESPONSES,
        503: {"description": "The feedback store is unreachable; retry after Retry-After.", "model": ErrorBody},
    },
)


@router.post("/v1/feedback", status_code=201, openapi_extra={"x-required-scope": "feedback:write"})
async def feedback(request: Request, body: FeedbackIn) -> FeedbackOut:
    """Record a moderator's verdict. The transcript is stored only with ``store_content: true``."""
    scorer: RiskScorer = request.app.state.scorer
    if body.category not in scorer.categories:
        raise unprocessable(["body", "category"], f"unknown category; known: {', '.join(scorer.categories)}")
    if body.store_content and body.transcript is None:
        raise unprocessable(["body", "transcript"], "store_content is true but no transcript was sent")
    content = body.transcript.model_dump(mode="json") if body.store_content and body.transcript else None
    store: FeedbackStore = request.app.state.feedback
    row = await store.call(
        store.add,
        transcript_id=body.transcript_id,
        model_version=body.model_version,
        category=body.category,
        verdict=body.verdict,
        note=body.note,
        transcript=content,
    )
    return FeedbackOut(id=row.id, stored_content=content is not None)


@router.get(
    "/v1/feedback/export",
    response_class=StreamingResponse,
    openapi_extra={"x-required-scope": "feedback:read"},
    responses={
        200: {
            "description": "One JSON object per line (JSON Lines), oldest first.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
async def export_feedback(request: Request) -> StreamingResponse:
    """All feedback as JSON Lines, oldest first."""
    store: FeedbackStore = request.app.state.feedback
    await store.call(store.ping)  # an outage is a 503 before the stream starts
    return StreamingResponse(store.export_stream(), media_type="application/x-ndjson")
