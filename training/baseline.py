"""The scikit-learn baseline: TF-IDF of the conversation so far, then logistic regression per category.

Per message, it scores the text of every message up to and including it (words from pythainlp and
character n-grams of the normalized text). Prefix counts are cumulative sums of per-message counts, so
scoring all prefixes of a conversation costs one pass over its messages.

Saved with skops and loaded only when every type in the file is on :data:`TRUSTED_TYPES`; nothing is
unpickled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

from grooming_detect.normalize import normalize_text

__all__ = ["TRUSTED_TYPES", "BaselineModel", "UntrustedModelError", "thai_words"]

TRUSTED_TYPES = [
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.NoneType",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.float64",
    "numpy.int64",
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csr.csr_array",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "grooming_detect_training.baseline.thai_words",
]
"""Every type a baseline file may hold. Anything else refuses to load."""


class UntrustedModelError(ValueError):
    """A model file holds a type that is not on the allow-list."""


def thai_words(text: str) -> list[str]:
    """pythainlp words of a normalized message (the word analyzer of the baseline)."""
    from pythainlp.tokenize import word_tokenize

    return [w for w in word_tokenize(text, engine="newmm") if w.strip()]


class BaselineModel:
    """Prefix TF-IDF (words + character n-grams) and one logistic regression per category."""

    def __init__(self, categories: Sequence[str], c: float = 4.0, seed: int = 0) -> None:
        self.categories = list(categories)
        self.word = CountVectorizer(analyzer=thai_words, min_df=2, max_features=100_000, dtype=np.float32)
        self.char = CountVectorizer(
            analyzer="char", ngram_range=(2, 4), min_df=3, max_features=150_000, dtype=np.float32
        )
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        self.classifiers = [
            LogisticRegression(C=c, max_iter=2000, solver="liblinear", random_state=seed) for _ in categories
        ]

    @staticmethod
    def _normalized(conversations: Sequence[Sequence[str]]) -> list[str]:
        return [normalize_text(t).text for conv in conversations for t in conv]

    def _counts(self, texts: list[str]) -> sp.csr_matrix:
        """Word and character counts per message; each distinct text is tokenized once (chats repeat a lot)."""
        unique, inverse = np.unique(np.array(texts, dtype=object), return_inverse=True)
        distinct = list(unique)
        return sp.hstack([self.word.transform(distinct), self.char.transform(distinct)]).tocsr()[inverse]

    def _prefix_counts(self, conversations: Sequence[Sequence[str]], counts: sp.csr_matrix) -> sp.csr_matrix:
        blocks, start = [], 0
        for conv in conversations:
            n = len(conv)
            lower = sp.csr_matrix(np.tril(np.ones((n, n), dtype=np.float32)))
            blocks.append(lower @ counts[start : start + n])
            start += n
        return sp.vstack(blocks).tocsr() if blocks else counts

    def fit(self, conversations: Sequence[Sequence[str]], targets: np.ndarray, mask: np.ndarray) -> BaselineModel:
        """``targets`` and ``mask``: one row per message of every conversation, one column per category."""
        texts = self._normalized(conversations)
        counts = sp.hstack([self.word.fit_transform(texts), self.char.fit_transform(texts)]).tocsr()
        features = self.tfidf.fit_transform(self._prefix_counts(conversations, counts))
        for j, clf in enumerate(self.classifiers):
            keep = mask[:, j] > 0
            clf.fit(features[keep], targets[keep, j])
        return self

    def decision(self, conversations: Sequence[Sequence[str]]) -> np.ndarray:
        """Logit per message (rows in conversation order) and category (columns)."""
        counts = self._counts(self._normalized(conversations))
        features = self.tfidf.transform(self._prefix_counts(conversations, counts))
        return np.stack([clf.decision_function(features) for clf in self.classifiers], axis=1)

    def save(self, path: str | Path) -> None:
        import skops.io as sio

        state = {
            "categories": self.categories,
            "word": self.word,
            "char": self.char,
            "tfidf": self.tfidf,
            "classifiers": self.classifiers,
        }
        sio.dump(state, Path(path))

    @classmethod
    def load(cls, path: str | Path) -> BaselineModel:
        """Load a skops file, refusing any type outside :data:`TRUSTED_TYPES`."""
        import skops.io as sio

        untrusted = sorted(set(sio.get_untrusted_types(file=Path(path))) - set(TRUSTED_TYPES))
        if untrusted:
            raise UntrustedModelError(f"{path}: refusing untrusted type(s): {', '.join(untrusted)}")
        state = sio.load(Path(path), trusted=TRUSTED_TYPES)
        model = cls.__new__(cls)
        model.categories = state["categories"]
        model.word, model.char, model.tfidf = state["word"], state["char"], state["tfidf"]
        model.classifiers = state["classifiers"]
        return model
