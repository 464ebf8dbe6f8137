"""False alerts on real Thai text: how often ordinary posts and comments are flagged.

The model must leave everyday Thai alone: money talk ("pay for the ticket"), teasing, sales. This suite
scores real messages (one per line of a UTF-8 text file; the project prepares one from the Wisesight
Sentiment corpus with ``grooming-detect data real``) as single-message chats and as windows of
``window`` consecutive messages between two alternating senders, and reports the share flagged. Reports
show only counts and ids (line numbers), never the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from grooming_detect.schema import Message, Transcript
from grooming_detect.scorer import RiskScorer
from grooming_detect_evaluation.suites import Evaluator, Progress

__all__ = ["RealTextEvaluator", "read_lines"]


def read_lines(path: str | Path, limit: int = 0) -> list[str]:
    """Non-empty lines of ``path`` (at most ``limit`` when given), each cut to the schema's 4,000 characters."""
    lines = [line.strip()[:4000] for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:limit] if limit else lines


class RealTextEvaluator(Evaluator):
    """Share of single real messages and of ``window``-message windows that the model flags."""

    name = "real_text"
    primary_metric = "real_text/single_flag_rate"
    greater_is_better = False

    def __init__(self, lines: list[str], window: int = 8, batch: int = 64) -> None:
        super().__init__()
        self.lines = lines
        self.window = window
        self.batch = batch

    def _rate(self, scorer: RiskScorer, transcripts: list[Transcript], progress: Progress, desc: str) -> np.ndarray:
        flags: list[bool] = []
        chunks = range(0, len(transcripts), self.batch)
        for start in progress(chunks, len(chunks), desc):
            results = scorer.score_batch(transcripts[start : start + self.batch], return_spans=False)
            flags += [r.flagged for r in results]
        return np.array(flags, dtype=bool)

    def evaluate(self, scorer: RiskScorer, progress: Progress) -> dict[str, float]:
        singles = [Transcript(id=f"line-{i}", messages=[Message(sender="a", text=t)]) for i, t in enumerate(self.lines)]
        windows = [
            Transcript(
                id=f"window-{i}",
                messages=[Message(sender="ab"[k % 2], text=t) for k, t in enumerate(self.lines[i : i + self.window])],
            )
            for i in range(0, len(self.lines) - self.window + 1, self.window)
        ]
        single = self._rate(scorer, singles, progress, "real single")
        window = self._rate(scorer, windows, progress, "real windows") if windows else np.array([], dtype=bool)
        self.artifacts: dict[str, Any] = {
            "flagged_lines": [int(i) for i in np.flatnonzero(single)][:200],
            "flagged_windows": [int(i) * self.window for i in np.flatnonzero(window)][:200],
        }
        return {
            "real_text/messages": float(len(single)),
            "real_text/single_flag_rate": float(single.mean()) if len(single) else float("nan"),
            "real_text/windows": float(len(window)),
            "real_text/window_flag_rate": float(window.mean()) if len(window) else float("nan"),
        }
