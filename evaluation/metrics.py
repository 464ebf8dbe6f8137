"""Metric functions shared by training reports and the evaluation suites.

Conversation-level metrics take one score per conversation (the risk after its last message). Early
detection metrics take, per conversation, the index of the first message whose score crossed the
threshold and the labelled ``alert_at``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import (
    average_precision_score,
    fbeta_score,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

__all__ = [
    "alert_delays",
    "allowed_false_positives",
    "at_threshold",
    "expected_calibration_error",
    "false_positive_rate",
    "latency_penalty",
    "latency_weighted_f1",
    "pr_auc",
    "recall_at_fpr",
    "roc_auc",
    "tactic_f1",
    "tactic_thresholds",
    "threshold_for_fpr",
    "threshold_for_precision",
]


def _has_both(y: np.ndarray) -> bool:
    return bool(y.min() != y.max()) if len(y) else False


def pr_auc(y_true: ArrayLike, scores: ArrayLike) -> float:
    """Average precision (area under the precision-recall curve); NaN when one class is missing."""
    y = np.asarray(y_true)
    return float(average_precision_score(y, scores)) if _has_both(y) else float("nan")


def roc_auc(y_true: ArrayLike, scores: ArrayLike) -> float:
    y = np.asarray(y_true)
    return float(roc_auc_score(y, scores)) if _has_both(y) else float("nan")


def false_positive_rate(y_true: ArrayLike, flagged: ArrayLike) -> float:
    """Share of negative conversations flagged; NaN without negatives."""
    y, f = np.asarray(y_true).astype(bool), np.asarray(flagged).astype(bool)
    negatives = (~y).sum()
    return float((f & ~y).sum() / negatives) if negatives else float("nan")


def at_threshold(y_true: ArrayLike, scores: ArrayLike, threshold: float) -> dict[str, float]:
    """Precision, recall, F1, F0.5 and false-positive rate when flagging ``scores >= threshold``."""
    y = np.asarray(y_true).astype(int)
    pred = (np.asarray(scores) >= threshold).astype(int)
    return {
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "f1": float(fbeta_score(y, pred, beta=1.0, zero_division=0)),
        "f0.5": float(fbeta_score(y, pred, beta=0.5, zero_division=0)),
        "fpr": false_positive_rate(y, pred.astype(bool)),
    }


def threshold_for_precision(y_true: ArrayLike, scores: ArrayLike, target: float) -> float:
    """Lowest threshold whose precision reaches ``target`` (most recall at that precision).

    If no threshold reaches it, the threshold of highest precision is returned (the caller reports it).
    """
    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=float)
    if not len(s) or y.sum() == 0:
        return 1.0
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    precision = tp / np.arange(1, len(s) + 1)
    # Only cut where the score changes, so that ties are never split.
    cut = np.r_[s_sorted[1:] != s_sorted[:-1], True]
    candidates = np.flatnonzero(cut & (precision >= target))
    if len(candidates):
        return float(s_sorted[candidates.max()])
    best = np.flatnonzero(cut)[np.argmax(precision[cut])]
    return float(s_sorted[best])


def allowed_false_positives(n: int, max_fpr: float, confidence: float | None = None) -> int:
    """How many of ``n`` negatives may be flagged: ``max_fpr`` of them, or with ``confidence`` the most whose
    one-sided Clopper-Pearson upper bound stays within ``max_fpr`` (0 when too few to vouch for any flag)."""
    if confidence is None:
        return int(np.floor(max_fpr * n + 1e-9))
    from scipy.stats import beta

    flagged = np.arange(n + 1)
    upper = np.where(flagged < n, beta.ppf(confidence, flagged + 1, np.maximum(n - flagged, 1)), 1.0)
    within = np.flatnonzero(upper <= max_fpr)
    return int(within.max()) if len(within) else 0


def threshold_for_fpr(negative_scores: ArrayLike, max_fpr: float, confidence: float | None = None) -> float:
    """Lowest threshold that flags at most ``max_fpr`` of these negatives (``score >= threshold`` flags).

    With ``confidence`` (say 0.95), the one-sided Clopper-Pearson upper bound of the false-positive rate,
    rather than the rate seen on these few hundred negatives, must stay within ``max_fpr``: a threshold
    picked on one sample otherwise overshoots on the next about half the time. Ties are never split: a
    score shared by more negatives than the budget allows is left unflagged.
    """
    s = np.sort(np.asarray(negative_scores, dtype=float))[::-1]
    n = len(s)
    allowed = allowed_false_positives(n, max_fpr, confidence)
    if allowed == 0 and n:  # flag none of them
        return float(np.nextafter(s[0], np.inf))
    if allowed >= n:
        return float("-inf")
    # flag only scores strictly above the first negative over the budget
    return float(np.nextafter(s[allowed], np.inf))


def alert_delays(alert_at: Sequence[int | None], first_alert: Sequence[int | None]) -> np.ndarray:
    """Messages between the labelled alert and the model's first alert, for detected positives."""
    return np.array(
        [f - a for a, f in zip(alert_at, first_alert, strict=True) if a is not None and a >= 0 and f is not None],
        dtype=float,
    )


