"""Quality floors of the shipped model, re-measured on held-out data (a fifth of the template-disjoint test split).

The project's floors are PR-AUC >= 0.95 per category and a hard-negative false-positive rate <= 2% per category.
Model 0.2.0 on the whole test split (models/default/MODEL_CARD.md): grooming PR-AUC 0.994, FPR 1.9%;
sextortion PR-AUC 0.929, FPR 4.0%; any category 5.9%. On this fifth: 0.996, 0.952; FPR 3.6%, 3.6%, any 7.2%.
So grooming's PR-AUC floor is the project's and sextortion's is a regression guard (0.80 for 0.1.0, now 0.90).
The per-category FPR floor and 0.1.0's any-category guard (5%), which 0.2.0 breaks, are strict xfails that
turn into failures once they are met again.
"""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.metrics import pr_auc
from training.synth.generator import generate_split, split_sizes

FLOORS = {"grooming": 0.95, "sextortion": 0.90}


@pytest.fixture(scope="module")
def held_out(scorer):
    from grooming_detect import Message, Transcript

    records = list(generate_split("test", split_sizes(20000)["test"], seed=0))[::5]
    transcripts = [
        Transcript(id=r["id"], messages=[Message(sender=m["sender"], text=m["text"]) for m in r["messages"]])
        for r in records
    ]
    return records, scorer.score_batch(transcripts, return_spans=False)


@pytest.mark.parametrize("category", sorted(FLOORS))
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


@pytest.mark.xfail(strict=True, reason="regression (issue 4): model 0.2.0 flags 5.9% of hard negatives, 0.1.0 2.9%")
def test_hard_negative_false_positives(held_out) -> None:
    # The 0.1.0 guard, kept rather than loosened: 0.072 here, 0.059 on the whole test split.
    assert np.mean(_flagged_hard_negatives(held_out)) <= 0.05


@pytest.mark.xfail(strict=True, reason="known gap (issue 4): hard-negative FPR above 2% (sextortion 4.0% on test)")
@pytest.mark.parametrize("category", ["grooming", "sextortion"])
def test_hard_negative_fpr_project_floor(held_out, category: str) -> None:
    records, results = held_out
    pairs = zip(records, results, strict=True)
    flagged = [res.categories[category] for r, res in pairs if r["metadata"]["hard_negative"]]
    assert np.mean(flagged) <= 0.02
