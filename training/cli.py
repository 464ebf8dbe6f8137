"""``grooming-detect data ...`` commands, plugged into the CLI through an entry point."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["register_data"]


def _cmd_generate(args: argparse.Namespace) -> int:
    from training.synth.card import dataset_stats, render_card
    from training.synth.dataset import write_dataset
    from training.synth.generator import generate_split, split_sizes
    from training.synth.library import load_library

    if args.n < 10:
        raise ValueError("--n must be at least 10 so that every split gets transcripts")
    start = time.perf_counter()
    lib = load_library()
    splits = {}
    for split, size in split_sizes(args.n).items():
        rows = generate_split(split, size, args.seed, lib)
        if not args.quiet:
            from tqdm import tqdm

            rows = tqdm(rows, total=size, desc=f"generate {split}", unit="conv", file=sys.stderr)
        splits[split] = list(rows)
    gen_s = time.perf_counter() - start
    if args.quiet:
        import datasets

        datasets.disable_progress_bars()
    out = write_dataset(splits, args.out)
    stats = dataset_stats(splits, lib)
    (out / "README.md").write_text(render_card(stats, n=args.n, seed=args.seed), encoding="utf-8")
    (out / "stats.json").write_text(
        json.dumps(stats, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.n} transcripts to {out} (generated in {gen_s:.1f} s, total {time.perf_counter() - start:.1f} s)"
    )
    return 0


def register_data(sub: argparse._SubParsersAction) -> None:
    """Add ``data generate`` (and its siblings) to the ``grooming-detect`` parser."""
    data = sub.add_parser("data", help="generate or prepare training data")
    data_sub = data.add_subparsers(dest="data_command", metavar="DATA_COMMAND", required=True)
    gen = data_sub.add_parser("generate", help="generate the synthetic Thai chat dataset")
    gen.add_argument("--n", type=int, default=20000, help="number of transcripts (default 20000)")
    gen.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same bytes")
    gen.add_argument("--out", type=Path, default=Path("data/synthetic"), help="output folder")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=_cmd_generate)
