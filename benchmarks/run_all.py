"""Run every benchmark in this folder (``make bench``) and write ``RESULTS.md`` and ``scoring.png`` beside it.

The report holds every figure of the run with the machine, the versions and the default backend, so that a
figure is never quoted without what it was measured on; ratios, not absolute times, are what compare.
"""

from __future__ import annotations

import os
import platform
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_generate  # noqa: E402
import bench_load  # noqa: E402
import bench_normalize  # noqa: E402
import bench_scoring  # noqa: E402
import bench_spans  # noqa: E402

PACKAGES = ("grooming-detect", "torch", "onnxruntime", "transformers", "pythainlp")
SCORING_ROWS = (
    ("naive pipeline", "naive_pipeline_msgs_per_s"),
    ("library (spans off)", "library_msgs_per_s"),
    ("library (spans on)", "library_spans_msgs_per_s"),
    ("streaming", "streaming_msgs_per_s"),
    ("HTTP /v1/moderate", "http_msgs_per_s"),
    ("batch, torch", "batch_torch_msgs_per_s"),
    ("batch, onnx", "batch_onnx_msgs_per_s"),
    ("batch, onnx-int8", "batch_onnx-int8_msgs_per_s"),
)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _plot(scoring: dict[str, float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [name for name, key in SCORING_ROWS if key in scoring]
    values = [scoring[key] for _, key in SCORING_ROWS if key in scoring]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.barh(names[::-1], values[::-1], color="#4c72b0")
    ax.set_xlabel("messages per second (one run)")
    ax.set_title("Scoring throughput per configuration")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_results(results: dict[str, dict[str, float]], out: Path = HERE / "RESULTS.md") -> Path:
    """The run's figures as Markdown, with the machine and versions; the scoring plot beside it."""
    from grooming_detect.backends import resolve_backend

    lines = [
        "# Benchmark results",
        "",
        f"Written by `benchmarks/run_all.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. One run: figures "
        "on a shared machine are noisy, so compare the ratios (each against a baseline of the same run).",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPU(s), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "- versions: " + ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        f"- default backend: `{resolve_backend()}` (the library, streaming and HTTP rows run it)",
        "",
    ]
    for bench, figures in results.items():
        lines += [f"## {bench}", "", "| figure | value |", "|---|---:|"]
        lines += [f"| `{key}` | {value:,.2f} |" for key, value in figures.items()]
        lines.append("")
    if "bench_scoring" in results:
        _plot(results["bench_scoring"], out.with_name("scoring.png"))
        lines += ["![messages per second per configuration](scoring.png)", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


if __name__ == "__main__":
    collected: dict[str, dict[str, float]] = {}
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    for bench in (bench_normalize, bench_generate, bench_scoring, bench_spans, bench_load):
        print(f"== {bench.__name__}")
        collected[bench.__name__] = dict(bench.main([]))
        if cores is not None:  # bench_normalize pins the process to one core; the others get them all back
            os.sched_setaffinity(0, cores)
    print(f"wrote {write_results(collected)}")
