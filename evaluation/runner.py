"""Choosing data and suites, running them on one model, and writing the report."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from grooming_detect.scorer import RiskScorer
from grooming_detect_evaluation.suites import (
    BiasEvaluator,
    Evaluator,
    FalsePositiveEvaluator,
    FeedbackEvaluator,
    FunctionalEvaluator,
    HeldOutEvaluator,
    TacticEvaluator,
)

__all__ = ["ALL_SUITES", "EvaluationResult", "build_evaluators", "load_test_records", "run_evaluation"]

ALL_SUITES = ("held_out", "ood", "false_positives", "functional", "bias")
OPTIONAL_SUITES = ("feedback", "file", "real_text")


class EvaluationResult(dict):
    """``{"model": ..., "figures": {...}, "suites": {name: {"primary_metric", "greater_is_better", "value",
    "artifacts"}}, "elapsed_s": ...}``; a dict so that it is its own JSON."""


def load_test_records(data_dir: str | Path = "data/synthetic") -> list[dict[str, Any]]:
    """The template-disjoint synthetic test split of ``grooming-detect data generate``.

    Evaluation reads the generator's files and never runs it (the layers point one way: training may use
    evaluation, not the reverse), so a missing split is an error that says how to write it.
    """
    from grooming_detect.jsonl import read_transcripts

    folder = Path(data_dir)
    if not (folder / "test.jsonl").is_file():
        raise FileNotFoundError(
            f"{folder}: no test.jsonl; write the synthetic splits first with "
            f"`grooming-detect data generate --n 20000 --seed 0 --out {folder}`, "
            "or choose suites that need no synthetic data (--suite ood functional)"
        )
    return [t.model_dump(mode="json") for t in read_transcripts(folder / "test.jsonl").transcripts]


def _file_records(path: str | Path) -> list[dict[str, Any]]:
    from grooming_detect_evaluation.labelled import load_labelled

    return [t.model_dump(mode="json") for t in load_labelled(path)]


def build_evaluators(
    suites: Sequence[str],
    *,
    records: Sequence[dict[str, Any]] | None = None,
    data_dir: str | Path = "data/synthetic",
    data_file: str | Path | None = None,
    feedback: str | Path | None = None,
    max_records: int = 0,
    real_text: str | Path | None = None,
) -> list[Evaluator]:
    """Evaluators for ``suites`` ("all" expands to every suite whose data is available)."""
    names = list(dict.fromkeys(s for suite in suites for s in (ALL_SUITES if suite == "all" else (suite,))))
    if "all" in suites:
        given_files = (("file", data_file), ("feedback", feedback), ("real_text", real_text))
        names += [s for s, given in given_files if given and s not in names]
    unknown = [s for s in names if s not in ALL_SUITES + OPTIONAL_SUITES]
    if unknown:
        raise ValueError(
            f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(ALL_SUITES + OPTIONAL_SUITES)}"
        )
    needs_test = {"held_out", "false_positives", "bias"} & set(names)
    if records is None and needs_test:
        records = load_test_records(data_dir)
    if records is not None and max_records:
        records = list(records)[:max_records]
    out: list[Evaluator] = []
    for name in names:
        if name == "held_out":
            out.append(HeldOutEvaluator(records or []))
        elif name == "false_positives":
            out.append(FalsePositiveEvaluator(records or []))
        elif name == "ood":
            from grooming_detect_evaluation.chats import ood_records

            ood = ood_records("ood_test")
            if max_records:
                ood = ood[:max_records]
            out += [HeldOutEvaluator(ood, name="ood_test"), TacticEvaluator(ood, name="ood_test_tactics")]
        elif name == "real_text":
            from grooming_detect_evaluation.real_text import RealTextEvaluator, read_lines

            if not real_text:
                raise ValueError("the real_text suite needs --real-text FILE (one message per line)")
            out.append(RealTextEvaluator(read_lines(real_text, max_records * 8 if max_records else 0)))
        elif name == "functional":
            out.append(FunctionalEvaluator())
        elif name == "bias":
            out.append(BiasEvaluator(records or []))
        elif name == "feedback":
            if not feedback:
                raise ValueError("the feedback suite needs --feedback EXPORT.jsonl (from GET /v1/feedback/export)")
            out.append(FeedbackEvaluator(feedback))
        elif name == "file":
            if not data_file:
                raise ValueError("the file suite needs --data FILE (JSON Lines, CSV or Parquet)")
            file_records = _file_records(data_file)
            out.append(HeldOutEvaluator(file_records, name="file"))
    return out


def _bar(enabled: bool) -> Any:
    def progress(items: Iterable[Any], total: int, desc: str) -> Iterable[Any]:
        if not enabled:
            return items
        from tqdm import tqdm

        return tqdm(items, total=total, desc=desc, file=sys.stderr, leave=False)

    return progress


def run_evaluation(
    scorer: RiskScorer, evaluators: Sequence[Evaluator], *, model_uri: str = "", progress: bool = True
) -> EvaluationResult:
    """Run every evaluator on the scorer; returns all figures and each suite's primary metric and artifacts."""
    start = time.perf_counter()
    result = EvaluationResult(
        model={
            "name": scorer.name,
            "version": scorer.version,
            "uri": model_uri,
            "backend": scorer.backend,
            "thresholds": scorer.thresholds,
        },
        figures={},
        suites={},
    )
    for evaluator in evaluators:
        if progress:
            print(f"suite {evaluator.name}", file=sys.stderr)
        figures = evaluator(scorer, progress=_bar(progress))
        result["figures"].update(figures)
        result["suites"][evaluator.name] = {
            "primary_metric": evaluator.primary_metric,
            "greater_is_better": evaluator.greater_is_better,
            "value": figures.get(evaluator.primary_metric, float("nan")),
            "artifacts": evaluator.artifacts,
        }
    result["elapsed_s"] = time.perf_counter() - start
    return result


def write_json(result: EvaluationResult, path: Path) -> Path:
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=float) + "\n", encoding="utf-8")
    return path
