"""API-key check: constant-time comparison against every configured key."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request, status
from fastapi.security import APIKeyHeader

__all__ = ["API_KEY_HEADER", "require_api_key"]

API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="One of the server's API keys.")


def _matches(candidate: str, keys: list[str]) -> bool:
    found = False
    for key in keys:  # compare with every key, so timing does not reveal which one (or how many) matched
        found |= secrets.compare_digest(candidate.encode(), key.encode())
    return found


async def require_api_key(request: Request) -> None:
    """FastAPI dependency: 401 without a valid key, unless the server runs in open mode."""
    settings = request.app.state.settings
    if settings.open_mode:
        return
    candidate = await API_KEY_HEADER(request)
    keys = [k.get_secret_value() for k in settings.api_keys]
    if not candidate or not keys or not _matches(candidate, keys):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API key (send it in the X-API-Key header)",
            headers={"WWW-Authenticate": "APIKey"},
        )
