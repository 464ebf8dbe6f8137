"""How ``grooming-detect serve`` runs uvicorn: slow clients cut, connections capped, no server banner.

uvicorn closes a connection idle *between* requests (``timeout_keep_alive``), but not one that sends its
headers or body a byte at a time: such a client held a connection for as long as it liked (issue 15.6).
:class:`GuardedH11Protocol` gives every request a deadline to arrive whole, from the moment the
connection opens or the last answer went out, and closes the connection when it passes.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from grooming_detect.api.logs import log_event
from grooming_detect.api.settings import Settings

__all__ = ["GuardedH11Protocol", "check_bind", "uvicorn_options"]

_STILL_READING = (h11.IDLE, h11.SEND_BODY)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a read deadline per request (``read_timeout`` seconds)."""

    read_timeout: float = 30.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state not in _STILL_READING:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this keep-alive connection gets its own deadline
            if self.conn.their_state not in _STILL_READING:  # a pipelined request already arrived whole
                self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.read_timeout, self._cut)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _cut(self) -> None:
        self._deadline = None
        if self.conn.their_state in _STILL_READING and not self.transport.is_closing():
            log_event("slow client cut", logging.WARNING, read_timeout_s=self.read_timeout)
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How ``grooming-detect serve`` runs uvicorn (tests run it the same way)."""
    protocol = type(
        "GuardedH11Protocol", (GuardedH11Protocol,), {"read_timeout": settings.request_read_timeout_seconds}
    )
    return {
        "log_level": settings.log_level.lower(),
        "access_log": False,  # the app logs each request itself, without text
        "server_header": False,  # no "server: uvicorn" on every answer
        "http": protocol,
        "limit_concurrency": settings.max_connections,  # beyond it: 503 at once, not a queue that grows
        "timeout_keep_alive": 5,
    }


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, host: str) -> None:
    """Open mode takes no key: it binds to loopback only unless ``open_mode_remote`` says otherwise."""
    if not settings.open_mode or _loopback(host):
        return
    if not settings.open_mode_remote:
        raise SystemExit(
            f"open mode accepts requests without a key, so it binds to 127.0.0.1 only; {host} would let anyone "
            "who reaches it score, read feedback and metrics. Use keys (GROOMING_DETECT_KEYS_FILE), or set "
            "GROOMING_DETECT_OPEN_MODE_REMOTE=true (--open-remote) if a proxy in front of it checks callers"
        )
    log_event(
        "open mode on a non-loopback address: anyone who reaches it may call every endpoint; "
        "allowed by open_mode_remote (a proxy in front must check callers)",
        logging.WARNING,
    )
