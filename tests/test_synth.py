"""The synthetic data generator: determinism, disjoint splits, labels, coverage, variety, content rule."""

from __future__ import annotations

import hashlib
import string
from collections import Counter
from pathlib import Path

import pytest

from grooming_detect import Transcript
from grooming_detect.cli import main
from grooming_detect_training.synth.generator import (
    ALERT_STRONG,
    ALERT_WEAK,
    GROOMING_TACTICS,
    SEXTORTION_STAGES,
    generate,
)
from grooming_detect_training.synth.lexicon import SLOTS
from grooming_detect_training.synth.library import SPLITS, load_library
from grooming_detect_training.synth.safety import find_explicit

N = 2400
RISKY_STAGES = ("rapport", *GROOMING_TACTICS, "hook", *SEXTORTION_STAGES)
DIALECTS = ("central", "isan", "northern", "southern")


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict]]:
    return generate(N, seed=7)


def _label(meta: dict) -> str:
    return (
        "both"
        if meta["grooming"] and meta["sextortion"]
        else ("grooming" if meta["grooming"] else "sextortion" if meta["sextortion"] else "benign")
    )


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_cli_same_seed_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["data", "generate", "--n", "120", "--seed", "3", "--out", str(tmp_path / name), "--quiet"]) == 0
    first, second = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert {"train.jsonl", "validation.jsonl", "test.jsonl", "README.md", "stats.json"} <= set(first)
    assert any(k.startswith("hf/") and k.endswith(".arrow") for k in first)
    assert first == second
    main(["data", "generate", "--n", "120", "--seed", "4", "--out", str(tmp_path / "c"), "--quiet"])
    assert _digest(tmp_path / "c")["train.jsonl"] != first["train.jsonl"]


def test_hf_dataset_loads_and_matches_jsonl(tmp_path: Path) -> None:
    from datasets import load_from_disk

    from grooming_detect.jsonl import read_transcripts

    main(["data", "generate", "--n", "60", "--seed", "1", "--out", str(tmp_path), "--quiet"])
    ds = load_from_disk(str(tmp_path / "hf"))
    assert set(ds) == set(SPLITS)
    transcripts = read_transcripts(tmp_path / "test.jsonl").transcripts
    assert [t.id for t in transcripts] == ds["test"]["id"]
    row = ds["test"][0]
    assert [m["text"] for m in row["messages"]] == [m.text for m in transcripts[0].messages]
    assert row["grooming"] == transcripts[0].metadata["grooming"]


def test_records_fit_the_foundation_schema(data: dict) -> None:
    for rows in data.values():
        for row in rows[:300]:
            Transcript.model_validate(row)


def test_split_sizes_and_conversation_disjoint(data: dict) -> None:
    sizes = {s: len(rows) for s, rows in data.items()}
    assert sum(sizes.values()) == N
    assert sizes["train"] > sizes["validation"] > 0 and sizes["test"] > 0
    ids = [r["id"] for rows in data.values() for r in rows]
    assert len(ids) == len(set(ids))
    texts = {s: {"\n".join(m["text"] for m in r["messages"]) for r in rows} for s, rows in data.items()}
    assert not texts["train"] & texts["test"]


def test_template_family_disjoint(data: dict) -> None:
    lib = load_library()
    used = {s: {f for r in rows for f in r["metadata"]["families"]} for s, rows in data.items()}
    assert used["train"].isdisjoint(used["test"])
    assert used["train"].isdisjoint(used["validation"])
    assert all(lib.splits_of[f] == {"validation", "test"} for f in used["validation"] & used["test"])
    for split, families in used.items():
        assert all(split in lib.splits_of[f] for f in families)
    for split in SPLITS:
        assert all(lib.pool(split).by_stage.values())


def test_labels_and_alert_at_are_consistent(data: dict) -> None:
    for rows in data.values():
        for row in rows:
            meta, n = row["metadata"], len(row["messages"])
            assert len(meta["stages"]) == len(meta["families"]) == n
            if not (meta["grooming"] or meta["sextortion"]):
                assert meta["alert_at"] is None
                assert not set(meta["stages"]) & (set(GROOMING_TACTICS) | set(SEXTORTION_STAGES))
                continue
            alert = meta["alert_at"]
            assert alert is not None and 0 <= alert < n
            assert meta["stages"][alert] in ALERT_STRONG | ALERT_WEAK
            assert not ALERT_STRONG & set(meta["stages"][:alert])
            per_label = [meta[f"alert_at_{k}"] for k in ("grooming", "sextortion") if meta[k]]
            assert alert == min(per_label)
            if meta["sextortion"]:
                assert meta["stages"][meta["alert_at_sextortion"]] in SEXTORTION_STAGES


