"""Quality floors of the shipped model, re-measured on held-out data (a fifth of the template-disjoint test split).

The project's floor is PR-AUC >= 0.95 per category. Grooming meets it; sextortion does not yet (0.856 on the
whole test split, see models/default/MODEL_CARD.md), so its floor here guards against regressions only.
"""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.metrics import pr_auc
from training.synth.generator import generate_split, split_sizes

FLOORS = {"grooming": 0.95, "sextortion": 0.80}


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


def test_hard_negative_false_positives(held_out) -> None:
    records, results = held_out
    flagged = [res.flagged for r, res in zip(records, results, strict=True) if r["metadata"]["hard_negative"]]
    assert len(flagged) > 150
    assert np.mean(flagged) <= 0.05  # 0.029 on the whole test split, any category
