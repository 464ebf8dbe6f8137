"""Evaluation suites, each an evaluator in the sentence-transformers shape.

An evaluator is called with a scorer and returns a flat ``dict[str, float]`` of figures named
``<suite>/<...>``; ``primary_metric`` names the one to watch and ``greater_is_better`` its direction.
Richer material for reports (curves, tables, worst cases) is left in ``evaluator.artifacts``.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grooming_detect.model import CATEGORIES
from grooming_detect.schema import Message, Transcript
from grooming_detect.scorer import RiskScorer
from grooming_detect.scores import TranscriptScore
from grooming_detect.tactics import TACTICS
from grooming_detect_evaluation.bias import fairlearn_rates, jigsaw_bias
from grooming_detect_evaluation.identity import mentioned_groups
from grooming_detect_evaluation.metrics import (
    alert_delays,
    at_threshold,
    expected_calibration_error,
    latency_weighted_f1,
    pr_auc,
    recall_at_fpr,
    roc_auc,
)

__all__ = [
    "BiasEvaluator",
    "Evaluator",
    "FalsePositiveEvaluator",
    "FeedbackEvaluator",
    "FunctionalEvaluator",
    "HeldOutEvaluator",
    "Scored",
    "TacticEvaluator",
    "score_records",
]

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


def _no_progress(items: Iterable[Any], total: int, desc: str) -> Iterable[Any]:
    return items


@dataclass
class Scored:
    """A labelled record with its score."""

    record: dict[str, Any]
    result: TranscriptScore

    @property
    def meta(self) -> dict[str, Any]:
        return self.record.get("metadata", {})

    def label(self, category: str) -> int:
        return int(self.meta.get(category) or 0)

    def alert(self, category: str) -> int | None:
        value = self.meta.get(f"alert_at_{category}", self.meta.get("alert_at"))
        return None if value is None else int(value)

    def first_alert(self, category: str) -> int | None:
        t = self.result.thresholds[category]
        for m in self.result.messages:
            if m.category_scores[category] >= t:
                return m.index
        return None


def _transcript(record: Mapping[str, Any]) -> Transcript:
    return Transcript(
        id=record["id"], messages=[Message(sender=m["sender"], text=m["text"]) for m in record["messages"]]
    )


_SCORES: weakref.WeakKeyDictionary[RiskScorer, dict[str, TranscriptScore]] = weakref.WeakKeyDictionary()
"""Scores already computed per scorer, so that suites sharing the test split score it once."""


def _key(record: Mapping[str, Any]) -> str:
    texts = "\x1f".join(f"{m['sender']}\x1e{m['text']}" for m in record["messages"])
    return hashlib.sha256(f"{record['id']}\x1d{texts}".encode("utf-8", "surrogatepass")).hexdigest()


def score_records(
    scorer: RiskScorer, records: Sequence[dict[str, Any]], progress: Progress = _no_progress, batch: int = 32
) -> list[Scored]:
    """Score labelled records (foundation schema dicts) in batches, without spans, reusing earlier scores."""
    cache = _SCORES.setdefault(scorer, {})
    keys = [_key(r) for r in records]
    todo = [i for i, k in enumerate(keys) if k not in cache]
    chunks = range(0, len(todo), batch)
    for start in progress(chunks, len(chunks), "score"):
        idx = todo[start : start + batch]
        results = scorer.score_batch([_transcript(records[i]) for i in idx], return_spans=False)
        for i, result in zip(idx, results, strict=True):
            cache[keys[i]] = result
    return [Scored(r, cache[k]) for r, k in zip(records, keys, strict=True)]


QUOTABLE_SOURCES = frozenset({"synthetic", "written", "ood_dev", "ood_test"})
"""Sources written for this project (no real person's messages), which reports may quote."""


def _show_text(record: Mapping[str, Any]) -> bool:
    """Only conversations written for this project may be quoted in reports; others are shown by id."""
    return record.get("metadata", {}).get("source") in QUOTABLE_SOURCES


def _case(s: Scored, category: str) -> dict[str, Any]:
    row = {
        "id": s.record["id"],
        "score": s.result.category_scores[category],
        "category": category,
        "scenario": s.meta.get("scenario", ""),
    }
    if _show_text(s.record):
        row["messages"] = [m["text"] for m in s.record["messages"]]
    return row


class Evaluator:
    """Base class: subclasses set ``name``, ``primary_metric`` and implement ``evaluate``."""

    name = "evaluator"
    primary_metric = ""
    greater_is_better = True

    def __init__(self) -> None:
        self.artifacts: dict[str, Any] = {}

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        raise NotImplementedError

    def __call__(
        self, scorer: RiskScorer, output_path: str | Path | None = None, progress: Progress = _no_progress
    ) -> dict[str, float]:
        figures = self.evaluate(scorer, progress)
        if output_path is not None:
            path = Path(output_path)
            path.mkdir(parents=True, exist_ok=True)
            payload = {"figures": figures, "artifacts": self.artifacts}
            (path / f"{self.name}.json").write_text(json.dumps(payload, indent=1, default=float), encoding="utf-8")
        return figures


class HeldOutEvaluator(Evaluator):
    """Quality and early detection on labelled conversations (the template-disjoint test split by default)."""

    name = "held_out"
    primary_metric = "held_out/mean_pr_auc"

    def __init__(self, records: Sequence[dict[str, Any]], name: str = "held_out", worst: int = 10) -> None:
        super().__init__()
        self.records = list(records)
        self.name = name
        self.primary_metric = f"{name}/mean_pr_auc"
        self.worst = worst

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        scored = score_records(scorer, self.records, progress)
        out: dict[str, float] = {f"{self.name}/n": float(len(scored))}
        curves, delays, worst_fp, misses = {}, {}, [], []
        for c in CATEGORIES:
            y = np.array([s.label(c) for s in scored])
            p = np.array([s.result.category_scores[c] for s in scored])
            t = scorer.thresholds[c] if not scored else scored[0].result.thresholds[c]
            flagged = p >= t
            first = [s.first_alert(c) for s in scored]
            alerts = [s.alert(c) for s in scored]
            d = alert_delays(
                [a if a is not None else -1 for a in alerts],
                [f if yy else None for f, yy in zip(first, y, strict=True)],
            )
            lat = latency_weighted_f1(y, flagged, alerts, first)
            figures = {
                "pr_auc": pr_auc(y, p),
                "roc_auc": roc_auc(y, p),
                **at_threshold(y, p, t),
                "recall_at_1pct_fpr": recall_at_fpr(y, p, 0.01),
                "ece": expected_calibration_error(y, p),
                "f_latency": lat["f_latency"],
                "speed": lat["speed"],
                "median_alert_delay": float(np.median(d)) if len(d) else float("nan"),
                "mean_alert_delay": float(np.mean(d)) if len(d) else float("nan"),
                "positives": float(y.sum()),
            }
            out.update({f"{self.name}/{c}/{k}": float(v) for k, v in figures.items()})
            curves[c] = {"y": y.tolist(), "p": p.tolist()}
            delays[c] = d.tolist()
            order = np.argsort(-p)
            worst_fp += [_case(scored[i], c) for i in order if not y[i] and flagged[i]][: self.worst]
            misses += [_case(scored[i], c) for i in order[::-1] if y[i] and not flagged[i]][: self.worst]
        values = [out[f"{self.name}/{c}/pr_auc"] for c in CATEGORIES]
        out[self.primary_metric] = float(np.nanmean(values)) if not all(np.isnan(values)) else float("nan")
        self.artifacts = {"curves": curves, "delays": delays, "worst_false_positives": worst_fp, "misses": misses}
        return out


class TacticEvaluator(Evaluator):
    """Per-message tactic tagging against the written labels: precision, recall, F1 per tactic, macro-F1."""

    name = "tactics"
    primary_metric = "tactics/macro_f1"

    def __init__(self, records: Sequence[dict[str, Any]], name: str = "tactics") -> None:
        super().__init__()
        self.records = [r for r in records if isinstance(r.get("metadata", {}).get("tactics"), list)]
        self.name = name
        self.primary_metric = f"{name}/macro_f1"

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        from grooming_detect_evaluation.metrics import tactic_f1

        scored = score_records(scorer, self.records, progress)
        truth, found = [], []
        for s in scored:
            for tags, message in zip(s.meta["tactics"], s.result.messages, strict=True):
                truth.append([t in tags for t in TACTICS])
                found.append([float(t in message.tactics) for t in TACTICS])
        y = np.array(truth, dtype=int).reshape(-1, len(TACTICS))
        p = np.array(found, dtype=float).reshape(-1, len(TACTICS))
        result = tactic_f1(y, p, np.full(len(TACTICS), 0.5))
        out = {self.primary_metric: float(result["macro_f1"]), f"{self.name}/messages": float(len(y))}
        rows = []
        for i, t in enumerate(TACTICS):
            row = {k: float(result[k][i]) for k in ("precision", "recall", "f1", "support")}  # type: ignore[index]  # arrays; only macro_f1 is a float
            out.update({f"{self.name}/{t}/{k}": v for k, v in row.items()})
            rows.append({"tactic": t, **row})
        self.artifacts = {"rows": rows}
        return out


class FalsePositiveEvaluator(Evaluator):
    """False-positive rate (any category flagged) per benign scenario, hard negatives first."""

    name = "false_positives"
    primary_metric = "false_positives/hard_negative_fpr"
    greater_is_better = False

    def __init__(self, records: Sequence[dict[str, Any]]) -> None:
        super().__init__()
        self.records = [r for r in records if not any(r["metadata"].get(c) for c in CATEGORIES)]

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        scored = score_records(scorer, self.records, progress)
        by_scenario: dict[str, list[bool]] = defaultdict(list)
        hard_names = set()
        for s in scored:
            scenario = str(s.meta.get("scenario") or "unknown")
            by_scenario[scenario].append(s.result.flagged)
            if s.meta.get("hard_negative"):
                hard_names.add(scenario)
        rates = {name: float(np.mean(v)) for name, v in by_scenario.items()}
        ordered = sorted(rates, key=lambda n: (n not in hard_names, -rates[n], n))
        out = {f"false_positives/{n}/fpr": rates[n] for n in ordered}
        hard = [f for s in scored if s.meta.get("hard_negative") for f in [s.result.flagged]]
        out["false_positives/hard_negative_fpr"] = float(np.mean(hard)) if hard else float("nan")
        out["false_positives/max_hard_negative_fpr"] = max((rates[n] for n in hard_names), default=float("nan"))
        out["false_positives/fpr"] = float(np.mean([s.result.flagged for s in scored])) if scored else float("nan")
        self.artifacts = {
            "rates": {n: rates[n] for n in ordered},
            "hard_negative_scenarios": sorted(hard_names),
            "counts": {n: len(by_scenario[n]) for n in ordered},
        }
        return out


class FunctionalEvaluator(Evaluator):
    """CheckList-style functional tests: pass rate per functionality."""

    name = "functional"
    primary_metric = "functional/mean_pass_rate"

    def __init__(self, functionalities: Sequence[Any] | None = None) -> None:
        super().__init__()
        if functionalities is None:
            from grooming_detect_evaluation.data import functional_inv, functional_mft

            functionalities = [*functional_mft.FUNCTIONALITIES, *functional_inv.FUNCTIONALITIES]
        self.functionalities = list(functionalities)

    @staticmethod
    def _transcript(turns: Sequence[tuple[str, str]], tid: str) -> Transcript:
        return Transcript(id=tid, messages=[Message(sender=s, text=t) for s, t in turns])

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        jobs: list[Transcript] = []
        for i, f in enumerate(self.functionalities):
            for j, case in enumerate(f.cases):
                jobs.append(self._transcript(case.messages, f"{i}:{j}:a"))
                if case.variant is not None:
                    jobs.append(self._transcript(case.variant, f"{i}:{j}:b"))
        results: dict[str, TranscriptScore] = {}
        chunks = range(0, len(jobs), 32)
        for start in progress(chunks, len(chunks), "functional"):
            for r in scorer.score_batch(jobs[start : start + 32], return_spans=False):
                results[str(r.id)] = r
        out: dict[str, float] = {}
        table: list[dict[str, Any]] = []
        failures: list[dict[str, Any]] = []
        for i, f in enumerate(self.functionalities):
            passed = []
            for j, case in enumerate(f.cases):
                a, b = results[f"{i}:{j}:a"], results.get(f"{i}:{j}:b")
                ok = self._passes(f, a, b)
                passed.append(ok)
                if not ok and len(failures) < 60:
                    failures.append(
                        {
                            "functionality": f.name,
                            "messages": [t for _, t in case.messages],
                            "variant": [t for _, t in case.variant] if case.variant else None,
                            "scores": a.category_scores,
                            "variant_scores": b.category_scores if b else None,
                        }
                    )
            rate = float(np.mean(passed)) if passed else float("nan")
            out[f"functional/{f.name}/pass_rate"] = rate
            table.append(
                {
                    "name": f.name,
                    "kind": f.kind,
                    "category": f.category,
                    "cases": len(passed),
                    "pass_rate": rate,
                    "description": f.description,
                }
            )
        out["functional/mean_pass_rate"] = float(np.nanmean([row["pass_rate"] for row in table]))
        for kind in ("mft", "inv", "dir"):
            rates = [row["pass_rate"] for row in table if row["kind"] == kind]
            if rates:
                out[f"functional/{kind}_pass_rate"] = float(np.mean(rates))
        self.artifacts = {"functionalities": table, "failures": failures}
        return out

    @staticmethod
    def _verdict(result: TranscriptScore, category: str) -> bool:
        return result.flagged if category == "any" else result.categories[category]

    def _passes(self, f: Any, a: TranscriptScore, b: TranscriptScore | None) -> bool:
        if f.kind == "mft":
            return self._verdict(a, f.category) == bool(f.expect_flagged)
        if f.kind == "inv":
            assert b is not None
            return a.categories == b.categories
        assert b is not None
        delta = b.category_scores[f.category] - a.category_scores[f.category]
        return delta > 0 if f.direction == "up" else delta < 0


_SUBGROUPS = {
    "dialect": ("central", "isan", "northern", "southern"),
    "particles": ("krub", "ka", "ja", "none"),
    "identity": ("lgbtq", "religion", "nationality"),
    "script": ("mixed", "romanized"),
}


def _groups(scored: Sequence[Scored]) -> dict[str, dict[str, np.ndarray]]:
    """Subgroup masks by dimension, from the records' tags (dialect, particles, identity terms, script)."""
    dims: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for s in scored:
        meta = s.meta
        texts = " ".join(m["text"] for m in s.record["messages"])
        identity = set(meta.get("identity_terms") or []) | mentioned_groups(texts)
        tags = {
            "dialect": {meta.get("dialect")} if meta.get("dialect") else set(),
            "particles": set(meta.get("particles") or []),
            "identity": identity,
            "script": {meta.get("script")} if meta.get("script") in ("mixed", "romanized") else set(),
        }
        for dim, names in _SUBGROUPS.items():
            for name in names:
                dims[dim][name].append(name in tags[dim])
    return {dim: {name: np.array(mask) for name, mask in groups.items()} for dim, groups in dims.items()}


class BiasEvaluator(Evaluator):
    """Jigsaw bias AUCs, fairlearn error rates per group, and identity / dialect swap tests."""

    name = "bias"
    primary_metric = "bias/mean_final_score"

    def __init__(
        self,
        records: Sequence[dict[str, Any]],
        identity_swaps: Sequence[Any] | None = None,
        dialect_swaps: Sequence[Any] | None = None,
        n_boot: int = 200,
    ) -> None:
        super().__init__()
        self.records = list(records)
        if identity_swaps is None or dialect_swaps is None:
            from grooming_detect_evaluation.data import functional_inv

            identity_swaps = [*functional_inv.IDENTITY_SWAPS, *functional_inv.RISKY_IDENTITY_SWAPS]
            dialect_swaps = functional_inv.DIALECT_SWAPS
        self.identity_swaps = list(identity_swaps)
        self.dialect_swaps = list(dialect_swaps)
        self.n_boot = n_boot

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        scored = score_records(scorer, self.records, progress)
        groups = _groups(scored)
        out: dict[str, float] = {}
        heatmap: dict[str, dict[str, dict[str, float]]] = {}
        finals = []
        for c in CATEGORIES:
            y = np.array([s.label(c) for s in scored])
            p = np.array([s.result.category_scores[c] for s in scored])
            flat = {
                f"{dim}:{name}": mask for dim, masks in groups.items() for name, mask in masks.items() if mask.any()
            }
            result = jigsaw_bias(y, p, flat)
            finals.append(result["final_score"])
            out[f"bias/{c}/final_score"] = result["final_score"]
            for key, value in result["power_means"].items():
                out[f"bias/{c}/power_mean_{key}"] = value
            heatmap[c] = {g: {k: v for k, v in m.items() if k != "size"} for g, m in result["groups"].items()}
            for g, m in result["groups"].items():
                for k in ("subgroup_auc", "bpsn_auc", "bnsp_auc"):
                    out[f"bias/{c}/{g}/{k}"] = m[k]
        out["bias/mean_final_score"] = float(np.nanmean(finals)) if not all(np.isnan(finals)) else float("nan")
        y_any = np.array([max(s.label(c) for c in CATEGORIES) for s in scored])
        flagged = np.array([s.result.flagged for s in scored])
        rates = {}
        for dim in ("dialect", "script"):
            labels = []
            for i in range(len(scored)):
                names = [n for n, m in groups[dim].items() if m[i]]
                labels.append(names[0] if names else ("other" if dim == "script" else "unknown"))
            if len(set(labels)) > 1 and len(scored) > 1:
                rates[dim] = fairlearn_rates(y_any, flagged, labels, n_boot=self.n_boot)
                for g, r in rates[dim].items():
                    out[f"bias/rates/{dim}:{g}/fpr"] = r["fpr"]
                    out[f"bias/rates/{dim}:{g}/fnr"] = r["fnr"]
        swaps = self._swaps(scorer, progress)
        out.update(swaps.pop("figures"))
        self.artifacts = {"heatmap": heatmap, "rates": rates, **swaps}
        return out

    def _swaps(self, scorer: RiskScorer, progress: Progress) -> dict[str, Any]:
        jobs: list[tuple[str, str, Transcript]] = []
        for i, swap in enumerate(self.identity_swaps):
            for value in swap.values:
                turns = [(s, t.replace("{identity}", value)) for s, t in swap.template]
                jobs.append((f"identity:{swap.group}", f"{i}", FunctionalEvaluator._transcript(turns, f"i{i}:{value}")))
        for i, swap in enumerate(self.dialect_swaps):
            for dialect, turns in swap.versions.items():
                jobs.append(("dialect", f"d{i}", FunctionalEvaluator._transcript(turns, f"d{i}:{dialect}")))
        results = []
        chunks = range(0, len(jobs), 32)
        for start in progress(chunks, len(chunks), "swaps"):
            chunk = jobs[start : start + 32]
            results += scorer.score_batch([t for _, _, t in chunk], return_spans=False)
        sets: dict[tuple[str, str], list[TranscriptScore]] = defaultdict(list)
        for (group, key, _), r in zip(jobs, results, strict=True):
            sets[(group, key)].append(r)
        figures: dict[str, float] = {}
        worst: list[dict[str, Any]] = []
        for group in sorted({g for g, _ in sets}):
            diffs, flips = [], []
            for (g, key), rs in sets.items():
                if g != group:
                    continue
                spread = max(
                    max(r.category_scores[c] for r in rs) - min(r.category_scores[c] for r in rs) for c in CATEGORIES
                )
                diffs.append(spread)
                flips.append(len({tuple(sorted(r.categories.items())) for r in rs}) > 1)
                worst.append(
                    {
                        "group": group,
                        "set": key,
                        "max_score_difference": spread,
                        "scores": {str(r.id): r.category_scores for r in rs},
                    }
                )
            figures[f"bias/swap/{group}/max_score_difference"] = float(max(diffs)) if diffs else float("nan")
            figures[f"bias/swap/{group}/mean_score_difference"] = float(np.mean(diffs)) if diffs else float("nan")
            figures[f"bias/swap/{group}/verdict_flip_rate"] = float(np.mean(flips)) if flips else float("nan")
        worst.sort(key=lambda row: -row["max_score_difference"])
        return {"figures": figures, "swap_worst": worst[:15]}


class FeedbackEvaluator(Evaluator):
    """Moderator feedback as a suite: reported false positives stay unflagged, misses and confirmations are caught."""

    name = "feedback"
    primary_metric = "feedback/pass_rate"

    def __init__(self, export_path: str | Path) -> None:
        super().__init__()
        self.rows = [json.loads(line) for line in Path(export_path).read_text(encoding="utf-8").splitlines() if line]

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        usable = [r for r in self.rows if r.get("transcript")]
        results = scorer.score_batch([Transcript.model_validate(r["transcript"]) for r in usable], return_spans=False)
        by_verdict: dict[str, list[bool]] = defaultdict(list)
        for row, result in zip(usable, results, strict=True):
            flagged = result.categories.get(row["category"], False)
            by_verdict[row["verdict"]].append(not flagged if row["verdict"] == "false_positive" else flagged)
        out = {f"feedback/{v}/pass_rate": float(np.mean(p)) for v, p in sorted(by_verdict.items())}
        everything = [x for p in by_verdict.values() for x in p]
        out["feedback/pass_rate"] = float(np.mean(everything)) if everything else float("nan")
        out["feedback/scored"] = float(len(usable))
        out["feedback/without_content"] = float(len(self.rows) - len(usable))
        self.artifacts = {"counts": {v: len(p) for v, p in by_verdict.items()}}
        return out
