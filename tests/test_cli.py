from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from grooming_detect.cli import main


def test_help_lists_commands(capsys) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "normalize" in out and "validate" in out


def test_validate_reports_bad_lines(tmp_path: Path, capsys) -> None:
    p = tmp_path / "t.jsonl"
    good = json.dumps({"id": "a", "messages": [{"sender": "x", "text": "hi"}]})
    p.write_text(good + "\nnot json\n", encoding="utf-8")
    assert main(["validate", str(p)]) == 1
    captured = capsys.readouterr()
    assert "line 2" in captured.err
    assert "1 valid transcript(s), 1 invalid line(s)" in captured.out


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "nope.jsonl")]) == 1
    assert "No such file" in capsys.readouterr().err


def test_console_script_normalize_keeps_one_line_per_input() -> None:
    exe = Path(sys.executable).with_name("grooming-detect")
    lines = ["ส่ ง รู ป มา", "", "555555 ขำมากกกกก", "\u200b\ufeff", "ไป กิน ข้าว กัน"]
    proc = subprocess.run(
        [str(exe), "normalize"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=120,
    )
    out = proc.stdout.split("\n")
    assert out[-1] == ""
    assert len(out) - 1 == len(lines)
    from grooming_detect.normalize import normalize_text

    assert out[:-1] == [normalize_text(line).text for line in lines]


def _write_transcripts(path: Path, transcripts, extra_lines: tuple[str, ...] = ()) -> None:
    lines = [t.model_dump_json() for t in transcripts] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_score_file_reports_bad_lines_and_can_skip_them(
    tmp_path: Path, capsys, grooming_transcript, benign_transcript
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_transcripts(src, [grooming_transcript, benign_transcript], ("{broken",))
    assert main(["score", str(src), "-o", str(out), "--quiet"]) == 1
    assert "line 3" in capsys.readouterr().err and not out.exists()
    assert main(["score", str(src), "-o", str(out), "--quiet", "--skip-invalid", "--no-spans"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["t-grooming", "t-benign"]
    assert rows[0]["flagged"] and not rows[1]["flagged"]
    assert all(m["spans"] == [] for r in rows for m in r["messages"])  # spans are opt-in (--spans)
    assert "scored 2 transcript(s), 1 flagged; skipped 1 invalid line(s)" in capsys.readouterr().err
    assert main(["score", str(src), "-o", str(out), "--quiet", "--skip-invalid", "--spans", "--backend", "torch"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert any(m["spans"] for m in rows[0]["messages"])


def test_explain_prints_scores_and_spans(tmp_path: Path, capsys, grooming_transcript) -> None:
    src = tmp_path / "in.jsonl"
    _write_transcripts(src, [grooming_transcript])
    assert main(["explain", str(src), "--id", "t-grooming", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "transcript t-grooming" in out and "[high risk]" in out
    assert "\ntactics: " in out
    assert "[[" in out and "]]" in out  # a highlighted span
    assert len([line for line in out.splitlines() if line[:1] in ("!", " ") and "u1" in line]) >= 3
    assert main(["explain", str(src), "--id", "missing"]) == 1


def test_scoring_an_empty_file_says_it_held_no_transcripts(tmp_path: Path, capsys) -> None:
    src = tmp_path / "empty.jsonl"
    src.write_text("\n\n", encoding="utf-8")
    assert main(["score", str(src), "-o", str(tmp_path / "out.jsonl")]) == 1
    assert "held no transcripts" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


def test_console_script_prints_no_library_noise_on_load(tmp_path: Path, benign_transcript) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_transcripts(src, [benign_transcript])
    exe = Path(sys.executable).with_name("grooming-detect")
    proc = subprocess.run(
        [str(exe), "score", str(src), "-o", str(out), "--quiet"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=300,
    )
    assert "Loading weights" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr
    assert re.fullmatch(r"scored 1 transcript\(s\), [01] flagged; skipped 0 invalid line\(s\)", proc.stderr.strip())
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == benign_transcript.id
