"""The moderation HTTP API: ``create_app()`` builds it; ``grooming-detect serve`` runs it with uvicorn."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grooming_detect import __version__
from grooming_detect.api import routes
from grooming_detect.api.batching import MicroBatcher
from grooming_detect.api.feedback import FeedbackStore
from grooming_detect.api.logs import configure_logging, log_event
from grooming_detect.api.metrics import ApiMetrics
from grooming_detect.api.security import (
    PROTECTED_PREFIX,
    KeyCheckMiddleware,
    RateLimiter,
    document_security,
    keyring_from,
)
from grooming_detect.api.settings import Settings
from grooming_detect.api.streams import ConversationStore
from grooming_detect.model_files import ModelFolderError
from grooming_detect.schema import TranscriptLimits, use_limits
from grooming_detect.scorer import RiskScorer

__all__ = ["create_app"]

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # JSON answers need nothing; the docs pages get their own policy (_DOCS_CSP)
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
_ROUTERS = (routes.health, routes.moderation, routes.feedback)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}", re.ASCII)
_DOCS_PATHS = ("/docs", "/static-offline-docs/")
_DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)


class _BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException so that FastAPI's body parser lets it through."""

    def __init__(self, limit: int) -> None:
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, f"request body is larger than the limit of {limit} bytes")


class LimitsMiddleware:
    """Rejects bodies over the limit (declared or chunked) with 413 and applies the transcript limits."""

    def __init__(self, app: ASGIApp, max_bytes: int, limits: TranscriptLimits) -> None:
        self.app, self.max_bytes, self.limits = app, max_bytes, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._reject(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            with use_limits(self.limits):
                await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body is larger than the limit of {self.max_bytes} bytes"},
            status_code=status.HTTP_413_CONTENT_TOO_LARGE,
        )
        await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - a JSONResponse never reads the body
    return {"type": "http.disconnect"}


def _field_names() -> frozenset[str]:
    """Every field name the request bodies declare, and where FastAPI says a value came from."""
    from grooming_detect.api.schemas import FeedbackIn, ModerateRequest, StreamRequest
    from grooming_detect.schema import Message, Transcript

    names = {"body", "path", "query", "header", "cookie", "conversation_id"}
    for model in (FeedbackIn, ModerateRequest, StreamRequest, Message, Transcript):
        names.update(model.model_fields)
    return frozenset(names)


_FIELDS = _field_names()


