"""Synthetic data generation speed: transcripts per second, against writing them as JSON Lines.

Run ``python benchmarks/bench_generate.py [--n 20000]``. The baseline (serializing the same transcripts
to JSON Lines, the cheapest step any generator must take) is measured in the same run; the target is
20,000 transcripts in under a minute.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from collections.abc import Sequence

from grooming_detect_training.synth.generator import generate_split, split_sizes
from grooming_detect_training.synth.library import load_library


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args(argv)
    lib = load_library()
    start = time.perf_counter()
    rows = [r for split, size in split_sizes(args.n).items() for r in generate_split(split, size, 0, lib)]
    gen_s = time.perf_counter() - start
    start = time.perf_counter()
    buffer = io.StringIO()
    for r in rows:
        buffer.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    dump_s = time.perf_counter() - start
    result = {
        "transcripts": float(args.n),
        "generate_s": gen_s,
        "transcripts_per_s": args.n / gen_s,
        "baseline_jsonl_per_s": args.n / dump_s,
        "ratio_generate_vs_jsonl": dump_s / gen_s,
    }
    print(
        f"generated {args.n} transcripts in {gen_s:.1f} s ({result['transcripts_per_s']:.0f}/s); "
        f"JSON Lines baseline {result['baseline_jsonl_per_s']:.0f}/s; generation runs at "
        f"{result['ratio_generate_vs_jsonl']:.2f}x the baseline's speed"
    )
    return result


if __name__ == "__main__":
    main()
