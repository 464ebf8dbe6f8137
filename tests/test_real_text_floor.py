"""Issue 12's real-text floor on the shipped model: ordinary Thai posts and comments are left alone.

The held-out half of the screened Wisesight Sentiment corpus (``grooming_detect_training.real_text``), as single
messages and as 8-message windows, must see at most 0.5% flagged. The corpus is not in this repository: data that
the project fetches may only be kept under the steering repository's ``shared/``, so the test runs where
that copy is (``../shared/data/wisesight-sentiment``, or the folder ``WISESIGHT_DIR`` names) and says why it
skipped elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grooming_detect_evaluation.real_text import RealTextEvaluator, read_lines
from grooming_detect_training.real_text import DEFAULT_SOURCE, prepare_real_text

REPO = Path(__file__).resolve().parent.parent
# WISESIGHT_DIR points the test at another copy (a developer's own, outside the repository)
SOURCE = Path(
    os.environ.get("WISESIGHT_DIR") or (DEFAULT_SOURCE if DEFAULT_SOURCE.is_absolute() else REPO / DEFAULT_SOURCE)
)
FLOOR = 0.005


@pytest.mark.slow
def test_real_thai_text_is_rarely_flagged(scorer, tmp_path: Path) -> None:
    if not (SOURCE / "neg.txt").is_file():
        pytest.skip(f"no copy of the Wisesight Sentiment corpus at {SOURCE} (see training/real_text.py)")
    counts = prepare_real_text(SOURCE, tmp_path)
    lines = read_lines(tmp_path / "heldout.txt")
    assert len(lines) == counts["heldout"] > 10_000
    figures = RealTextEvaluator(lines, window=8)(scorer)
    assert figures["real_text/single_flag_rate"] <= FLOOR
    assert figures["real_text/window_flag_rate"] <= FLOOR
