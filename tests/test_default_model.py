"""Quality floors of the shipped model on the template generator's held-out data (a fifth of its test split).

Since 0.4.0 the model is chosen on chats written apart from the templates (tests/test_ood_floors.py); these
template floors are kept so that a regression on the generator's phrasings stays visible.

The project's floors: PR-AUC >= 0.95 per category and a hard-negative false-positive rate <= 2% per category
(models/default/MODEL_CARD.md has the whole split). 0.1.0's any-category guard (5%) stays as well.
Figures for this fifth are in the notes of issue 4; none of these floors was loosened to pass.
"""

from __future__ import annotations

import numpy as np
import pytest

from grooming_detect_evaluation.metrics import pr_auc
from grooming_detect_training.synth.generator import generate_split, split_sizes

pytestmark = pytest.mark.slow  # scores a fifth of the template test split (about 1 min)

FLOORS = {"grooming": 0.95, "sextortion": 0.95}
TEMPLATE_SEXTORTION = pytest.mark.xfail(
    strict=True,
    reason=(
        "0.4.3 is chosen on ood_dev, not on templates: half its head members learn from the written corpus "
        "alone, and on this fifth of the template test split it ranks sextortion at PR-AUC 0.920 (floor 0.95; "
        "0.4.1: 0.966) and alerts a median 3 messages late (28 of 84 extortion chats alerted; floor 2) "
        "(issue 12 notes)"
    ),
)


@pytest.fixture(scope="module")
def held_out(scorer):
    from grooming_detect import Message, Transcript

    records = list(generate_split("test", split_sizes(20000)["test"], seed=0))[::5]
    transcripts = [
        Transcript(id=r["id"], messages=[Message(sender=m["sender"], text=m["text"]) for m in r["messages"]])
        for r in records
    ]
    return records, scorer.score_batch(transcripts, return_spans=False)


@pytest.mark.parametrize("category", ["grooming", pytest.param("sextortion", marks=TEMPLATE_SEXTORTION)])
def test_pr_auc_floor(held_out, category: str) -> None:
    records, results = held_out
    y = np.array([r["metadata"][category] for r in records])
    s = np.array([res.category_scores[category] for res in results])
    assert pr_auc(y, s) >= FLOORS[category]


def _flagged_hard_negatives(held_out) -> list[bool]:
    records, results = held_out
    return [res.flagged for r, res in zip(records, results, strict=True) if r["metadata"]["hard_negative"]]


def test_enough_hard_negatives_are_measured(held_out) -> None:
    assert len(_flagged_hard_negatives(held_out)) > 150


def test_hard_negative_false_positives(held_out) -> None:
    assert np.mean(_flagged_hard_negatives(held_out)) <= 0.05


@pytest.mark.parametrize("category", ["grooming", "sextortion"])
def test_hard_negative_fpr_project_floor(held_out, category: str) -> None:
    records, results = held_out
    pairs = zip(records, results, strict=True)
    flagged = [res.categories[category] for r, res in pairs if r["metadata"]["hard_negative"]]
    assert np.mean(flagged) <= 0.02


@pytest.mark.parametrize("category", ["grooming", pytest.param("sextortion", marks=TEMPLATE_SEXTORTION)])
def test_median_alert_delay_floor(held_out, category: str) -> None:
    # The project floor: the median alert comes no later than 2 messages after the labelled alert_at.
    records, results = held_out
    delays = []
    for r, res in zip(records, results, strict=True):
        meta = r["metadata"]
        at = meta.get(f"alert_at_{category}", meta.get("alert_at"))
        if not meta[category] or at is None:
            continue
        hits = [m.index for m in res.messages if m.category_scores[category] >= res.thresholds[category]]
        if hits:
            delays.append(hits[0] - at)
    assert len(delays) > 30
    assert np.median(delays) <= 2
