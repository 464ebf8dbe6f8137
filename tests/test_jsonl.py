from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from grooming_detect import Message, Transcript
from grooming_detect.jsonl import TranscriptFileError, read_transcripts, write_transcripts
from grooming_detect.schema import TranscriptLimits

GOOD = json.dumps({"id": "a", "messages": [{"sender": "x", "text": "ว่างไหมคะ"}]}, ensure_ascii=False)
GOOD2 = json.dumps({"id": "b", "messages": [{"sender": "y", "text": "hello"}], "metadata": {"k": 1}})


def _write(tmp_path: Path, lines: list[bytes | str]) -> Path:
    p = tmp_path / "in.jsonl"
    p.write_bytes(b"".join((ln.encode() if isinstance(ln, str) else ln) + b"\n" for ln in lines))
    return p


def test_round_trip(tmp_path: Path) -> None:
    ts = [
        Transcript(id="1", messages=[Message(sender="a", text="ส่งรูปมาหน่อย 555 😊")], metadata={"g": 1}),
        Transcript(id="2", messages=[Message(sender="b", text="ok\ttab\u200b")]),
    ]
    out = tmp_path / "sub" / "out.jsonl"
    assert write_transcripts(out, ts) == 2
    assert read_transcripts(out).transcripts == ts
    assert not list(out.parent.glob(".*.tmp"))


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    p = _write(tmp_path, [GOOD, "", "   ", GOOD2])
    assert [t.id for t in read_transcripts(p).transcripts] == ["a", "b"]


BAD_LINES = {
    "not json": "invalid JSON",
    "[1, 2]": "expected a JSON object",
    '{"id": "z", "messages": []}': "messages",
    '{"id": "z"}': "messages: Field required",
}


@pytest.mark.parametrize(("bad", "reason"), list(BAD_LINES.items()))
def test_strict_rejects_file_with_line_number(tmp_path: Path, bad: str, reason: str) -> None:
    p = _write(tmp_path, [GOOD, bad, GOOD2])
    with pytest.raises(TranscriptFileError) as info:
        read_transcripts(p)
    assert info.value.errors[0].line == 2
    assert reason in info.value.errors[0].reason
    assert "line 2" in str(info.value)


def test_skip_invalid_counts_bad_lines(tmp_path: Path) -> None:
    p = _write(tmp_path, [GOOD, "{oops", b"\xff\xfe bad utf8", GOOD2, GOOD])
    result = read_transcripts(p, skip_invalid=True)
    assert [t.id for t in result.transcripts] == ["a", "b"]
    assert [e.line for e in result.skipped] == [2, 3, 5]
    assert "UTF-8" in result.skipped[1].reason
    assert "duplicate" in result.skipped[2].reason


def test_limits_apply_when_reading(tmp_path: Path) -> None:
    p = _write(tmp_path, [GOOD])
    with pytest.raises(TranscriptFileError, match="the limit is 3"):
        read_transcripts(p, limits=TranscriptLimits(max_message_chars=3))


def test_errors_never_contain_content(tmp_path: Path) -> None:
    canary = "CANARY-ลับมาก"
    lines = [
        json.dumps({"id": "a", "messages": [{"sender": "x", "text": canary * 1000}]}, ensure_ascii=False),
        json.dumps({"id": "b", "messages": [{"sender": "x", "text": canary, "role": canary}]}),
        '{"id": "c", "messages": [{"sender": "x", "text": "' + canary + '"',
    ]
    with pytest.raises(TranscriptFileError) as info:
        read_transcripts(_write(tmp_path, lines))
    assert len(info.value.errors) == 3
    assert "CANARY" not in str(info.value)


def test_reads_from_binary_stream() -> None:
    stream = io.BytesIO((GOOD + "\n" + GOOD2 + "\n").encode())
    assert len(read_transcripts(stream).transcripts) == 2
