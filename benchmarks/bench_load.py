"""Load on the real server: 16 clients for a bounded time, mixed moderate / stream / feedback traffic.

Why: the issue's bar for serving is "0 errors" under concurrent mixed use, and what a deployment is sized on
is the latency tail (p95, p99) and the server's peak memory, which only show with a real process on a real
socket. Absolute times depend on the machine, so the 16-client moderate p50 is also reported against one
client alone in the same run (``ratio_p50_16_vs_1``).

Run ``python benchmarks/bench_load.py [--seconds 60]``; ``BENCH_LOAD_SECONDS=10`` shortens it for a quick check.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from common import free_port, print_figures

CLIENTS = 16
LINES = (  # ordinary chat, nothing of what the model looks for
    "สวัสดีครับ|กินข้าวหรือยัง|พรุ่งนี้สอบคณิตนะ|เล่นเกมกันไหม|"
    "การบ้านวิทย์ส่งวันไหน|ฝนตกหนักมากเลยวันนี้|เดี๋ยวเย็นนี้ไปเตะบอลกัน|"
    "แม่ให้ไปซื้อของที่ตลาด|ดูหนังเรื่องใหม่หรือยัง|ขอบคุณมากนะ|"
    "ได้เลย เจอกันที่โรงเรียน|555 ตลกมาก|ครูให้อ่านบทที่สามด้วย|"
    "ง่วงจัง เมื่อคืนนอนดึก"
).split("|")
MIX = {"moderate": 0.6, "stream": 0.3, "feedback": 0.1}
EXPECTED = {"moderate": 200, "stream": 200, "feedback": 201, "delete": 204}
STREAM_LENGTH = 10  # messages per live conversation before the client ends it and starts another


@dataclass
class _Tally:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unexpected: Counter[str] = field(default_factory=Counter)  # "METHOD route -> status", never a body
    messages: int = 0


def _command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("grooming-detect")
    head = [str(script)] if script.is_file() else [sys.executable, "-m", "grooming_detect.cli"]
    return [*head, "serve", "--host", "127.0.0.1", "--port", str(port)]


def _proc_kb(pid: int, name: str) -> float | None:
    """A field of /proc/<pid>/status in kB (VmRSS now, VmHWM the high-water mark), or None off Linux."""
    with contextlib.suppress(OSError):
        found = re.search(rf"^{name}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(encoding="ascii"), re.M)
        return float(found.group(1)) if found else None
    return None


@contextlib.contextmanager
def _server(key: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``grooming-detect serve`` in a temp dir (its own feedback store, one admin key), once /readyz says 200."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, open(Path(tmp) / "server.log", "wb") as log:
        port = free_port()
        keys = [{"id": "bench", "sha256": hashlib.sha256(key.encode()).hexdigest(), "scopes": ["admin"]}]
        env = os.environ | {
            "GROOMING_DETECT_KEYS": json.dumps(keys),
            "GROOMING_DETECT_FEEDBACK_URL": f"sqlite:///{tmp}/feedback.db",
            "GROOMING_DETECT_RATE_LIMIT": "1000000/minute",  # the limiter must never refuse here
            "GROOMING_DETECT_LOG_LEVEL": "WARNING",
        }
        proc = subprocess.Popen(_command(port), cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while True:
                if proc.poll() is not None:
                    tail = (Path(tmp) / "server.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the server exited with {proc.returncode} before it was ready:\n{tail}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/readyz", timeout=5).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("the server was not ready within 300 s")
                time.sleep(0.5)
            yield proc, base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _moderate_body(rng: random.Random, turn: int) -> tuple[dict[str, object], int]:
    """One transcript of 4 to 12 ordinary lines, and its number of messages."""
    messages = [{"sender": f"u{i % 2}", "text": rng.choice(LINES)} for i in range(rng.randint(4, 12))]
    return {"transcripts": [{"id": f"load-{turn}", "messages": messages}]}, len(messages)


def _client(base: str, key: str, version: str, seed: int, until: float, mix: dict[str, float]) -> _Tally:
    """One client's loop until ``until`` (perf_counter): a weighted pick of request per turn, seeded."""
    rng, tally = random.Random(seed), _Tally()
    conversation, sent, turn = f"load-{seed}-0", 0, 0
    feedback = {"transcript_id": "t1", "model_version": version, "category": "grooming", "verdict": "false_positive"}

    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=120) as http:

        def call(kind: str, method: str, url: str, route: str, body: object = None, messages: int = 0) -> None:
            start = time.perf_counter()
            try:
                status: object = http.request(method, url, json=body).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            tally.seconds[kind].append(time.perf_counter() - start)
            if status == EXPECTED[kind]:
                tally.messages += messages
            else:
                tally.unexpected[f"{method} {route} -> {status}"] += 1

        while time.perf_counter() < until:
            turn += 1
            kind = rng.choices(list(mix), weights=list(mix.values()))[0]
            if kind == "moderate":
                body, n = _moderate_body(rng, turn)
                call(kind, "POST", "/v1/moderate", "/v1/moderate", body, n)
            elif kind == "stream":
                if sent >= STREAM_LENGTH:
                    call("delete", "DELETE", f"/v1/conversations/{conversation}", "/v1/conversations/{id}")
                    conversation, sent = f"load-{seed}-{turn}", 0
                message = {"sender": f"u{sent % 2}", "text": rng.choice(LINES)}
                route = "/v1/conversations/{id}/messages"
                call(kind, "POST", f"/v1/conversations/{conversation}/messages", route, {"messages": [message]}, 1)
                sent += 1
            else:
                call(kind, "POST", "/v1/feedback", "/v1/feedback", feedback)
        if sent:
            call("delete", "DELETE", f"/v1/conversations/{conversation}", "/v1/conversations/{id}")
    return tally


