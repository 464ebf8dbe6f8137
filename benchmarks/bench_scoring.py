"""Scoring speed on a 20-message transcript: library, HTTP API, streaming, against a naive pipeline.

Run ``python benchmarks/bench_scoring.py [--model models/default] [--repeats 15]``. All in one run:

- naive baseline: a transformers ``feature-extraction`` pipeline on the same encoder, called once per
  message (no batching), which is what scoring "each message alone" costs before any model head;
- library: ``RiskScorer.score`` on the whole transcript (spans off, then on), and with the lexical tactic
  tagger taken out (``library_vs_no_tagger``: its share of the cost);
- streaming: a session fed one message at a time (cost per new message), against encoding one message;
- HTTP: ``POST /v1/moderate`` over a real uvicorn socket on 127.0.0.1, one request at a time, then 16
  clients at once with micro-batching on and off (``http_concurrent_batched_vs_unbatched``);
- backends: ``score_batch`` of 32 transcripts (640 messages, spans off) on each encoder runtime
  (``torch``, ``onnx``, ``onnx-int8``), as ratios to torch, and the peak memory of a fresh process that
  loads the model on that backend and scores the batch.

The scorer of the other rows runs the default backend (``grooming_detect.backends``).

Figures are messages per second and p50 / p95 latency per transcript, reported as ratios to the naive baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from common import free_port, print_figures

from grooming_detect import Message, Transcript
from grooming_detect.scorer import RiskScorer

LINES = [
    "หวัดดีครับ เล่นเกมด้วยกันบ่อยเลยนะ",
    "หวัดดีค่ะ",
    "วันนี้เลิกเรียนกี่โมง",
    "สี่โมงค่ะ 555",
    "น้องอายุเท่าไหร่แล้ว",
    "13 ค่ะ",
    "อยู่บ้านคนเดียวบ่อยไหม",
    "บางวันค่ะ พ่อแม่กลับดึก",
    "พี่เติมเพชรให้นะ ไม่ต้องคืน",
    "จริงหรอคะ ขอบคุณค่ะ 🥰",
    "แต่อย่าบอกใครนะ ความลับของเรา",
    "ค่ะ",
    "ไปคุยในเทเลแกรมกันดีกว่า",
    "ได้ค่ะ",
    "ส่งรูปส่วนตัวมาให้พี่ดูหน่อย",
    "ไม่เอาอะ อาย",
    "นิดเดียวเอง เดี๋ยวเติมให้อีก",
    "ขอคิดก่อนนะคะ",
    "เสาร์นี้เจอกันที่ห้างไหม มาคนเดียวนะ",
    "ไม่รู้สิคะ",
]


def _transcript() -> Transcript:
    return Transcript(id="bench", messages=[Message(sender=f"u{i % 2}", text=t) for i, t in enumerate(LINES)])


def _time(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm up
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _summary(name: str, seconds: list[float], messages: int) -> dict[str, float]:
    return {
        f"{name}_p50_ms": 1000 * statistics.median(seconds),
        f"{name}_p95_ms": 1000 * float(np.percentile(seconds, 95)),
        f"{name}_msgs_per_s": messages / statistics.median(seconds),
    }


_PEAK_RSS = """
import json, re, sys
from grooming_detect.scorer import RiskScorer
sys.path.insert(0, sys.argv[3])
from bench_scoring import _batch
scorer = RiskScorer.from_pretrained(sys.argv[1] or None, backend=sys.argv[2])
scorer.score_batch(_batch(), return_spans=False)
# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec
status = open("/proc/self/status", encoding="ascii").read()
print(json.dumps(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024))
"""


def _batch(n: int = 32) -> list[Transcript]:
    """``n`` transcripts of 20 messages, each its own rotation of the lines (no two batches alike)."""
    return [
        Transcript(
            id=f"b{k}", messages=[Message(sender=f"u{i % 2}", text=LINES[(i + k) % len(LINES)]) for i in range(20)]
        )
        for k in range(n)
    ]


def _backends(model: str | None, repeats: int) -> dict[str, float]:
    from grooming_detect.backends import BACKENDS

    out: dict[str, float] = {}
    batch = _batch()
    n = sum(len(t.messages) for t in batch)
    for backend in BACKENDS:
        scorer = RiskScorer.from_pretrained(model, backend=backend)  # builds the ONNX artifact once if missing
        seconds = _time(lambda s=scorer: s.score_batch(batch, return_spans=False), max(3, repeats // 3))
        out[f"batch_{backend}_msgs_per_s"] = n / statistics.median(seconds)
        del scorer
        peak = subprocess.run(
            [sys.executable, "-c", _PEAK_RSS, model or "", backend, str(Path(__file__).resolve().parent)],
            check=True,
            capture_output=True,
            text=True,
        )
        out[f"batch_{backend}_peak_rss_mb"] = json.loads(peak.stdout.strip().splitlines()[-1])
    for backend in BACKENDS:
        out[f"batch_{backend}_vs_torch"] = out[f"batch_{backend}_msgs_per_s"] / out["batch_torch_msgs_per_s"]
    return out


@contextlib.contextmanager
def _server(scorer: RiskScorer, *, micro_batching: bool) -> Iterator[Any]:
    """The API on a real uvicorn socket (open mode, in-memory feedback store) and an httpx client for it."""
    import httpx
    import uvicorn

    from grooming_detect.api.app import create_app
    from grooming_detect.api.settings import Settings

    port = free_port()
    settings = Settings(open_mode=True, feedback_url="sqlite://", log_level="WARNING", micro_batching=micro_batching)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, scorer=scorer), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _concurrent(http: Any, body: dict[str, Any], n: int, repeats: int, clients: int = 16) -> float:
    """Messages/s with ``clients`` threads each posting one transcript at a time, ``repeats`` times."""
    from concurrent.futures import ThreadPoolExecutor

    def client(_: int) -> None:
        for _ in range(repeats):
            http.post("/v1/moderate", json=body).raise_for_status()

    client(0)  # warm up
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return clients * repeats * n / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None, help="model folder or URI (default: models/default)")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    from transformers import pipeline

    from grooming_detect.encoder import ensure_encoder

    scorer = RiskScorer.from_pretrained(args.model)
    transcript = _transcript()
    n = len(transcript.messages)
    results: dict[str, float] = {}

    extractor = pipeline("feature-extraction", model=str(ensure_encoder(verify=False)), device="cpu")
    results |= _summary("naive_pipeline", _time(lambda: [extractor("query: " + t) for t in LINES], args.repeats), n)
    results |= _summary("library", _time(lambda: scorer.score(transcript, return_spans=False), args.repeats), n)
    results |= _summary(
        "library_spans", _time(lambda: scorer.score(transcript, return_spans=True), max(3, args.repeats // 3)), n
    )
    results["spans_cost_vs_no_spans"] = results["library_spans_p50_ms"] / results["library_p50_ms"]  # issue 14: <= 2
    tagger, scorer.model.tagger = scorer.model.tagger, None  # what the lexical tactic tagger costs (0.4.1+)
    bare = _time(lambda: scorer.score(transcript, return_spans=False), args.repeats)
    results |= _summary("library_no_tagger", bare, n)
    scorer.model.tagger = tagger
    results["library_vs_no_tagger"] = results["library_msgs_per_s"] / results["library_no_tagger_msgs_per_s"]

    def stream_all() -> None:
        session = scorer.stream("bench", return_spans=False)
        for m in transcript.messages:
            session.add(m)

    results |= _summary("streaming", _time(stream_all, args.repeats), n)
    one = _time(lambda: scorer.encode([LINES[14]]), args.repeats * 4)
    results["one_encoding_ms"] = 1000 * statistics.median(one)
    results["streaming_ms_per_message"] = results["streaming_p50_ms"] / n
    results["streaming_per_message_vs_one_encoding"] = results["streaming_ms_per_message"] / results["one_encoding_ms"]

    body = {"transcripts": [transcript.model_dump(mode="json")], "return_spans": False}
    with _server(scorer, micro_batching=True) as http:
        results |= _summary(
            "http", _time(lambda: http.post("/v1/moderate", json=body).raise_for_status(), args.repeats), n
        )
        results["http_concurrent_batched_msgs_per_s"] = _concurrent(http, body, n, args.repeats)
    with _server(scorer, micro_batching=False) as http:
        results["http_concurrent_unbatched_msgs_per_s"] = _concurrent(http, body, n, args.repeats)
    results["http_concurrent_batched_vs_unbatched"] = (
        results["http_concurrent_batched_msgs_per_s"] / results["http_concurrent_unbatched_msgs_per_s"]
    )

    results |= _backends(args.model, args.repeats)
    base = results["naive_pipeline_msgs_per_s"]
    results |= {
        f"batch_{b}_speedup_vs_naive": results[f"batch_{b}_msgs_per_s"] / base for b in ("torch", "onnx", "onnx-int8")
    }
    for name in ("library", "library_spans", "streaming", "http", "http_concurrent_batched"):
        results[f"{name}_speedup_vs_naive"] = results[f"{name}_msgs_per_s"] / base
    return print_figures(results)


if __name__ == "__main__":
    main()
