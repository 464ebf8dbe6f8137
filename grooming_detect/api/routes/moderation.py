"""Scoring: the model's description, whole transcripts, and live conversations message by message."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from grooming_detect.api.batching import MicroBatcher
from grooming_detect.api.metrics import ApiMetrics
from grooming_detect.api.routes.errors import unprocessable
from grooming_detect.api.schemas import (
    ERROR_RESPONSES,
    ErrorBody,
    ModelInfo,
    ModerateRequest,
    ModerateResponse,
    StreamRequest,
)
from grooming_detect.api.security import Principal, require_api_key
from grooming_detect.api.settings import Settings
from grooming_detect.api.streams import ConversationDropped, ConversationStore
from grooming_detect.scorer import ConversationFull, RiskScorer
from grooming_detect.scores import TranscriptScore

__all__ = ["router"]

router = APIRouter(dependencies=[Depends(require_api_key)], responses=ERROR_RESPONSES)
_SCORE = {"x-required-scope": "score"}  # read by KeyCheckMiddleware, shown in the OpenAPI document
_CONVERSATION_ID = r"^[A-Za-z0-9._:\-]+$"


def _owned(request: Request, conversation_id: str) -> str:
    """The store's key of a live conversation: its id under the key that created it, so another key's
    conversation of the same id is a different one (it cannot be read, extended or ended by this key)."""
    principal: Principal = request.state.principal
    return f"{principal.key_id}/{conversation_id}"


def _card_summary(scorer: RiskScorer) -> str | None:
    path = scorer.model.path
    card = path / "MODEL_CARD.md" if path else None
    if not card or not card.is_file():
        return None
    paragraphs = [p.strip() for p in card.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    body = [p for p in paragraphs if not p.startswith("#")]
    return body[0] if body else None


def _observe(request: Request, results: list[TranscriptScore]) -> None:
    """Score histograms and flag counts per category, and the request's log fields (counts, never text)."""
    metrics: ApiMetrics = request.app.state.metrics
    for result in results:
        for category, score in result.category_scores.items():
            metrics.scores.labels(category).observe(score)
            if result.categories[category]:
                metrics.flagged.labels(category).inc()
    request.state.log_fields.update(
        transcripts=len(results),
        messages=sum(len(r.messages) for r in results),
        flagged=sum(r.flagged for r in results),
    )
    metrics.messages.inc(request.state.log_fields["messages"])


@router.get("/v1/models", tags=["models"], openapi_extra=_SCORE)
async def models(request: Request) -> dict[str, list[ModelInfo]]:
    scorer: RiskScorer = request.app.state.scorer
    info = ModelInfo(
        name=scorer.name,
        version=scorer.version,
        backend=scorer.backend,
        categories=list(scorer.categories),
        thresholds=scorer.thresholds,
        card_summary=_card_summary(scorer),
    )
    return {"models": [info]}


@router.post("/v1/moderate", tags=["moderation"], openapi_extra=_SCORE)
async def moderate(request: Request, body: ModerateRequest) -> ModerateResponse:
    """Score 1 to 256 transcripts: per-conversation and per-message risk, first alert, spans.

    Concurrent requests are scored together (micro-batching, ``GROOMING_DETECT_MICRO_BATCHING``)."""
    scorer: RiskScorer = request.app.state.scorer
    settings: Settings = request.app.state.settings
    if len(body.transcripts) > settings.max_transcripts:
        raise unprocessable(
            ["body", "transcripts"], f"{len(body.transcripts)} transcripts; the limit is {settings.max_transcripts}"
        )
    try:
        thresholds = scorer.resolve_thresholds(body.thresholds)
    except ValueError as exc:
        raise unprocessable(["body", "thresholds"], str(exc)) from None
    batcher: MicroBatcher | None = request.app.state.batcher
    if batcher is not None:
        results = await batcher.score(body.transcripts, thresholds, body.return_spans)
    else:
        results = await run_in_threadpool(
            scorer.score_batch, body.transcripts, thresholds=thresholds, return_spans=body.return_spans
        )
    _observe(request, results)
    return ModerateResponse.of(request.state.request_id, scorer.name, scorer.version, results)


@router.post(
    "/v1/conversations/{conversation_id}/messages",
    tags=["moderation"],
    openapi_extra=_SCORE,
    responses={409: {"description": "The conversation's state was dropped; DELETE it and resend.", "model": ErrorBody}},
)
async def append_messages(
    request: Request,
    body: StreamRequest,
    conversation_id: str = Path(min_length=1, max_length=256, pattern=_CONVERSATION_ID),
) -> TranscriptScore:
    """Append messages to a live conversation and return its updated score. The server keeps no text."""
    scorer: RiskScorer = request.app.state.scorer
    settings: Settings = request.app.state.settings
    try:
        thresholds = scorer.resolve_thresholds(body.thresholds)
    except ValueError as exc:
        raise unprocessable(["body", "thresholds"], str(exc)) from None
    store: ConversationStore = request.app.state.streams
    if len(body.messages) > settings.max_messages:
        raise unprocessable(
            ["body", "messages"], f"{len(body.messages)} messages; the limit is {settings.max_messages}"
        )
    try:
        session = store.get_or_create(
            _owned(request, conversation_id),
            lambda: scorer.stream(conversation_id, thresholds=thresholds, return_spans=body.return_spans),
        )
    except ConversationDropped as exc:
        raise HTTPException(
            status_code=409,
            detail=f"this live conversation's state was dropped ({exc.reason}: the server keeps at most "
            f"{settings.stream_max_conversations} for {settings.stream_ttl_seconds:g} s idle); DELETE it and "
            "send the whole conversation again, or use a new id",
        ) from None
    try:
        result = await run_in_threadpool(session.add, body.messages, max_messages=settings.max_messages)
    except ConversationFull as exc:
        raise unprocessable(["body", "messages"], str(exc)) from None
    _observe(request, [result])
    request.state.log_fields["conversations"] = len(store)
    return result


@router.delete(
    "/v1/conversations/{conversation_id}",
    tags=["moderation"],
    openapi_extra=_SCORE,
    status_code=204,
    responses={404: {"description": "No such live conversation.", "model": ErrorBody}},
)
async def end_conversation(
    request: Request, conversation_id: str = Path(min_length=1, max_length=256, pattern=_CONVERSATION_ID)
) -> Response:
    """Forget a live conversation's state (or that it was dropped: the id can start afresh)."""
    if not request.app.state.streams.delete(_owned(request, conversation_id)):
        raise HTTPException(status_code=404, detail="no such live conversation")
    return Response(status_code=204)