def _check(base: str, key: str) -> str:
    """One call of each kind by hand (and a warm-up); the model version for feedback."""
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=120) as http:
        models = http.get("/v1/models")
        models.raise_for_status()
        version: str = models.json()["models"][0]["version"]
        feedback = {"transcript_id": "t1", "model_version": version, "category": "grooming", "verdict": "confirmed"}
        calls = [
            ("POST", "/v1/moderate", _moderate_body(random.Random(0), 0)[0], 200),
            ("POST", "/v1/conversations/load-check/messages", {"messages": [{"sender": "a", "text": LINES[0]}]}, 200),
            ("DELETE", "/v1/conversations/load-check", None, 204),
            ("POST", "/v1/feedback", feedback, 201),
        ]
        for method, url, body, expected in calls:
            status = http.request(method, url, json=body).status_code
            if status != expected:
                raise RuntimeError(f"{method} {url} answered {status}, not {expected}")
    return version


def _percentiles(prefix: str, seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {}
    p50, p95, p99 = np.percentile(np.asarray(seconds) * 1000, [50, 95, 99])
    return {f"{prefix}p50_ms": float(p50), f"{prefix}p95_ms": float(p95), f"{prefix}p99_ms": float(p99)}


def _phase(base: str, key: str, version: str, clients: int, seconds: float, mix: dict[str, float]) -> _Tally:
    until = time.perf_counter() + seconds
    with ThreadPoolExecutor(clients) as pool:
        tallies = list(pool.map(lambda i: _client(base, key, version, 1000 + i, until, mix), range(clients)))
    total = _Tally(messages=sum(t.messages for t in tallies))
    for t in tallies:
        total.unexpected += t.unexpected
        for kind, values in t.seconds.items():
            total.seconds[kind] += values
    return total


def run(duration_s: float | None = None, clients: int = CLIENTS) -> dict[str, float]:
    """The load run's figures: ``clients`` for ``duration_s`` (default ``$BENCH_LOAD_SECONDS`` or 60)."""
    duration = float(duration_s or os.environ.get("BENCH_LOAD_SECONDS") or 60)
    key = "gd_bench_" + secrets.token_urlsafe(24)
    with _server(key) as (proc, base):
        version = _check(base, key)
        peak, stop = [0.0], threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                peak[0] = max(peak[0], _proc_kb(proc.pid, "VmRSS") or 0.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            alone = _phase(base, key, version, 1, duration / 5, {"moderate": 1.0})
            start = time.perf_counter()
            load = _phase(base, key, version, clients, duration, MIX)
            elapsed = time.perf_counter() - start
        finally:
            stop.set()
            sampler.join()
        hwm = _proc_kb(proc.pid, "VmHWM")
    everything = [s for values in load.seconds.values() for s in values]
    unexpected = load.unexpected + alone.unexpected
    if unexpected:
        print(f"unexpected answers: {dict(unexpected)}", file=sys.stderr)
    out: dict[str, float] = {
        "clients": float(clients),
        "duration_s": elapsed,
        "requests": float(len(everything)),
        "errors": float(sum(unexpected.values())),  # both phases
        "requests_per_s": len(everything) / elapsed,
        "messages_per_s": load.messages / elapsed,
    }
    out |= _percentiles("", everything)
    for kind in (*MIX, "delete"):
        out |= _percentiles(f"{kind}_", load.seconds.get(kind, []))
    out |= {f"{k}_1client": v for k, v in _percentiles("moderate_", alone.seconds["moderate"]).items()}
    out["ratio_p50_16_vs_1"] = out["moderate_p50_ms"] / out["moderate_p50_ms_1client"]
    out["peak_rss_mb"] = peak[0] / 1024
    if hwm is not None:
        out["vmhwm_mb"] = hwm / 1024  # the whole life of the server, loading included
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=None, help="load duration (default $BENCH_LOAD_SECONDS or 60)")
    results = run(parser.parse_args(argv).seconds)
    return print_figures(results)


if __name__ == "__main__":
    main()
