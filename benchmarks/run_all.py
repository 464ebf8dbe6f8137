"""Run every benchmark in this folder (``make bench``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_generate
import bench_normalize
import bench_scoring

if __name__ == "__main__":
    for bench in (bench_normalize, bench_generate, bench_scoring):
        print(f"== {bench.__name__}")
        bench.main([])
