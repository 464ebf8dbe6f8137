"""API-key check: constant-time comparison against every configured key, before the body is read.

``KeyCheckMiddleware`` refuses a request to a protected path (``/v1/...``) from its headers alone, so an
unauthenticated client never gets its body parsed or validated (no 422 that reveals the schema, no
work spent on it). ``require_api_key`` repeats the check as a route dependency, which is also what puts
the security scheme into the OpenAPI document.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import HTTPException, Request, Security, status
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["API_KEY_HEADER", "PROTECTED_PREFIX", "KeyCheckMiddleware", "require_api_key"]

PROTECTED_PREFIX = "/v1/"
_UNAUTHORIZED = "missing or invalid API key (send it in the X-API-Key header)"

API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="One of the server's API keys.")


def _matches(candidate: str, keys: list[str]) -> bool:
    found = False
    for key in keys:  # compare with every key, so timing does not reveal which one (or how many) matched
        found |= secrets.compare_digest(candidate.encode(), key.encode())
    return found


def _accepted(candidate: str | None, settings: Any) -> bool:
    if settings.open_mode:
        return True
    keys = [k.get_secret_value() for k in settings.api_keys]
    return bool(candidate) and bool(keys) and _matches(str(candidate), keys)


async def require_api_key(request: Request, candidate: str | None = Security(API_KEY_HEADER)) -> None:
    """FastAPI dependency: 401 without a valid key, unless the server runs in open mode."""
    if not _accepted(candidate, request.app.state.settings):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED, detail=_UNAUTHORIZED, headers={"WWW-Authenticate": "APIKey"}
        )


class KeyCheckMiddleware:
    """401 for a protected path without a valid key, decided on the headers, before the body is read."""

    def __init__(self, app: ASGIApp, settings: Any) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(PROTECTED_PREFIX):
            raw = dict(scope.get("headers") or []).get(b"x-api-key")
            candidate = raw.decode("latin-1") if raw is not None else None
            if not _accepted(candidate, self.settings):
                response = JSONResponse(
                    {"detail": _UNAUTHORIZED}, status_code=401, headers={"WWW-Authenticate": "APIKey"}
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