def test_benign_at_least_as_many_as_risky(data: dict) -> None:
    labels = Counter(_label(r["metadata"]) for rows in data.values() for r in rows)
    assert labels["benign"] >= labels["grooming"] + labels["sextortion"] + labels["both"]
    assert min(labels.values()) > 0


def test_every_dialect_in_every_label(data: dict) -> None:
    seen = Counter((_label(r["metadata"]), r["metadata"]["dialect"]) for rows in data.values() for r in rows)
    for label in ("benign", "grooming", "sextortion", "both"):
        for dialect in DIALECTS:
            assert seen[(label, dialect)] > 0, (label, dialect)


def test_realism_tags_cover_all_values(data: dict) -> None:
    metas = [r["metadata"] for rows in data.values() for r in rows]
    assert {m["script"] for m in metas} == {"thai", "mixed", "romanized"}
    assert any(m["obfuscated"] for m in metas if m["grooming"] or m["sextortion"])
    assert any(m["obfuscated"] for m in metas if not (m["grooming"] or m["sextortion"]))
    assert {p for m in metas for p in m["particles"]} == {"krub", "ka", "ja", "none"}
    assert {"lgbtq", "religion", "nationality"} <= {t for m in metas for t in m["identity_terms"]}
    texts = [m["text"] for rows in data.values() for r in rows for m in r["messages"]]
    assert any("555" in t for t in texts)
    assert any(ch in "๐๑๒๓๔๕๖๗๘๙" for t in texts for ch in t)


def test_pacing_varies(data: dict) -> None:
    alerts = [r["metadata"]["alert_at_grooming"] for r in data["train"] if r["metadata"]["grooming"]]
    assert min(alerts) <= 3
    assert max(alerts) >= 15


def test_variety_floors() -> None:
    lib = load_library()
    for stage in RISKY_STAGES:
        assert sum(len(v) for v in lib.stages[stage].families.values()) >= 40, stage
    assert len(lib.scenarios) >= 14
    for scenario in lib.scenarios.values():
        assert sum(len(v) for b in scenario.beats for v in b.families.values()) >= 40, scenario.name
    all_templates = [t for items in lib.templates.values() for t in items]
    assert len(all_templates) == len(set(all_templates))


def test_no_template_above_two_percent(data: dict) -> None:
    uses = Counter(t for rows in data.values() for r in rows for t in r["metadata"]["templates"])
    assert max(uses.values()) / sum(uses.values()) <= 0.02


def test_templates_use_only_known_slots() -> None:
    allowed = set(SLOTS) | {"P", "PQ"}
    for family, items in load_library().templates.items():
        for template in items:
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
            assert fields <= allowed, (family, fields - allowed)


def test_content_rule_on_every_message(data: dict) -> None:
    offending = [
        (r["id"], i, find_explicit(m["text"]))
        for rows in data.values()
        for r in rows
        for i, m in enumerate(r["messages"])
        if find_explicit(m["text"])
    ]
    assert offending == []


def test_content_rule_on_every_template_and_slot_value() -> None:
    from grooming_detect_training.synth import lexicon

    values = [v for words in lexicon.WORDS.values() for v in words]
    values += [v for style in lexicon.PARTICLE_STYLES.values() for v in style.statement + style.question]
    values += [v for d in lexicon.DIALECTS.values() for _, local in d.words for v in local] + list(
        lexicon._HANDLE_STEMS
    )
    templates = [t for items in load_library().templates.values() for t in items]
    assert [t for t in templates + values if find_explicit(t)] == []


@pytest.mark.parametrize("text", ["ส่งรูปนู้ดมา", "ส่งนูดมา", "send me a nude", "NAKED", "ถอดเสื้อ"])
def test_blocklist_catches_explicit_terms(text: str) -> None:
    assert find_explicit(text)


@pytest.mark.parametrize("text", ["ขนมอร่อย", "ชานมไข่มุก", "หีบสมบัติ", "แม่หนูด้วย", "หนูดูการ์ตูน", "Sussex", "essex county"])
def test_blocklist_spares_ordinary_words(text: str) -> None:
    assert find_explicit(text) == []


def test_scenarios_play_the_library_stages() -> None:
    lib = load_library()
    for scenario in lib.scenarios.values():
        for beat in scenario.beats:
            assert beat is lib.stages[beat.name]


def test_identity_tags_do_not_fire_inside_ordinary_words() -> None:
    from grooming_detect_evaluation.identity import IDENTITY_TERMS

    assert IDENTITY_TERMS["lgbtq"].search("ทอมห้องข้างๆ ร้องเพลงเพราะ")
    assert not IDENTITY_TERMS["lgbtq"].search("ปิดเทอมนี้ไปเที่ยวไหน")
