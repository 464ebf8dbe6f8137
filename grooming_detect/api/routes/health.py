"""Liveness and readiness (no key: probes call them) and Prometheus metrics (the ``metrics`` scope)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from grooming_detect.api.schemas import ERROR_RESPONSES
from grooming_detect.api.security import require_api_key

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.head("/healthz", include_in_schema=False)
@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.head("/readyz", include_in_schema=False)
@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    if not request.app.state.ready:
        return JSONResponse({"status": "loading"}, status_code=503)
    return JSONResponse({"status": "ready", "model_version": request.app.state.scorer.version})


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    dependencies=[Depends(require_api_key)],
    openapi_extra={"x-required-scope": "metrics"},
    responses={401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403], 429: ERROR_RESPONSES[429]},
)
async def metrics(request: Request) -> Response:
    streams = request.app.state.streams
    metrics = request.app.state.metrics
    metrics.live_conversations.set(len(streams))
    metrics.conversations_dropped.labels("evicted").set(streams.evicted)
    metrics.conversations_dropped.labels("expired").set(streams.expired)
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
