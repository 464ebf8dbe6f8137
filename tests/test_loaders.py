"""Loaders for engineers' own labelled data: formats, errors with line/row numbers, merging, dedup."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from grooming_detect.jsonl import TranscriptFileError
from grooming_detect_training.loaders import assign_split, load_labelled, merge_splits, to_records

ROWS = [
    {
        "conversation_id": "c1",
        "sender": "a",
        "text": "อายุเท่าไหร่แล้ว",
        "grooming": "1",
        "sextortion": "0",
        "alert_at": "1",
    },
    {"conversation_id": "c1", "sender": "b", "text": "13 ค่ะ", "grooming": "1", "sextortion": "0", "alert_at": "1"},
    {"conversation_id": "c2", "sender": "x", "text": "กินข้าวยัง", "grooming": "0", "sextortion": "0", "alert_at": ""},
]


def _csv(tmp_path: Path, rows: list[dict], name: str = "d.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_csv_groups_rows_into_conversations(tmp_path: Path) -> None:
    out = load_labelled(_csv(tmp_path, ROWS))
    assert [t.id for t in out] == ["c1", "c2"]
    assert [m.text for m in out[0].messages] == ["อายุเท่าไหร่แล้ว", "13 ค่ะ"]
    assert out[0].metadata["grooming"] == 1 and out[0].metadata["alert_at"] == 1
    assert out[1].metadata["alert_at"] is None


def test_parquet_and_message_index_ordering(tmp_path: Path) -> None:
    rows = [dict(r, message_index=i) for i, r in enumerate(ROWS)]
    rows[0]["message_index"], rows[1]["message_index"] = 5, 2
    path = tmp_path / "d.parquet"
    pd.DataFrame(rows).to_parquet(path)
    out = load_labelled(path)
    assert [m.text for m in out[0].messages] == ["13 ค่ะ", "อายุเท่าไหร่แล้ว"]


def test_jsonl_labels_are_checked(tmp_path: Path) -> None:
    good = {"id": "a", "messages": [{"sender": "x", "text": "hi"}], "metadata": {"grooming": True, "sextortion": 0}}
    bad = {"id": "b", "messages": [{"sender": "x", "text": "hi"}], "metadata": {"grooming": "maybe", "sextortion": 0}}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(TranscriptFileError) as info:
        load_labelled(path)
    assert info.value.errors[0].line == 2 and "grooming" in info.value.errors[0].reason
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert load_labelled(path)[0].metadata["grooming"] == 1


@pytest.mark.parametrize(
    ("change", "row", "reason"),
    [
        ({1: {"grooming": "0"}}, 2, "grooming differs"),
        ({2: {"grooming": "yes"}}, 4, "grooming: must be 0/1"),
        ({0: {"alert_at": "7"}, 1: {"alert_at": "7"}}, 2, "outside 0..1"),
        ({2: {"alert_at": "0"}}, 4, "no positive label"),
        ({1: {"text": "ก" * 4001}}, 2, "the limit is 4000 (row 3)"),
        ({1: {"sender": ""}}, 2, "sender"),
    ],
)
def test_csv_errors_name_the_row(tmp_path: Path, change: dict, row: int, reason: str) -> None:
    rows = [dict(r) for r in ROWS]
    for index, values in change.items():
        rows[index].update(values)
    with pytest.raises(TranscriptFileError) as info:
        load_labelled(_csv(tmp_path, rows))
    assert info.value.errors[0].line == row
    assert reason in info.value.errors[0].reason
    assert "ก" * 20 not in str(info.value)


def test_missing_columns_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="missing column"):
        load_labelled(_csv(tmp_path, [{"conversation_id": "c", "text": "x"}]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"conversation_id,sender,text\nc1,a,\xff\xfe\n")
    with pytest.raises(ValueError, match="UTF-8"):
        load_labelled(bad)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(ValueError, match="cannot be read"):
        load_labelled(broken)
    with pytest.raises(ValueError, match="unsupported"):
        load_labelled(tmp_path / "x.txt")
    with pytest.raises(ValueError, match="missing label"):
        load_labelled(_csv(tmp_path, [{"conversation_id": "c", "sender": "a", "text": "x"}]))
    assert (
        load_labelled(_csv(tmp_path, [{"conversation_id": "c", "sender": "a", "text": "x"}]), require_labels=False)[
            0
        ].id
        == "c"
    )


def _record(i: str, texts: list[str]) -> dict:
    return {"id": i, "messages": [{"sender": "a", "text": t} for t in texts], "metadata": {"grooming": 0}}


def test_merge_removes_exact_and_near_duplicates_across_splits() -> None:
    base = [
        "วันนี้ไปเรียนพิเศษที่ห้องสมุดกันไหม",
        "ได้เลย เจอกันบ่ายสามนะ",
        "อย่าลืมเอาการบ้านเลขมาด้วย",
        "โอเค แล้วค่าเรียนเดือนนี้เท่าไหร่",
        "เหมือนเดิมจ้า",
        "แม่ฝากถามว่าเลิกกี่โมง",
        "ประมาณห้าโมงเย็น เดี๋ยวครูโทรบอกแม่เองนะ",
        "ขอบคุณครับครู แล้วเจอกันครับ",
    ]
    near = [*base[:-1], "ขอบคุณมากครับครู แล้วเจอกันครับ"]
    other = ["ซื้อรองเท้าคู่นี้ได้ไหมคะ", "ได้ค่ะ โอนแล้วส่งสลิปนะคะ", "ส่งวันไหนคะ"]
    synthetic = {"train": [_record("s1", base)], "validation": [], "test": [_record("s2", other)]}
    external = {
        "train": [_record("e0", base)],
        "validation": [_record("e1", [t + " 12" for t in base])],
        "test": [_record("e2", near), _record("e3", other[::-1])],
    }
    merged, report = merge_splits([synthetic, external])
    assert [r["id"] for r in merged["train"]] == ["s1"]
    assert merged["validation"] == []
    assert [r["id"] for r in merged["test"]] == ["s2", "e3"]
    assert report.exact == {"train": 1, "validation": 1, "test": 0}
    assert report.near == {"train": 0, "validation": 0, "test": 1}


def test_external_split_assignment_is_stable(tmp_path: Path) -> None:
    transcripts = load_labelled(_csv(tmp_path, ROWS))
    records = to_records(transcripts)
    assert sum(len(v) for v in records.values()) == 2
    assert assign_split("c1") == assign_split("c1")
    counts = {s: 0 for s in ("train", "validation", "test")}
    for i in range(2000):
        counts[assign_split(f"id-{i}")] += 1
    assert 1450 < counts["train"] < 1750 and counts["test"] > 120