def _clean_loc(loc: Any) -> list[str | int]:
    """A validation error's path with whatever the client named itself (an invented field, a dict key such
    as a threshold's category or a metadata key) shown as ``<key>``: error bodies never repeat client input."""
    return [part if isinstance(part, int) or part in _FIELDS else "<key>" for part in loc]


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Field path, message and type of each validation error, never the offending input or a key the
    client chose (it may be a child's text)."""
    return [
        {"loc": _clean_loc(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")} for e in errors
    ]


def create_app(settings: Settings | None = None, scorer: RiskScorer | None = None) -> FastAPI:
    """Build the app; the model is loaded once in the lifespan (or ``scorer`` is used as given)."""
    settings = settings or Settings()
    keys = keyring_from(settings)  # a bad keys file stops here, naming the file and the rule

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        if not settings.open_mode and not len(keys):
            raise RuntimeError("no API keys configured: set GROOMING_DETECT_KEYS_FILE, or use open mode for trials")
        if settings.open_mode:
            log_event("open mode: requests are accepted without an API key; for local trials only", logging.WARNING)
        elif settings.api_keys:
            log_event(
                "plain keys in GROOMING_DETECT_API_KEYS have every scope; give each client a scoped, hashed key "
                "(grooming-detect keys new, GROOMING_DETECT_KEYS_FILE)",
                logging.WARNING,
                keys=len(settings.api_keys),
            )
        try:
            app.state.scorer = scorer or await run_in_threadpool(
                partial(RiskScorer.from_pretrained, settings.model, backend=settings.backend)
            )
        except ModelFolderError as exc:  # refuse to start, saying why, rather than answer 500 to every request
            log_event("the model folder cannot be served; not starting", logging.ERROR, reason=str(exc))
            raise
        app.state.feedback = FeedbackStore(
            settings.feedback_url, threads=settings.feedback_threads, timeout_s=settings.feedback_timeout_seconds
        )
        app.state.batcher = None
        if settings.micro_batching:
            metrics: ApiMetrics = app.state.metrics

            def observe_batch(requests: int, messages: int) -> None:
                metrics.batch_requests.observe(requests)
                metrics.batch_messages.observe(messages)

            app.state.batcher = MicroBatcher(
                app.state.scorer,
                max_messages=settings.batch_max_messages,
                wait_s=settings.batch_wait_ms / 1000,
                observe=observe_batch,
            )
            app.state.batcher.start()
        app.state.streams = ConversationStore(settings.stream_max_conversations, settings.stream_ttl_seconds)
        app.state.ready = True
        log_event("ready", model_version=app.state.scorer.version, backend=app.state.scorer.backend)
        try:
            yield
        finally:
            app.state.ready = False
            if app.state.batcher is not None:
                await app.state.batcher.stop()
            app.state.feedback.close()

    # Swagger UI's script and style from the fastapi-offline package, not a CDN: /docs works air-gapped
    app = FastAPIOffline(
        redoc_url=None,
        title="grooming-detect",
        version=__version__,
        description="Scores Thai chat transcripts for online grooming and sextortion risk. Scores help human "
        "moderators prioritise; they are not grounds for automatic punishment.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = ApiMetrics()
    app.state.ready = False
    app.state.batcher = None
    limits = TranscriptLimits(settings.max_messages, settings.max_message_chars)
    app.add_middleware(LimitsMiddleware, max_bytes=settings.max_body_bytes, limits=limits)
    # added after the limits: runs before them, so a caller without a key never gets its body read
    app.add_middleware(
        KeyCheckMiddleware,
        keys=keys,
        routes=[route for router in _ROUTERS for route in router.routes],
        limiter=RateLimiter(settings.rate_limit) if settings.rate_limit else None,
    )

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or ""
        if not _REQUEST_ID.fullmatch(request_id):  # a client's id is echoed and logged: a safe pattern only
            request_id = uuid.uuid4().hex
        request.state.request_id = request_id
        request.state.log_fields = {}
        start = time.perf_counter()
        response = await call_next(request)
        elapsed = time.perf_counter() - start
        route = getattr(request.scope.get("route"), "path", "unmatched")
        app.state.metrics.requests.labels(route, request.method, str(response.status_code)).inc()
        app.state.metrics.latency.labels(route).observe(elapsed)
        response.headers["X-Request-ID"] = request_id
        for header, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if request.url.path.startswith(_DOCS_PATHS):  # Swagger UI starts from an inline script
            response.headers["Content-Security-Policy"] = _DOCS_CSP
        if request.url.path.startswith(PROTECTED_PREFIX):  # scores, transcripts, feedback: never cached
            response.headers["Cache-Control"] = "no-store"
        scorer = getattr(app.state, "scorer", None)
        principal = getattr(request.state, "principal", None)
        log_event(
            "request",
            request_id=request_id,
            key_id=principal.key_id if principal else None,
            method=request.method,
            route=route,
            status=response.status_code,
            latency_ms=round(elapsed * 1000, 2),
            model_version=scorer.version if scorer else None,
            **request.state.log_fields,
        )
        return response

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _clean_errors(list(exc.errors()))}, status_code=422)

    @app.exception_handler(SQLAlchemyError)
    async def on_store_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        # The driver's message can quote bound parameters (a note, a stored transcript): log the type only.
        log_event(
            "feedback store unavailable",
            logging.ERROR,
            request_id=getattr(request.state, "request_id", None),
            error=type(exc).__name__,
        )
        return JSONResponse(
            {"detail": "feedback store unavailable; retry later"}, status_code=503, headers={"Retry-After": "5"}
        )

    @app.exception_handler(Exception)
    async def on_error(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - a bug, logged
        log_event("internal error", logging.ERROR, request_id=getattr(request.state, "request_id", None))
        return JSONResponse({"detail": "internal error"}, status_code=500)

    for router in _ROUTERS:
        app.include_router(router)

    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_security(build_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    return app
