"""The written-chat schema, its loader, near-duplicate and overlap checks, and the committed corpus files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grooming_detect.tactics import CATEGORY_TACTICS, TACTICS
from grooming_detect_evaluation.chats import (
    ChatSetError,
    diversity,
    load_chats,
    near_duplicates,
    ngram_overlap,
    ood_records,
    to_record,
)
from grooming_detect_training.corpus_card import WRITTEN_DIR
from grooming_detect_training.synth.safety import find_explicit

SAMPLE = Path(__file__).parent / "data" / "written_sample.jsonl"
CANARY = "ข้อความลับห้ามรั่ว"


def _lines() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "w" / "part-01.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path.parent


def test_the_sample_loads_and_converts_with_per_category_alerts() -> None:
    chats = load_chats(SAMPLE)
    assert [c.id for c in chats] == [r["id"] for r in _lines()]
    both = next(c for c in chats if c.label == "both")
    alerts = both.category_alerts()
    assert alerts["grooming"] == both.alert_at
    first_extortion = next(i for i, m in enumerate(both.messages) if CATEGORY_TACTICS["sextortion"] & set(m.tactics))
    assert alerts["sextortion"] == first_extortion
    record = to_record(both, "written")
    assert record["metadata"]["grooming"] == 1 and record["metadata"]["sextortion"] == 1
    assert record["metadata"]["tactics"] == [m.tactics for m in both.messages]
    assert [m["role"] for m in record["messages"]] == [m.role for m in both.messages]
    benign = to_record(next(c for c in chats if c.hard_negative), "written")
    assert benign["metadata"]["grooming"] == 0 and benign["metadata"]["alert_at_grooming"] is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["messages"][0].update(tactics=["mind_reading"]), "unknown tactics"),
        (lambda r: r.update(alert_at=None), "needs alert_at"),
        (lambda r: r.update(alert_at=1), "carries no tactic"),
        (lambda r: r.update(hard_negative=True), "benign conversations only"),
        (lambda r: r.update(label="spam"), "label"),
        (lambda r: r.update(dialect="klingon"), "dialect"),
        (lambda r: r.update(extra=1), "extra"),
        (lambda r: [m.update(sender="same") for m in r["messages"]], "two senders"),
        (lambda r: r["messages"][0].update(text=""), "text"),
    ],
)
def test_bad_records_are_named_by_line_and_field_never_by_text(tmp_path: Path, change, expected: str) -> None:
    rows = _lines()
    rows[0]["messages"][3]["text"] = CANARY
    change(rows[0])
    with pytest.raises(ChatSetError) as err:
        load_chats(_write(tmp_path, rows))
    assert "part-01.jsonl:1" in str(err.value) and expected in str(err.value)
    assert CANARY not in str(err.value)


def test_duplicate_ids_and_broken_json_are_errors(tmp_path: Path) -> None:
    rows = _lines()
    folder = _write(tmp_path, [*rows, rows[0]])
    with folder.joinpath("part-01.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"id": "x", \n')
    with pytest.raises(ChatSetError) as err:
        load_chats(folder)
    assert "duplicate id" in str(err.value) and "not JSON" in str(err.value)


def test_near_duplicates_find_a_lightly_edited_copy_and_keep_one() -> None:
    records = [to_record(c, "written") for c in load_chats(SAMPLE)]
    twin = json.loads(json.dumps(records[0]))
    twin["id"] = "x00-copy"
    twin["messages"][0]["text"] += " นะ"
    report = near_duplicates([*records, twin])
    assert [(a, b) for a, b, _ in report.pairs] == [(records[0]["id"], "x00-copy")]
    assert report.drop == ["x00-copy"]
    assert near_duplicates(records).pairs == []


def test_overlap_is_total_for_a_copy_and_small_for_other_text() -> None:
    records = [to_record(c, "written") for c in load_chats(SAMPLE)]
    same = ngram_overlap(records[:2], records)
    assert same["ngram_share"] == 1.0 and same["message_copies"] == 1.0 and same["max_jaccard"] == 1.0
    other = ngram_overlap(records[:2], records[2:])
    assert other["ngram_share"] < 0.2 and other["message_copies"] == 0.0 and other["max_jaccard"] < 0.3


def test_diversity_counts_every_facet() -> None:
    records = [to_record(c, "written") for c in load_chats(SAMPLE)]
    figures = diversity(records)
    assert figures["conversations"] == 6 and figures["hard_negatives"] == 2
    assert figures["label"] == {"benign": 3, "grooming": 1, "sextortion": 1, "both": 1}
    assert sum(figures["dialect"].values()) == 6 and figures["tactics"]["secrecy"] == 3
    assert 0 < figures["distinct_3gram_ratio"] <= 1


# --- the committed corpus ------------------------------------------------------------------------------


def _committed() -> dict[str, list[dict]]:
    return {
        "written": [to_record(c, "written") for c in load_chats(WRITTEN_DIR)],
        "ood_dev": ood_records("ood_dev"),
        "ood_test": ood_records("ood_test"),
    }


@pytest.fixture(scope="module")
def committed() -> dict[str, list[dict]]:
    return _committed()


def _need(committed: dict[str, list[dict]], *names: str) -> None:
    missing = [n for n in names if not committed[n]]
    if missing:
        pytest.skip(f"no conversations written yet for {', '.join(missing)} (issue 12)")


def test_committed_sets_load_and_hold_every_label(committed: dict[str, list[dict]]) -> None:
    assert committed["written"], "the free-written training corpus is empty"
    for name, records in committed.items():
        if not records:
            continue
        labels = {r["metadata"]["label"] for r in records}
        assert {"grooming", "sextortion", "benign"} <= labels, name
        assert any(r["metadata"]["hard_negative"] for r in records), name
        tags = {t for r in records for tags in r["metadata"]["tactics"] for t in tags}
        assert tags <= set(TACTICS)


def test_committed_sets_keep_the_content_rule(committed: dict[str, list[dict]]) -> None:
    hits = [
        (r["id"], i)
        for records in committed.values()
        for r in records
        for i, m in enumerate(r["messages"])
        if find_explicit(m["text"])
    ]
    assert hits == []


def test_ood_writers_are_apart_from_training_writers(committed: dict[str, list[dict]]) -> None:
    _need(committed, "ood_dev", "ood_test")
    writers = {name: {r["metadata"]["writer"] for r in records} for name, records in committed.items()}
    assert not writers["written"] & (writers["ood_dev"] | writers["ood_test"])
    assert not writers["ood_dev"] & writers["ood_test"]
    ids = [r["id"] for records in committed.values() for r in records]
    assert len(ids) == len(set(ids))


@pytest.mark.slow
def test_ood_sets_share_no_conversations_with_training(committed: dict[str, list[dict]]) -> None:
    """The overlap check the OOD card reports: no copied conversation, hardly a copied message."""
    _need(committed, "ood_dev", "ood_test")
    for name in ("ood_dev", "ood_test"):
        overlap = ngram_overlap(committed[name], committed["written"])
        assert overlap["max_jaccard"] < 0.6, name
        assert overlap["message_copies"] < 0.02, name


def test_a_stock_thanks_is_no_copied_message() -> None:
    """Thai vowel and tone marks are characters of their own: "ขอบคุณค่ะพี่" is 12 characters, 9 letters."""

    def chat(*texts: str) -> dict:
        return {"id": "c", "messages": [{"sender": str(i % 2), "text": t} for i, t in enumerate(texts)]}

    thanks, sentence = "ขอบคุณค่ะพี่", "พรุ่งนี้เจอกันที่หน้าโรงเรียนนะ"
    assert len(thanks) == 12
    overlap = ngram_overlap([chat(thanks, sentence)], [chat(thanks, sentence, "โอเค")])
    assert overlap["message_copies"] == 1.0  # the sentence counts, the thanks is left out
    assert ngram_overlap([chat(thanks, "ไปก่อนนะ")], [chat(thanks)])["message_copies"] == 0.0
