"""Tactic tagging: the taxonomy, its metrics, and ``tactics`` in the scorer's answers (tiny in-process model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from grooming_detect import Message, Transcript
from grooming_detect.model import ModelConfig, RiskModel
from grooming_detect.scorer import RiskScorer
from grooming_detect.tactics import CATEGORY_TACTICS, ROLE_INDEX, TACTIC_DESCRIPTIONS, TACTICS
from grooming_detect_evaluation.metrics import tactic_f1, tactic_thresholds


def test_taxonomy_is_defined_once_and_covers_the_categories() -> None:
    assert TACTICS == tuple(TACTIC_DESCRIPTIONS) and len(set(TACTICS)) == 13
    assert set().union(*CATEGORY_TACTICS.values()) == set(TACTICS)
    assert ROLE_INDEX["unknown"] == 0


def test_tactic_metrics_by_hand() -> None:
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    p = np.array([[0.9, 0.1], [0.6, 0.2], [0.4, 0.8], [0.3, 0.7]])
    cuts = tactic_thresholds(y, p)
    assert 0.4 < cuts[0] <= 0.6  # between the lowest positive (0.6) and the highest negative (0.4)
    assert 0.7 < cuts[1] <= 0.8
    result = tactic_f1(y, p, cuts)
    assert result["f1"].tolist() == [1.0, 1.0] and result["macro_f1"] == 1.0
    half = tactic_f1(y, p, np.array([0.5, 0.5]))  # second tactic: 1 TP, 1 FP -> F1 2/3
    assert np.isclose(half["f1"][1], 2 / 3) and np.isclose(half["macro_f1"], (1 + 2 / 3) / 2)
    masked = tactic_f1(y, p, np.array([0.5, 0.5]), mask=np.array([[1, 1], [1, 1], [1, 1], [1, 0]]))
    assert masked["f1"][1] == 1.0  # the unknown label is not counted


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> RiskScorer:
    return RiskScorer.from_pretrained(tiny_model_dir)


def _chat(roles: tuple[str, ...] = ("unknown", "unknown", "unknown")) -> Transcript:
    texts = ["อายุเท่าไหร่แล้วจ๊ะ", "13 ค่ะ", "อย่าบอกแม่นะ ไปคุยในแอปอื่นกัน"]
    senders = ["a", "b", "a"]
    return Transcript(
        id="c1",
        messages=[Message(sender=s, text=t, role=r) for s, t, r in zip(senders, texts, roles, strict=True)],
    )


def test_tactics_follow_the_thresholds_and_summarise_first_appearance(tiny: RiskScorer) -> None:
    chat = _chat()
    with torch.inference_mode():
        vectors = tiny.encode([m.text for m in chat.messages])
        probs = torch.sigmoid(tiny.model.head.tactic_logits(vectors)).numpy()
    ranked = np.sort(probs.ravel())
    middle = float(ranked[len(ranked) // 2 - 1 : len(ranked) // 2 + 1].mean())  # between two values: no ties
    tiny.model.tactic_thresholds = dict.fromkeys(TACTICS, middle)
    result = tiny.score(chat, return_spans=False)
    for i, message in enumerate(result.messages):
        expected = {t for k, t in enumerate(TACTICS) if probs[i, k] >= middle}
        assert set(message.tactics) == expected
        assert all(np.isclose(message.tactics[t], probs[i, TACTICS.index(t)]) for t in expected)
    seen = {s.tactic: s for s in result.tactics}
    for tactic, s in seen.items():
        hits = [i for i, m in enumerate(result.messages) if tactic in m.tactics]
        assert s.first_index == hits[0] and s.count == len(hits)
        assert np.isclose(s.score, max(result.messages[i].tactics[tactic] for i in hits))
    assert [s.first_index for s in result.tactics] == sorted(s.first_index for s in result.tactics)
    stream = tiny.stream("c1")
    for message in chat.messages:
        live = stream.add(message)
    assert [(s.tactic, s.first_index, s.count) for s in live.tactics] == [
        (s.tactic, s.first_index, s.count) for s in result.tactics
    ]
    assert np.allclose([s.score for s in live.tactics], [s.score for s in result.tactics], atol=1e-5)
    tiny.model.tactic_thresholds = dict.fromkeys(TACTICS, 1.01)
    assert tiny.score(chat, return_spans=False).tactics == []


def test_the_head_reads_roles(tiny: RiskScorer) -> None:
    unknown = tiny.score(_chat(), return_spans=False).category_scores
    given = tiny.score(_chat(("adult", "minor", "adult")), return_spans=False).category_scores
    assert unknown != given


def test_a_model_without_tactics_still_loads_and_answers_none(tmp_path: Path) -> None:
    torch.manual_seed(0)
    old = RiskModel.create(ModelConfig(name="v1", version="0.3.0", finetune="none", hidden=8, speaker_dim=4))
    old.save(tmp_path)
    assert not (tmp_path / "tactics.json").exists()
    scorer = RiskScorer.from_pretrained(tmp_path)
    result = scorer.score(_chat(("adult", "minor", "adult")), return_spans=False)
    assert result.tactics == [] and all(m.tactics == {} for m in result.messages)


def test_template_tactics_can_be_left_unlabelled() -> None:
    """With ``template_tactics: false`` only written labels teach tactics; the written ones stay known."""
    from grooming_detect_training.config import DataConfig
    from grooming_detect_training.data import build_examples

    def record(source: str, **extra: object) -> dict:
        meta = {"source": source, "grooming": 1, "sextortion": 0, "alert_at": 0, **extra}
        messages = [{"sender": "a", "text": "อายุเท่าไหร่"}, {"sender": "b", "text": "13"}]
        return {"id": source, "messages": messages, "metadata": meta}

    splits = {
        "train": [
            record("written", tactics=[["age_probe"], []]),
            record("synthetic", stages=["age_probe", "reply"]),
        ],
        # the OOD sets are written too: their labels stay known, or tactic thresholds would be chosen on nothing
        "ood_dev": [record("ood_dev", tactics=[["age_probe"], []])],
    }
    for keep, template_known in ((True, 1.0), (False, 0.0)):
        built = build_examples(splits, DataConfig(template_tactics=keep, counterfactual=0.0), 0)
        examples = {ex.id: ex for ex in built["train"] + built["ood_dev"]}
        for written in ("written", "ood_dev"):
            assert examples[written].tactics_mask.min() == 1.0
            assert examples[written].tactics[0, TACTICS.index("age_probe")] == 1.0
        assert examples["synthetic"].tactics_mask.max() == template_known
