"""Comparing two evaluated versions, and the promotion gate built on it.

The candidate fails the gate when it is worse than the baseline by more than a tolerance on any
hard-negative scenario's false-positive rate, any bias figure (Jigsaw scores, swap differences), or any
category's recall at its threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Comparison", "Tolerances", "compare_figures"]


@dataclass(frozen=True)
class Tolerances:
    """How much worse a candidate may be before the gate refuses it.

    Attributes:
        fpr: absolute rise allowed in any hard-negative scenario's false-positive rate.
        bias: absolute fall allowed in any Jigsaw bias figure, and rise in any swap score difference.
        recall: absolute fall allowed in any category's recall at its threshold.
    """

    fpr: float = 0.02
    bias: float = 0.02
    recall: float = 0.02


@dataclass
class Comparison:
    """Per-figure differences (candidate minus baseline) and the gate's failures."""

    rows: list[dict[str, object]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def render(self) -> str:
        lines = [f"{'figure':<60} {'baseline':>9} {'candidate':>9} {'diff':>8}  verdict"]
        for row in self.rows:
            lines.append(
                f"{row['figure']:<60} {_f(row['baseline']):>9} {_f(row['candidate']):>9} {_f(row['diff']):>8}  "
                f"{row['verdict']}"
            )
        lines.append("")
        lines.append("gate: PASSED" if self.passed else f"gate: FAILED ({len(self.failures)} regression(s))")
        lines += [f"  - {f}" for f in self.failures]
        return "\n".join(lines)


def _f(value: object) -> str:
    return "n/a" if not isinstance(value, int | float) or math.isnan(value) else f"{value:.3f}"


def _rule(name: str, hard_negatives: set[str]) -> tuple[str, bool] | None:
    """(tolerance kind, greater_is_better) for a gated figure, or None if the figure is only reported."""
    if name.startswith("false_positives/") and name.endswith("/fpr"):
        scenario = name.split("/")[1]
        if scenario in hard_negatives or scenario in ("hard_negative_fpr", "max_hard_negative_fpr"):
            return "fpr", False
        return None
    if name in ("false_positives/hard_negative_fpr", "false_positives/max_hard_negative_fpr"):
        return "fpr", False
    if name.startswith("bias/") and ("final_score" in name or "power_mean" in name):
        return "bias", True
    if name.startswith("bias/swap/") and name.endswith("score_difference"):
        return "bias", False
    if name.startswith(("held_out/", "file/")) and name.endswith("/recall"):
        return "recall", True
    return None


def compare_figures(
    baseline: Mapping[str, float],
    candidate: Mapping[str, float],
    hard_negatives: set[str] | None = None,
    tolerances: Tolerances = Tolerances(),
) -> Comparison:
    """Diff every figure both versions have; apply the gate to the gated ones."""
    comparison = Comparison()
    limits = {"fpr": tolerances.fpr, "bias": tolerances.bias, "recall": tolerances.recall}
    hard = hard_negatives or set()
    for name in sorted(set(baseline) & set(candidate)):
        b, c = float(baseline[name]), float(candidate[name])
        diff = c - b
        rule = _rule(name, hard)
        verdict = "" if rule is None else "ok"
        if rule is not None and not (math.isnan(b) or math.isnan(c)):
            kind, greater_is_better = rule
            worse_by = -diff if greater_is_better else diff
            if worse_by > limits[kind]:
                verdict = "WORSE"
                comparison.failures.append(f"{name}: {b:.3f} -> {c:.3f} (worse by {worse_by:.3f} > {limits[kind]})")
        if rule is not None or abs(diff) > 1e-9:
            comparison.rows.append({"figure": name, "baseline": b, "candidate": c, "diff": diff, "verdict": verdict})
    return comparison
