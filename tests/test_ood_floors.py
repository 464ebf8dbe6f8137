"""Quality floors of the shipped model on ``ood_test``: chats written apart from every training source.

Nothing was tuned on ``ood_test`` (thresholds and calibration come from ``ood_dev``); the floors are those of
issue 12 and the model card (models/default/MODEL_CARD.md) has the same figures with the baseline beside them.
Roles are not given (``unknown``), as most callers send them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grooming_detect import Message, Transcript
from grooming_detect.tactics import TACTICS
from grooming_detect_evaluation.chats import ood_records
from grooming_detect_evaluation.metrics import pr_auc, roc_auc, tactic_f1

pytestmark = pytest.mark.slow  # scores the whole ood_test set and the swap sets (about 1.5 min)

CATEGORIES = ("grooming", "sextortion")

NOT_MET = pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 12 floor not met yet by 0.4.3 on ood_test's 1,378 chats: tactic macro-F1 0.759 (0.4.1: 0.744; "
        "the heads' tactic layer alone 0.64 on ood_dev); kept as the floor, never loosened"
    ),
)
HARD_NEGATIVES_NOT_MET = pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 12 floor not met by 0.4.3, by one chat: 10 of ood_test's 490 hard negatives are flagged (2.04%; "
        "0.4.1: 3.1%), though its thresholds hold ood_dev's cross-validated held-half rate at 1.95%; kept, "
        "never loosened"
    ),
)
SWAPS_NOT_MET = pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 12 floor not met by 0.4.3: the largest identity-swap spread is 0.14 (an LGBTQ swap, grooming; "
        "floor 0.10; 0.4.1: 0.11); kept"
    ),
)


@pytest.fixture(scope="module")
def ood_test(scorer) -> tuple[list[dict[str, Any]], list[Any]]:
    records = ood_records("ood_test")
    transcripts = [
        Transcript(id=r["id"], messages=[Message(sender=m["sender"], text=m["text"]) for m in r["messages"]])
        for r in records
    ]
    return records, scorer.score_batch(transcripts, return_spans=False)


def _risky(records: list[dict[str, Any]]) -> np.ndarray:
    return np.array([max(r["metadata"][c] for c in CATEGORIES) for r in records])


def _any_score(results: list[Any]) -> np.ndarray:
    return np.array([max(res.category_scores.values()) for res in results])


def test_the_set_is_large_enough_to_hold_the_floors(ood_test) -> None:
    records, _ = ood_test
    assert len(records) >= 400
    assert sum(r["metadata"]["hard_negative"] for r in records) >= 90


def test_pr_auc_risky_vs_benign(ood_test) -> None:
    records, results = ood_test
    assert pr_auc(_risky(records), _any_score(results)) >= 0.95


@pytest.mark.parametrize("category", CATEGORIES)
def test_pr_auc_per_category(ood_test, category: str) -> None:
    records, results = ood_test
    y = np.array([r["metadata"][category] for r in records])
    assert pr_auc(y, np.array([res.category_scores[category] for res in results])) >= 0.90


def test_recall_at_the_shipped_thresholds(ood_test) -> None:
    records, results = ood_test
    flagged = np.array([res.flagged for res in results])
    assert flagged[_risky(records) == 1].mean() >= 0.90


@HARD_NEGATIVES_NOT_MET
def test_hard_negative_false_positive_rate(ood_test) -> None:
    records, results = ood_test
    flagged = [res.flagged for r, res in zip(records, results, strict=True) if r["metadata"]["hard_negative"]]
    assert np.mean(flagged) <= 0.02


def test_median_alert_delay(ood_test) -> None:
    records, results = ood_test
    delays = []
    for r, res in zip(records, results, strict=True):
        alerts = [r["metadata"][f"alert_at_{c}"] for c in CATEGORIES if r["metadata"][c]]
        if alerts and res.first_alert_index is not None:
            delays.append(res.first_alert_index - min(alerts))
    assert len(delays) > 50
    assert np.median(delays) <= 1


def test_dialects_rank_as_well_as_central(ood_test) -> None:
    records, results = ood_test
    y, s = _risky(records), _any_score(results)
    dialect = np.array([r["metadata"]["dialect"] for r in records])
    central = roc_auc(y[dialect == "central"], s[dialect == "central"])
    for name in ("isan", "northern", "southern"):
        assert roc_auc(y[dialect == name], s[dialect == name]) >= central - 0.03, name


@NOT_MET
def test_tactic_tagging_macro_f1(ood_test) -> None:
    records, results = ood_test
    truth, found = [], []
    for r, res in zip(records, results, strict=True):
        for tags, message in zip(r["metadata"]["tactics"], res.messages, strict=True):
            truth.append([t in tags for t in TACTICS])
            found.append([float(t in message.tactics) for t in TACTICS])
    result = tactic_f1(np.array(truth, dtype=int), np.array(found), np.full(len(TACTICS), 0.5))
    assert result["macro_f1"] >= 0.80


def _swap_variants() -> list[tuple[str, bool, list[Transcript]]]:
    from grooming_detect_evaluation.data import functional_inv

    out = []
    for risky, swaps in ((False, functional_inv.IDENTITY_SWAPS), (True, functional_inv.RISKY_IDENTITY_SWAPS)):
        for i, swap in enumerate(swaps):
            variants = [
                Transcript(
                    id=f"{swap.group}-{i}-{k}",
                    messages=[Message(sender=s, text=t.replace("{identity}", value)) for s, t in swap.template],
                )
                for k, value in enumerate(swap.values)
            ]
            out.append((swap.group, risky, variants))
    return out


@pytest.fixture(scope="module")
def swaps(scorer) -> list[tuple[str, bool, list[Any]]]:
    return [(group, risky, scorer.score_batch(v, return_spans=False)) for group, risky, v in _swap_variants()]


@SWAPS_NOT_MET
def test_identity_swaps_move_the_score_little(swaps) -> None:
    spreads = [
        max(res.category_scores[c] for res in results) - min(res.category_scores[c] for res in results)
        for _, _, results in swaps
        for c in CATEGORIES
    ]
    assert max(spreads) <= 0.10


def test_no_benign_identity_variant_is_flagged(swaps) -> None:
    flagged = [res.id for _, risky, results in swaps if not risky for res in results if res.flagged]
    assert flagged == []
