"""The real-text false-alert suite and the Wisesight preparation step, on small hand-made files."""

from __future__ import annotations

from pathlib import Path

import pytest

from grooming_detect.scorer import RiskScorer
from grooming_detect_evaluation.real_text import RealTextEvaluator, read_lines
from grooming_detect_training.real_text import prepare_real_text

LINES = ["วันนี้ฝนตกหนักมาก", "ค่าตั๋วหนังเดี๋ยวโอนให้นะ", "ร้านนี้อร่อย", "โปรสล็อตเครดิตฟรี", "ร้านนี้อร่อย", ""]


def test_prepare_screens_dedups_and_splits(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("neg.txt", "neu.txt", "pos.txt"):
        (src / name).write_text("\n".join(LINES), encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"q\.txt"):
        prepare_real_text(src, tmp_path / "out")
    (src / "q.txt").write_text("ส่งรูปนู้ดมา\nพรุ่งนี้สอบไหม\n", encoding="utf-8")
    counts = prepare_real_text(src, tmp_path / "out")
    assert counts["read"] == 17 and counts["spam"] == 1 and counts["explicit"] == 1
    assert counts["duplicates"] == 17 - 1 - 1 - 4 and counts["train"] + counts["heldout"] == 4
    kept = read_lines(tmp_path / "out" / "train.txt") + read_lines(tmp_path / "out" / "heldout.txt")
    assert sorted(kept) == sorted({"วันนี้ฝนตกหนักมาก", "ค่าตั๋วหนังเดี๋ยวโอนให้นะ", "ร้านนี้อร่อย", "พรุ่งนี้สอบไหม"})


def test_suite_reports_single_and_window_rates(tiny_model_dir: Path) -> None:
    scorer = RiskScorer.from_pretrained(tiny_model_dir)
    lines = [f"ข้อความที่ {i} วันนี้กินข้าวหรือยัง" for i in range(17)]
    suite = RealTextEvaluator(lines, window=8)
    figures = suite(scorer)
    assert figures["real_text/messages"] == 17 and figures["real_text/windows"] == 2
    expected = [scorer.score_batch([t], return_spans=False)[0].flagged for t in suite_transcripts(lines)]
    assert figures["real_text/single_flag_rate"] == pytest.approx(sum(expected) / 17)
    assert all(isinstance(i, int) for i in suite.artifacts["flagged_lines"])


def suite_transcripts(lines: list[str]):
    from grooming_detect import Message, Transcript

    return [Transcript(id=f"line-{i}", messages=[Message(sender="a", text=t)]) for i, t in enumerate(lines)]
