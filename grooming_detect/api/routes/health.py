"""Liveness, readiness and Prometheus metrics (no API key: probes and scrapers call them)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.api_route("/healthz", methods=["GET", "HEAD"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.api_route("/readyz", methods=["GET", "HEAD"])
async def readyz(request: Request) -> JSONResponse:
    if not request.app.state.ready:
        return JSONResponse({"status": "loading"}, status_code=503)
    return JSONResponse({"status": "ready", "model_version": request.app.state.scorer.version})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(request: Request) -> Response:
    streams = request.app.state.streams
    metrics = request.app.state.metrics
    metrics.live_conversations.set(len(streams))
    metrics.conversations_dropped.labels("evicted").set(streams.evicted)
    metrics.conversations_dropped.labels("expired").set(streams.expired)
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
