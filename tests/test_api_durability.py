"""Acknowledged feedback survives a kill -9 (issue 15): the real ``grooming-detect serve`` process, real
SQLite in WAL mode, killed mid-stream, restarted on the same file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from livehttp import free_port

from grooming_detect.api.security import hash_key

KEY = "durability-key-0123456789"


def _start(tmp_path: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "GROOMING_DETECT_KEYS": json.dumps([{"id": "d", "sha256": hash_key(KEY), "scopes": ["admin"]}]),
        "GROOMING_DETECT_FEEDBACK_URL": f"sqlite:///{tmp_path / 'feedback.db'}",
        "GROOMING_DETECT_RATE_LIMIT": "",
        "GROOMING_DETECT_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "grooming_detect.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        assert process.poll() is None, "the server exited during start-up"
        time.sleep(0.3)
    process.kill()
    raise AssertionError("the server did not become ready")


@pytest.mark.slow
def test_acknowledged_feedback_survives_kill_9(tmp_path: Path, scorer) -> None:
    port = free_port()
    server = _start(tmp_path, port)
    acknowledged: list[int] = []
    lock = threading.Lock()
    body = {"transcript_id": "t", "model_version": scorer.version, "category": "grooming", "verdict": "confirmed"}

    def send(worker: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": KEY}, timeout=10) as http:
            for i in range(10_000):
                try:
                    r = http.post("/v1/feedback", json={**body, "note": f"w{worker}-{i}"})
                except httpx.TransportError:
                    return  # the server is gone
                if r.status_code == 201:
                    with lock:
                        acknowledged.append(r.json()["id"])

    try:
        workers = [threading.Thread(target=send, args=(w,)) for w in range(4)]
        for w in workers:
            w.start()
        while len(acknowledged) < 200:
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)  # mid-stream: requests are in flight
        server.wait(timeout=30)
        for w in workers:
            w.join(timeout=30)
        server = _start(tmp_path, port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": KEY}, timeout=60) as http:
            export = http.get("/v1/feedback/export")
        rows = [json.loads(line) for line in export.text.splitlines()]  # parses end to end
        stored = {row["id"] for row in rows}
        assert export.status_code == 200 and len(acknowledged) >= 200
        assert set(acknowledged) <= stored, f"lost {len(set(acknowledged) - stored)} acknowledged records"
    finally:
        server.kill()
        server.wait(timeout=30)
