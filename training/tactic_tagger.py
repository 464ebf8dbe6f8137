"""Fits the lexical tactic tagger (``grooming_detect.lexical``) and chooses its blend with the head.

Trained on messages whose tactics are all known (the written corpus; template messages carry
``tactics_mask`` 0 when ``data.template_tactics`` is off). The blend weight and the per-tactic thresholds
are chosen together on the selection split (``ood_dev`` for the default model), never on what is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np

from grooming_detect.lexical import LexicalTagger, message_ngrams
from grooming_detect.normalize import normalize_all
from grooming_detect.tactics import TACTICS
from grooming_detect_evaluation.metrics import tactic_f1, tactic_thresholds
from grooming_detect_training.data import Example

__all__ = ["BLEND_WEIGHTS", "choose_blend", "fit_tagger", "message_tactics"]

BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
"""Tagger shares tried on the selection split (0 keeps the head's tactic layer alone)."""


def message_tactics(examples: Sequence[Example]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every message's text, tactic labels (M, K) and which labels are known (M, K)."""
    texts = [t for ex in examples for t in ex.texts]
    if not texts:
        return [], np.zeros((0, len(TACTICS)), dtype=int), np.zeros((0, len(TACTICS)), dtype=int)
    y = np.concatenate([ex.tactics for ex in examples]).astype(int)
    mask = np.concatenate([ex.tactics_mask for ex in examples]).astype(int)
    return texts, y, mask


def fit_tagger(
    examples: Sequence[Example],
    *,
    ngram_range: tuple[int, int] = (2, 4),
    min_df: int = 2,
    c: float = 10.0,
    seed: int = 0,
) -> LexicalTagger:
    """TF-IDF over character n-grams and a class-balanced logistic regression per tactic."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, y, mask = message_tactics(examples)
    known = np.asarray(mask.all(axis=1)) if len(texts) else np.zeros(0, dtype=bool)
    if not known.any():
        raise ValueError("no message with known tactics to train the tactic tagger on (the written corpus)")
    train_texts = [t for t, k in zip(texts, known, strict=True) if k]
    vectorizer = TfidfVectorizer(
        analyzer=partial(message_ngrams, low=ngram_range[0], high=ngram_range[1]),
        sublinear_tf=True,
        min_df=min(min_df, len(train_texts)),
        dtype=np.float64,
    )
    x = vectorizer.fit_transform(train_texts)
    coef = np.zeros((len(TACTICS), x.shape[1]))
    intercept = np.full(len(TACTICS), -10.0)  # a tactic never seen in training is never tagged
    for k in range(len(TACTICS)):
        yk = y[known, k]
        if 0 < yk.sum() < len(yk):
            lr = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed).fit(x, yk)
            coef[k], intercept[k] = lr.coef_[0], lr.intercept_[0]
    return LexicalTagger(
        tactics=TACTICS,
        vocabulary={g: int(i) for g, i in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_,
        coef=coef,
        intercept=intercept,
        ngram_range=ngram_range,
    )


def choose_blend(
    tagger: LexicalTagger, head_probs: np.ndarray, examples: Sequence[Example]
) -> tuple[float, dict[str, float], dict[float, float]]:
    """The blend weight and per-tactic thresholds with the best macro-F1 on ``examples`` (the selection split).

    Returns the weight, its thresholds and the macro-F1 of every weight tried (for the model card). Ties go to
    the smaller weight, so the tagger must earn its place.
    """
    texts, y, mask = message_tactics(examples)
    lexical = tagger.probs(normalize_all(texts))
    tried: dict[float, float] = {}
    best: tuple[float, float, np.ndarray] | None = None
    for weight in BLEND_WEIGHTS:
        probs = (1.0 - weight) * head_probs + weight * lexical
        cuts = tactic_thresholds(y, probs, mask)
        score = float(tactic_f1(y, probs, cuts, mask)["macro_f1"])
        tried[weight] = score
        if best is None or score > best[1] + 1e-9:
            best = (weight, score, cuts)
    assert best is not None
    weight, _, cuts = best
    return weight, {t: float(cuts[i]) for i, t in enumerate(TACTICS)}, tried
