"""Counterfactual identity augmentation (grooming_detect_training.augment): copies swap identity terms and
keep labels."""

from __future__ import annotations

import random

from grooming_detect_training.augment import counterfactuals, swap_groups, swap_text


def _record(i: int, texts: list[str]) -> dict:
    return {
        "id": f"r{i}",
        "messages": [{"sender": "ab"[k % 2], "text": t} for k, t in enumerate(texts)],
        "metadata": {"grooming": 1, "sextortion": 0, "scenario": "s"},
    }


def test_every_group_has_sets_of_interchangeable_terms() -> None:
    groups = swap_groups()
    assert {"gender_particle", "sexual_identity", "religion", "dialect_marker", "nationality"} <= set(groups)
    for sets in groups.values():
        assert all(len(set(terms)) >= 2 for terms in sets)


def test_swap_replaces_whole_terms_longest_first() -> None:
    out = swap_text("ขอบคุณนะครับ", [["นะครับ", "นะคะ"], ["ครับ", "ค่ะ"]], random.Random(0))
    assert out == "ขอบคุณนะคะ"


def test_a_drawn_record_is_copied_with_a_group_it_holds() -> None:
    # the only identity terms here are nationalities: every drawn record must come back swapped in that
    # group (drawing among all groups would leave most draws unchanged)
    records = [_record(i, [f"ป้าขายข้าวเป็นคนลาว {i}", "อร่อยไหม", "อร่อยมาก"]) for i in range(200)]
    twins = counterfactuals(records, share=0.5, seed=0)
    assert 70 <= len(twins) <= 130
    for twin in twins:
        assert twin["metadata"]["counterfactual"] == "nationality"
        assert twin["metadata"]["grooming"] == 1
        assert "คนลาว" not in twin["messages"][0]["text"]
        assert twin["messages"][1:] == [{"sender": "b", "text": "อร่อยไหม"}, {"sender": "a", "text": "อร่อยมาก"}]


def test_records_without_identity_terms_get_no_copy() -> None:
    assert counterfactuals([_record(0, ["วันนี้ฝนตก", "จริง", "ใช่"])], share=1.0, seed=0) == []
