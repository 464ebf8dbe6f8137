"""Unintended-bias metrics: Jigsaw's (Borkan et al. 2019) and fairlearn's per-group error rates.

Jigsaw's three AUCs per subgroup:
- subgroup AUC: positives and negatives that mention the subgroup;
- BPSN (background positive, subgroup negative): subgroup negatives against background positives; low when
  innocent conversations that mention the subgroup score like risky ones (false positives);
- BNSP (background negative, subgroup positive): subgroup positives against background negatives; low when
  risky conversations mentioning the subgroup are missed.
Each is summarised over subgroups by a power mean with p = -5 (dominated by the worst subgroup), and the
final score is ``0.25 * overall AUC + 0.25 * (Mp(subgroup) + Mp(BPSN) + Mp(BNSP))``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from grooming_detect_evaluation.metrics import roc_auc

__all__ = ["POWER", "fairlearn_rates", "jigsaw_bias", "power_mean", "subgroup_aucs"]

POWER = -5.0


def power_mean(values: Sequence[float], p: float = POWER) -> float:
    """Generalized mean ``(mean(v ** p)) ** (1 / p)``; NaNs are ignored."""
    v = np.asarray([x for x in values if not np.isnan(x)], dtype=float)
    if not len(v):
        return float("nan")
    if np.any(v <= 0):
        return 0.0
    return float(np.mean(v**p) ** (1.0 / p))


def subgroup_aucs(y_true: ArrayLike, scores: ArrayLike, in_group: ArrayLike) -> dict[str, float]:
    """Subgroup, BPSN and BNSP AUC of one subgroup (NaN where a class is missing)."""
    y, s, g = np.asarray(y_true).astype(bool), np.asarray(scores, dtype=float), np.asarray(in_group).astype(bool)
    return {
        "subgroup_auc": roc_auc(y[g], s[g]),
        "bpsn_auc": roc_auc(y[(g & ~y) | (~g & y)], s[(g & ~y) | (~g & y)]),
        "bnsp_auc": roc_auc(y[(g & y) | (~g & ~y)], s[(g & y) | (~g & ~y)]),
        "size": int(g.sum()),
    }


def jigsaw_bias(
    y_true: ArrayLike, scores: ArrayLike, groups: Mapping[str, ArrayLike], p: float = POWER
) -> dict[str, Any]:
    """Per-subgroup AUCs, their power means and Jigsaw's final bias-weighted score."""
    per_group = {name: subgroup_aucs(y_true, scores, mask) for name, mask in groups.items()}
    overall = roc_auc(y_true, scores)
    means = {
        key: power_mean([g[key] for g in per_group.values()], p) for key in ("subgroup_auc", "bpsn_auc", "bnsp_auc")
    }
    parts = [overall, *means.values()]
    final = float(np.mean(parts)) if not any(np.isnan(parts)) else float("nan")
    return {"overall_auc": overall, "power_means": means, "final_score": final, "groups": per_group}


def fairlearn_rates(
    y_true: ArrayLike,
    flagged: ArrayLike,
    group_labels: Sequence[str],
    n_boot: int = 200,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """False-positive and false-negative rate per group, with 95% bootstrap intervals (fairlearn MetricFrame)."""
    from fairlearn.metrics import MetricFrame, false_negative_rate, false_positive_rate

    frame = MetricFrame(
        metrics={"fpr": false_positive_rate, "fnr": false_negative_rate},
        y_true=np.asarray(y_true).astype(int),
        y_pred=np.asarray(flagged).astype(int),
        sensitive_features=np.asarray(group_labels),
        n_boot=n_boot,
        ci_quantiles=[0.025, 0.975],
        random_state=seed,
    )
    low, high = frame.by_group_ci
    out: dict[str, dict[str, float]] = {}
    for group in frame.by_group.index:
        row = {}
        for metric in ("fpr", "fnr"):
            row[metric] = float(frame.by_group.loc[group, metric])
            row[f"{metric}_low"] = float(low.loc[group, metric])
            row[f"{metric}_high"] = float(high.loc[group, metric])
        row["n"] = int(np.sum(np.asarray(group_labels) == group))
        out[str(group)] = row
    return out
