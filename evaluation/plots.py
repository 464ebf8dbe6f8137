"""Figures for training runs and evaluation reports (matplotlib, headless)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from sklearn.metrics import precision_recall_curve

__all__ = ["delay_histogram", "pr_curves", "rate_bars", "reliability_diagram"]


def pr_curves(curves: Mapping[str, tuple[ArrayLike, ArrayLike]], title: str = "Precision-recall") -> Figure:
    """One precision-recall curve per name (for example per category, or per model version)."""
    fig, ax = plt.subplots(figsize=(5, 4), dpi=110)
    for name, (labels, s) in curves.items():
        y = np.asarray(labels)
        if y.min() == y.max():
            continue
        precision, recall, _ = precision_recall_curve(y, s)
        ax.plot(recall, precision, label=name)
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02), title=title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def reliability_diagram(
    curves: Mapping[str, tuple[ArrayLike, ArrayLike]], bins: int = 10, title: str = "Reliability"
) -> Figure:
    """Mean predicted probability against observed frequency, per equal-width bin."""
    fig, ax = plt.subplots(figsize=(5, 4), dpi=110)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    edges = np.linspace(0, 1, bins + 1)
    for name, (labels, probs) in curves.items():
        y, p = np.asarray(labels, dtype=float), np.asarray(probs, dtype=float)
        index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
        mean_p = [p[index == b].mean() for b in range(bins) if (index == b).any()]
        freq = [y[index == b].mean() for b in range(bins) if (index == b).any()]
        ax.plot(mean_p, freq, marker="o", label=name)
    ax.set(xlabel="predicted probability", ylabel="observed frequency", xlim=(0, 1), ylim=(0, 1), title=title)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def delay_histogram(delays: Mapping[str, ArrayLike], title: str = "Alert delay") -> Figure:
    """Messages between the labelled alert and the model's first alert (negative: earlier)."""
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=110)
    arrays = {name: np.asarray(v, dtype=float) for name, v in delays.items()}
    values = [v for v in arrays.values() if len(v)]
    if values:
        low, high = int(min(v.min() for v in values)), int(max(v.max() for v in values))
        bins = np.arange(low - 0.5, high + 1.5, 1)
        for name, v in arrays.items():
            if len(v):
                ax.hist(v, bins=bins.tolist(), alpha=0.6, label=name)
    ax.axvline(0, color="black", linewidth=1)
    ax.set(xlabel="messages after alert_at", ylabel="conversations", title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def rate_bars(rates: Mapping[str, float], title: str, xlabel: str = "rate") -> Figure:
    """Horizontal bars, for example the false-positive rate of each benign scenario."""
    names = list(rates)
    # wide enough for the longest scenario name, or tight_layout gives up (and warns) on the left margin
    width = max(6.0, 3.0 + 0.09 * max((len(n) for n in names), default=0))
    fig, ax = plt.subplots(figsize=(width, 0.3 * len(names) + 1.2), dpi=110)
    values = [0.0 if np.isnan(rates[n]) else rates[n] for n in names]
    ax.barh(names, values, color="#c0392b")
    ax.invert_yaxis()
    ax.set(xlabel=xlabel, title=title, xlim=(0, max([*values, 0.05]) * 1.15))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
