"""``grooming-detect data ...`` commands, plugged into the CLI through an entry point."""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib.resources import files
from pathlib import Path

__all__ = ["register_data", "register_promote", "register_train"]


def _cmd_generate(args: argparse.Namespace) -> int:
    from grooming_detect_training.synth.card import dataset_stats, render_card
    from grooming_detect_training.synth.dataset import write_dataset
    from grooming_detect_training.synth.generator import generate_split, split_sizes
    from grooming_detect_training.synth.library import load_library

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


def _cmd_cards(args: argparse.Namespace) -> int:
    from grooming_detect_training.corpus_card import write_cards

    for path in write_cards(synthetic_dir=args.synthetic):
        print(f"wrote {path}")
    return 0


def _cmd_real(args: argparse.Namespace) -> int:
    from grooming_detect_training.real_text import DEFAULT_SOURCE, prepare_real_text

    counts = prepare_real_text(args.src or DEFAULT_SOURCE, args.out)
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
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
    cards = data_sub.add_parser(
        "cards", help="validate the written corpus and OOD sets and rewrite their dataset cards"
    )
    cards.add_argument(
        "--synthetic", type=Path, default=Path("data/synthetic"), help="template data for the overlap check"
    )
    cards.set_defaults(func=_cmd_cards)
    real = data_sub.add_parser("real", help="screen and split real Thai text (Wisesight) for the false-alert check")
    real.add_argument("--src", type=Path, default=None, help="folder with neg/neu/pos/q.txt")
    real.add_argument("--out", type=Path, default=Path("data/real"), help="output folder")
    real.set_defaults(func=_cmd_real)


def _parse_overrides(items: list[str]) -> dict[str, object]:
    import yaml

    out: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set expects key=value, got {item!r}")
        out[key.strip()] = yaml.safe_load(value)
    return out


def _config_path(given: Path) -> Path:
    """A config file, or the name of one shipped with the package (``default``, ``tiny``), so that ``train``
    works from an installed wheel too, away from a source checkout."""
    if given.is_file():
        return given
    configs = files("grooming_detect_training").joinpath("configs")
    shipped = configs.joinpath(f"{given.stem}.yaml")
    if given.suffix in ("", ".yaml") and given.parent in (Path("."), Path("training/configs")) and shipped.is_file():
        return Path(str(shipped))  # package data is a real file in every install kind (wheels are unpacked)
    names = sorted(f.name.removesuffix(".yaml") for f in configs.iterdir())
    raise FileNotFoundError(f"{given}: no such config file (shipped configs: {', '.join(names)})")


def _cmd_train(args: argparse.Namespace) -> int:
    from grooming_detect_training.config import load_config
    from grooming_detect_training.pipeline import train

    config = load_config(_config_path(args.config), _parse_overrides(args.set))
    summary = train(config, resume=args.resume, progress=not args.quiet)
    metrics = summary["metrics"]
    split = next(s for s in ("ood_test", "ood_dev", "test", "validation") if s in metrics)
    print(f"figures on {split}:")
    for category, m in metrics[split]["categories"].items():
        print(
            f"{category}: PR-AUC {m['pr_auc']:.3f}, precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
            f"hard-negative FPR {m['hard_negative_fpr']:.3f}, median alert delay {m['median_alert_delay']}"
        )
    print(f"model: {summary['model_dir']}  run: {summary['run_id']}  registered version: {summary['version']}")
    return 0


def _cmd_promote(args: argparse.Namespace) -> int:
    """Move ``champion`` to a version, after the evaluation gate against the current champion."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from grooming_detect_evaluation.cli import gate
    from grooming_detect_training import tracking

    tracking.configure(args.experiment)
    client = MlflowClient()
    version = str(args.version or client.get_model_version_by_alias(args.name, args.alias).version)
    try:
        champion = str(client.get_model_version_by_alias(args.name, "champion").version)
    except MlflowException:
        champion = None
    if champion is None:
        print(f"{args.name}: no champion yet; nothing to compare against")
    elif champion == version:
        print(f"{args.name}: version {version} is already champion")
        return 0
    elif args.force:
        print(f"{args.name}: --force: skipping the gate against champion version {champion}", file=sys.stderr)
    elif not gate(f"models:/{args.name}@champion", f"models:/{args.name}/{version}", args):
        print(f"{args.name}: version {version} regresses against champion {champion}; not promoted", file=sys.stderr)
        return 1
    tracking.set_alias(version, "champion", args.name)
    print(f"{args.name}: champion -> version {version}")
    return 0


def register_train(sub: argparse._SubParsersAction) -> None:
    """Add ``train`` to the ``grooming-detect`` parser."""
    p = sub.add_parser("train", help="train the model (MLflow-tracked) from a YAML config")
    p.add_argument(
        "--config",
        type=Path,
        default=Path("training/configs/default.yaml"),
        help="YAML config file, or a shipped config's name (default, tiny)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config field, e.g. --set encoder.steps=100 (repeatable)",
    )
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its checkpoints")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_train)


def register_promote(sub: argparse._SubParsersAction) -> None:
    """Add ``promote`` (move the ``champion`` alias) to the ``grooming-detect`` parser."""
    from grooming_detect_evaluation.cli import add_gate_options

    p = sub.add_parser("promote", help="move the champion alias to a version that passes the evaluation gate")
    p.add_argument("--version", help="model version (default: the one the --alias points to)")
    p.add_argument("--alias", default="challenger", help="alias whose version becomes champion")
    p.add_argument("--experiment", default="grooming-detect")
    p.add_argument("--force", action="store_true", help="promote even if the gate finds a regression")
    add_gate_options(p)
    p.set_defaults(func=_cmd_promote)
