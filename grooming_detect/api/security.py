"""Who may call what: scoped API keys held as hashes, checked before the body is read, and rate limits.

A client sends its key in ``X-API-Key`` or as ``Authorization: Bearer <key>`` (what OpenAI-style and
Prometheus clients send). The server holds only SHA-256 digests of the keys (keys are random tokens of
at least 128 bits, made by ``grooming-detect keys new``, so a fast hash is enough; a slow password hash
would only slow every request). Each key has an id, logged instead of the key, and scopes:

- ``score``: ``/v1/models``, ``/v1/moderate`` and live conversations (each one belongs to the key that
  created it: ids are per key, so one client can neither read, extend nor end another's);
- ``feedback:write``: ``POST /v1/feedback``; ``feedback:read``: the export, which holds any stored
  transcripts; ``metrics``: ``/metrics``; ``admin``: all of them.

``KeyCheckMiddleware`` decides from the headers alone (401 without a valid key, 403 without the route's
scope, 429 over the key's rate limit), so an unauthenticated client never gets its body parsed or
validated. A route's scope is declared once, on the route (``openapi_extra["x-required-scope"]``), where
the middleware reads it and the OpenAPI document shows it. ``require_api_key`` is the routes' dependency
that puts the security schemes into the OpenAPI document.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fastapi import HTTPException, Request, Security, status
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from grooming_detect.model_files import first_error

__all__ = [
    "API_KEY_HEADER",
    "PROTECTED_PREFIX",
    "SCOPES",
    "ApiKey",
    "KeyCheckMiddleware",
    "KeyRing",
    "KeysFileError",
    "Principal",
    "RateLimiter",
    "document_security",
    "hash_key",
    "new_key",
    "require_api_key",
    "scope_of",
]

PROTECTED_PREFIX = "/v1/"
ScopeName = Literal["score", "feedback:write", "feedback:read", "metrics", "admin"]
SCOPES: tuple[str, ...] = ("score", "feedback:write", "feedback:read", "metrics", "admin")
_UNAUTHORIZED = "missing or invalid API key (send it in the X-API-Key header or as Authorization: Bearer)"

API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="One of the server's API keys.")
_CHALLENGE = {"WWW-Authenticate": "APIKey, Bearer"}
_BEARER_SCHEME = {"type": "http", "scheme": "bearer", "description": "The same API key, as a bearer token."}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A random key of 256 bits, URL-safe, prefixed so that secret scanners can recognise it."""
    return "gd_" + secrets.token_urlsafe(32)


class ApiKey(BaseModel):
    """One entry of the keys file (or of ``GROOMING_DETECT_KEYS``): never the key itself, only its hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Logged instead of the key.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the key, lowercase hex.")
    scopes: list[ScopeName] = Field(min_length=1)


class _KeysFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[ApiKey]


class KeysFileError(ValueError):
    """The keys file cannot be read or breaks its schema; the message names the file and the rule."""


def read_keys_file(path: Path) -> list[ApiKey]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _KeysFile.model_validate(data).keys
    except OSError as exc:
        raise KeysFileError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise KeysFileError(f"{path}: not YAML ({type(exc).__name__})") from None
    except ValidationError as exc:
        raise KeysFileError(f"{path}: {first_error(exc)}") from None


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id (or ``open``) and what it may do."""

    key_id: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes


OPEN = Principal("open", frozenset(SCOPES))


class KeyRing:
    """The server's keys, by digest. ``identify`` compares a candidate's digest with every key's in
    constant time, so timing reveals neither which key matched nor how many there are."""

    def __init__(self, keys: Sequence[ApiKey], *, open_mode: bool = False) -> None:
        duplicates = sorted(i for i, n in Counter(k.id for k in keys).items() if n > 1)
        if duplicates:
            raise KeysFileError(f"key ids must be unique; repeated: {', '.join(duplicates)}")
        self.open_mode = open_mode
        self._keys = [(bytes.fromhex(k.sha256), Principal(k.id, frozenset(k.scopes))) for k in keys]

    def __len__(self) -> int:
        return len(self._keys)

    def identify(self, candidate: str | None) -> Principal | None:
        if self.open_mode:
            return OPEN
        if not candidate:
            return None
        digest = hashlib.sha256(candidate.encode("utf-8", "surrogatepass")).digest()
        found: Principal | None = None
        for stored, principal in self._keys:
            if secrets.compare_digest(digest, stored):
                found = principal
        return found


