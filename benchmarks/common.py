"""What every benchmark here shares: a free loopback port and the figures printed as an aligned table."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def print_figures(results: dict[str, float], digits: int = 2) -> dict[str, float]:
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value:10.{digits}f}")
    return results
