"""``grooming-detect evaluate`` and ``grooming-detect evaluate compare``, plugged in through an entry point."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grooming_detect.backends import BACKEND_ENV, BACKENDS, DEFAULT_BACKEND

__all__ = ["gate", "register_evaluate"]


def _evaluate_model(model: str, args: argparse.Namespace, out_dir: Path | None, record: bool):
    from grooming_detect.scorer import RiskScorer
    from grooming_detect_evaluation.report import write_report
    from grooming_detect_evaluation.runner import build_evaluators, run_evaluation
    from grooming_detect_evaluation.tracking import record_evaluation, resolve_alias

    uri = resolve_alias(model, args.name)
    scorer = RiskScorer.from_pretrained(uri, backend=args.backend)
    evaluators = build_evaluators(
        args.suite or ["all"],
        data_dir=args.data_dir,
        data_file=args.data,
        feedback=args.feedback,
        max_records=args.max_records,
        real_text=getattr(args, "real_text", None),
    )
    result = run_evaluation(scorer, evaluators, model_uri=uri, progress=not args.quiet)
    if out_dir is not None:
        paths = write_report(result, out_dir)
        print(f"report: {paths['html']}  summary: {paths['markdown']}  figures: {paths['json']}", file=sys.stderr)
        if record:
            run_id = record_evaluation(result, out_dir, uri)
            print(f"recorded in MLflow run {run_id}", file=sys.stderr)
    return result


def _cmd_evaluate(args: argparse.Namespace) -> int:
    if args.eval_command == "compare":
        return _cmd_compare(args)
    if not args.model:
        raise ValueError("give --model PATH_OR_URI (or use: evaluate compare)")
    out = Path(args.out) if args.out else Path("reports") / Path(str(args.model)).name.replace("@", "-")
    result = _evaluate_model(args.model, args, out, record=not args.no_record)
    for name, suite in result["suites"].items():
        print(f"{name}: {suite['primary_metric']} = {suite['value']:.3f}")
    return 0


def gate(baseline: str, candidate: str, args: argparse.Namespace) -> bool:
    """Evaluate both versions on the same data and print the comparison; True when the candidate passes."""
    from grooming_detect_evaluation.compare import Tolerances, compare_figures

    base = _evaluate_model(baseline, args, None, record=False)
    cand = _evaluate_model(candidate, args, None, record=False)
    hard = set(cand["suites"].get("false_positives", {}).get("artifacts", {}).get("hard_negative_scenarios", []))
    tolerances = Tolerances(fpr=args.tol_fpr, bias=args.tol_bias, recall=args.tol_recall)
    comparison = compare_figures(base["figures"], cand["figures"], hard, tolerances)
    print(
        f"baseline {base['model']['name']} {base['model']['version']} ({baseline}) vs candidate "
        f"{cand['model']['name']} {cand['model']['version']} ({candidate})"
    )
    print(comparison.render())
    return comparison.passed


def _cmd_compare(args: argparse.Namespace) -> int:
    return 0 if gate(args.baseline, args.candidate, args) else 1


def add_gate_options(p: argparse.ArgumentParser) -> None:
    """Options shared by evaluate, compare and promote (data, suites, tolerances)."""
    p.add_argument(
        "--suite",
        action="append",
        default=None,
        help=(
            "suite to run (repeatable): all, held_out, ood, false_positives, functional, bias, feedback, file, "
            "real_text"
        ),
    )
    p.add_argument(
        "--data-dir",
        default="data/synthetic",
        help="folder of `grooming-detect data generate`: held_out, false_positives and bias read its test split",
    )
    p.add_argument("--data", help="your own labelled file (JSON Lines, CSV or Parquet) for the 'file' suite")
    p.add_argument("--feedback", help="a /v1/feedback/export JSON Lines file for the 'feedback' suite")
    p.add_argument("--real-text", help="real messages, one per line, for the 'real_text' suite (data real)")
    p.add_argument("--max-records", type=int, default=0, help="use at most this many test conversations")
    p.add_argument("--name", default="grooming-detect", help="registered model name for aliases")
    p.add_argument("--tol-fpr", type=float, default=0.02, help="allowed rise of a hard-negative scenario's FPR")
    p.add_argument("--tol-bias", type=float, default=0.02, help="allowed worsening of a bias figure")
    p.add_argument("--tol-recall", type=float, default=0.02, help="allowed fall of a category's recall")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help=f"encoder runtime (default: ${BACKEND_ENV}, else {DEFAULT_BACKEND}); the report names it",
    )


def register_evaluate(sub: argparse._SubParsersAction) -> None:
    """Add ``evaluate`` (and ``evaluate compare``) to the ``grooming-detect`` parser."""
    p = sub.add_parser("evaluate", help="run the evaluation suites on a model and write a report")
    p.add_argument("--model", help="model folder, MLflow URI, or alias (champion / challenger)")
    p.add_argument("--out", help="report folder (default reports/<model>)")
    p.add_argument("--no-record", action="store_true", help="do not record the evaluation in MLflow")
    add_gate_options(p)
    p.set_defaults(func=_cmd_evaluate, eval_command=None)
    sub_eval = p.add_subparsers(dest="eval_command", metavar="COMPARE")
    c = sub_eval.add_parser("compare", help="compare two versions; exit 1 if the candidate regresses")
    c.add_argument("--baseline", default="champion", help="alias, URI or folder (default champion)")
    c.add_argument("--candidate", default="challenger", help="alias, URI or folder (default challenger)")
    add_gate_options(c)
    c.set_defaults(func=_cmd_evaluate)