class RateLimiter:
    """Requests per key id in a moving window (the ``limits`` library), e.g. ``"600/minute"``."""

    def __init__(self, rate: str) -> None:
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.item = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, key_id: str) -> int | None:
        """None if this request may go on, else the seconds until the key may call again."""
        if self._limiter.hit(self.item, key_id):
            return None
        reset = self._limiter.get_window_stats(self.item, key_id).reset_time
        return max(1, math.ceil(reset - time.time()))


def scope_of(route: BaseRoute) -> str | None:
    extra = getattr(route, "openapi_extra", None) or {}
    value = extra.get("x-required-scope")
    return str(value) if value else None


def _candidate(headers: dict[bytes, bytes]) -> str | None:
    raw = headers.get(b"x-api-key")
    if raw is None:
        auth = headers.get(b"authorization", b"")
        scheme, _, token = auth.partition(b" ")
        raw = token.strip() if scheme.lower() == b"bearer" and token.strip() else None
    return raw.decode("latin-1") if raw is not None else None


class KeyCheckMiddleware:
    """Authentication, the route's scope and the key's rate limit, from the headers, before the body.

    The caller's :class:`Principal` goes into the request's state (``request.state.principal``), where
    routes find the owner of a live conversation and the request log finds the key id."""

    def __init__(
        self,
        app: ASGIApp,
        keys: KeyRing,
        routes: Sequence[BaseRoute],
        limiter: RateLimiter | None = None,
    ) -> None:
        self.app, self.keys, self.routes, self.limiter = app, keys, routes, limiter

    def _required(self, scope: Scope) -> tuple[bool, str | None]:
        """(needs a key, scope needed): every /v1 path needs a key, a route with a scope needs it too."""
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                needed = scope_of(route)
                return needed is not None or str(scope["path"]).startswith(PROTECTED_PREFIX), needed
        return str(scope.get("path", "")).startswith(PROTECTED_PREFIX), None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        protected, needed = self._required(scope)
        if protected:
            principal = self.keys.identify(_candidate(dict(scope.get("headers") or [])))
            if principal is None:
                await _answer(scope, receive, send, 401, _UNAUTHORIZED, _CHALLENGE)
                return
            scope.setdefault("state", {})["principal"] = principal
            if needed is not None and not principal.allows(needed):
                detail = f"this key (id {principal.key_id}) lacks the {needed!r} scope this endpoint needs"
                await _answer(scope, receive, send, 403, detail)
                return
            wait = self.limiter.retry_after(principal.key_id) if self.limiter and not self.keys.open_mode else None
            if wait is not None:
                detail = f"rate limit of this key (id {principal.key_id}) reached; retry in {wait} s"
                await _answer(scope, receive, send, 429, detail, {"Retry-After": str(wait)})
                return
        await self.app(scope, receive, send)


async def _answer(
    scope: Scope, receive: Receive, send: Send, code: int, detail: str, headers: dict[str, str] | None = None
) -> None:
    await JSONResponse({"detail": detail}, status_code=code, headers=headers)(scope, receive, send)


async def require_api_key(request: Request, candidate: str | None = Security(API_KEY_HEADER)) -> Principal:
    """The caller, as the middleware found it (it has already refused anyone else). The parameter puts
    the key scheme into the OpenAPI document; :func:`document_security` adds the bearer alternative."""
    principal = getattr(request.state, "principal", None)
    if principal is None:  # pragma: no cover - only if the middleware were not installed
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, _UNAUTHORIZED, headers=_CHALLENGE)
    return principal


def keyring_from(settings: Any) -> KeyRing:
    """The settings' keys: the keys file, ``keys`` (hashes) and the older plain ``api_keys`` (every scope)."""
    keys: list[ApiKey] = []
    if settings.keys_file is not None:
        keys.extend(read_keys_file(Path(settings.keys_file)))
    keys.extend(settings.keys)
    for plain in settings.api_keys:
        digest = hash_key(plain.get_secret_value())
        keys.append(ApiKey(id=f"key-{digest[:8]}", sha256=digest, scopes=["admin"]))
    return KeyRing(keys, open_mode=settings.open_mode)


def document_security(spec: dict[str, Any]) -> dict[str, Any]:
    """Either header is enough: OpenAPI says "or" with one requirement per scheme, where FastAPI's two
    dependencies would say "and". Each operation's scope is its ``x-required-scope``."""
    spec.setdefault("components", {}).setdefault("securitySchemes", {})["Bearer"] = _BEARER_SCHEME
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and operation.get("security"):
                operation["security"] = [{"APIKeyHeader": []}, {"Bearer": []}]
    return spec