def recall_at_fpr(y_true: ArrayLike, scores: ArrayLike, max_fpr: float = 0.01) -> float:
    """Highest recall reachable while the false-positive rate stays at or below ``max_fpr``."""
    y = np.asarray(y_true)
    if not _has_both(y):
        return float("nan")
    fpr, tpr, _ = roc_curve(y, scores)
    return float(tpr[fpr <= max_fpr].max())


def expected_calibration_error(y_true: ArrayLike, probs: ArrayLike, bins: int = 10) -> float:
    """ECE: bin-weighted mean gap between predicted probability and observed frequency (equal-width bins)."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(probs, dtype=float)
    if not len(p):
        return float("nan")
    index = np.clip(np.digitize(p, np.linspace(0, 1, bins + 1)[1:-1]), 0, bins - 1)
    gap = 0.0
    for b in range(bins):
        in_bin = index == b
        if in_bin.any():
            gap += in_bin.mean() * abs(p[in_bin].mean() - y[in_bin].mean())
    return float(gap)


def latency_penalty(k: np.ndarray | float, half_at: float = 10.0) -> np.ndarray:
    """Sadeque et al. (2018) penalty for deciding after ``k`` messages: 0 at k = 1, 0.5 at k = 1 + ``half_at``.

    ``p = ln(3) / half_at`` makes ``-1 + 2 / (1 + exp(-p (k - 1)))`` reach 0.5 after ``half_at`` more messages.
    """
    p = np.log(3.0) / half_at
    return -1.0 + 2.0 / (1.0 + np.exp(-p * (np.asarray(k, dtype=float) - 1.0)))


def latency_weighted_f1(
    y_true: ArrayLike,
    flagged: ArrayLike,
    alert_at: Sequence[int | None],
    first_alert: Sequence[int | None],
    half_at: float = 10.0,
) -> dict[str, float]:
    """F1 times speed, as in Sadeque et al. (2018) and Vogt et al. (2021).

    ``speed = 1 - median(penalty)`` over true positives, where a true positive detected ``d`` messages after
    its labelled ``alert_at`` has read ``k = max(d, 0) + 1`` messages since the risk appeared.
    """
    y, f = np.asarray(y_true).astype(bool), np.asarray(flagged).astype(bool)
    f1 = float(fbeta_score(y, f, beta=1.0, zero_division=0))
    delays = [
        max(fa - a, 0) + 1
        for yy, ff, a, fa in zip(y, f, alert_at, first_alert, strict=True)
        if yy and ff and a is not None and a >= 0 and fa is not None
    ]
    speed = float(1.0 - np.median(latency_penalty(np.array(delays), half_at))) if delays else float("nan")
    return {"f1": f1, "speed": speed, "f_latency": f1 * speed if delays else float("nan")}


def tactic_thresholds(y_true: np.ndarray, probs: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Per tactic (column), the probability cut with the best F1 on these (development) messages.

    A tactic with no positive message keeps 0.5. Only a cut between two distinct probabilities is tried, so
    the threshold generalizes as a rule, not as one message's score.
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(probs, dtype=float)
    known = np.ones_like(y, dtype=bool) if mask is None else np.asarray(mask) > 0
    out = np.full(y.shape[1], 0.5)
    for k in range(y.shape[1]):
        yk, pk = y[known[:, k], k], p[known[:, k], k]
        if yk.sum() == 0:
            continue
        order = np.argsort(-pk, kind="stable")
        ps, ys = pk[order], yk[order]
        tp = np.cumsum(ys)
        n = np.arange(1, len(ps) + 1)
        f1 = 2 * tp / (n + ys.sum())
        cut = np.r_[ps[1:] != ps[:-1], True]
        best = np.flatnonzero(cut)[np.argmax(f1[cut])]
        below = ps[best + 1] if best + 1 < len(ps) else 0.0
        out[k] = float((ps[best] + below) / 2) if below < ps[best] else float(ps[best])
    return out


def tactic_f1(
    y_true: np.ndarray, probs: np.ndarray, thresholds: np.ndarray, mask: np.ndarray | None = None
) -> dict[str, np.ndarray | float]:
    """Per-tactic precision, recall and F1 of ``probs >= thresholds``, and the macro-F1 over tactics that occur."""
    y = np.asarray(y_true, dtype=int)
    pred = np.asarray(probs, dtype=float) >= np.asarray(thresholds)[None, :]
    known = np.ones_like(y, dtype=bool) if mask is None else np.asarray(mask) > 0
    tp = ((pred == 1) & (y == 1) & known).sum(axis=0)
    fp = ((pred == 1) & (y == 0) & known).sum(axis=0)
    fn = ((pred == 0) & (y == 1) & known).sum(axis=0)
    precision = np.divide(tp, tp + fp, out=np.zeros(len(tp)), where=(tp + fp) > 0)
    recall = np.divide(tp, tp + fn, out=np.zeros(len(tp)), where=(tp + fn) > 0)
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(len(tp)), where=(2 * tp + fp + fn) > 0)
    present = (tp + fn) > 0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "support": tp + fn,
        "macro_f1": float(f1[present].mean()) if present.any() else float("nan"),
    }
