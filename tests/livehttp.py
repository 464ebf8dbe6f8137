"""A real uvicorn server on a loopback socket, run the way ``grooming-detect serve`` runs it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from grooming_detect.api.server import uvicorn_options


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(app: Any, **overrides: Any) -> Iterator[httpx.Client]:
    """The app on a real uvicorn socket on 127.0.0.1, with a client for it."""
    import uvicorn

    port = free_port()
    options = {**uvicorn_options(app.state.settings), "log_level": "warning", **overrides}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=30)
