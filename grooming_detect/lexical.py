"""Lexical tactic tagger: character n-gram TF-IDF and one logistic regression per tactic.

Why it exists: the head's tactic layer reads the encoder's message vector, and with a few thousand written
chats to learn from it tags tactics poorly on chats written by others (0.4.1: ood_dev macro-F1 0.66). A linear
model over character n-grams of the normalized text ("อย่าบอกแม่", "เติมเพชร", "เปิดกล้อง") learns a
tactic's surface from few examples; blended half and half with the head it reaches 0.75. Only the tactics
reported to moderators change, never the risk scores (the conversation head reads its own tactic layer).

Stored as ``tactic_tagger.safetensors`` (idf, coefficients, intercepts) and ``tactic_tagger.json`` (the
n-gram vocabulary and settings): safe formats, nothing unpickled. Training (scikit-learn) lives in
``grooming_detect_training.tactic_tagger``; this module only scores, with the same arithmetic as scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` and ``LogisticRegression``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from grooming_detect.normalize import normalize_text

__all__ = ["TAGGER_FILES", "LexicalTagger", "char_ngrams", "message_ngrams"]

TAGGER_FILES = ("tactic_tagger.json", "tactic_tagger.safetensors")
_SPACES = re.compile(r"\s\s+")


def char_ngrams(text: str, low: int = 2, high: int = 4) -> list[str]:
    """Character n-grams inside word boundaries, padded by one space (scikit-learn's ``char_wb``), lowercased.

    Thai is written without spaces between words, so a "word" here is a whole phrase and the n-grams run
    across Thai words, which is what lets "อย่าบอก" match inside any sentence.
    """
    out: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size <= n:  # a short word counts once, as in scikit-learn
                out.append(padded)
                break
            out.extend(padded[i : i + n] for i in range(size - n + 1))
    return out


def message_ngrams(text: str, low: int = 2, high: int = 4) -> list[str]:
    """The n-grams of a raw message after the project's normalizer (the same view the encoder gets)."""
    return char_ngrams(normalize_text(text).text, low, high)


@dataclass
class LexicalTagger:
    """Per-message tactic probabilities from character n-grams of normalized text.

    Attributes:
        tactics: tactic names, in column order.
        vocabulary: n-gram -> feature index.
        idf: inverse document frequency per feature (V,).
        coef: one row of weights per tactic (K, V).
        intercept: per tactic (K,).
        ngram_range: shortest and longest n-gram.
        weight: the tagger's share when blended with the head's tactic probabilities (0 = head only),
            chosen on the selection split.
    """

    tactics: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    ngram_range: tuple[int, int] = (2, 4)
    weight: float = 0.5

    def __post_init__(self) -> None:
        k, v = len(self.tactics), len(self.vocabulary)
        if self.idf.shape != (v,) or self.coef.shape != (k, v) or self.intercept.shape != (k,):
            raise ValueError(f"tagger arrays do not match {k} tactics and {v} n-grams")
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError("tagger weight must be between 0 and 1")

    def probs(self, normalized: Sequence[str]) -> np.ndarray:
        """Normalized message texts (``grooming_detect.normalize.normalize_all``) -> (N, K) probabilities."""
        logits = np.tile(self.intercept.astype(np.float64), (len(normalized), 1))
        for row, text in enumerate(normalized):
            counts = Counter(self.vocabulary[g] for g in char_ngrams(text, *self.ngram_range) if g in self.vocabulary)
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
            x = tf * self.idf[index]
            x /= np.linalg.norm(x)
            logits[row] += self.coef[:, index].astype(np.float64) @ x
        return 1.0 / (1.0 + np.exp(-logits))

    def char_weights(self, normalized: str, min_prob: float = 0.5) -> np.ndarray | None:
        """How much each character of one normalized text adds to its likeliest tactic's logit, or None when
        no tactic reaches ``min_prob``: which words look like a tactic, at no encoder cost (spans use it to
        choose the words to verify by occlusion).

        Each n-gram occurrence's share of the logit (weight times tf-idf, split over its occurrences) is
        spread evenly over the characters it covers, with the same n-grams and arithmetic as :meth:`probs`.
        """
        lowered = normalized.lower()
        if len(lowered) != len(normalized):  # a few characters lowercase to two; positions would not line up
            return None
        low, high = self.ngram_range
        occurrences: list[tuple[int, int, int]] = []  # feature, first and last+1 character in the text
        for word in re.finditer(r"\S+", lowered):
            padded, origin = f" {word.group()} ", word.start() - 1  # padded[i] is the text's character origin+i
            for n in range(low, high + 1):
                if len(padded) <= n:
                    if padded in self.vocabulary:
                        occurrences.append((self.vocabulary[padded], word.start(), word.end()))
                    break
                for i in range(len(padded) - n + 1):
                    feature = self.vocabulary.get(padded[i : i + n])
                    if feature is not None:
                        begin, end = max(origin + i, word.start()), min(origin + i + n, word.end())
                        occurrences.append((feature, begin, end))
        if not occurrences:
            return None
        counts = Counter(f for f, _, _ in occurrences)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        x = tf * self.idf[index]
        x /= np.linalg.norm(x)
        logits = self.intercept.astype(np.float64) + self.coef[:, index].astype(np.float64) @ x
        best = int(np.argmax(logits))
        if 1.0 / (1.0 + math.exp(-logits[best])) < min_prob:
            return None
        share = dict(zip(index.tolist(), (self.coef[best, index] * x).tolist(), strict=True))
        weights = np.zeros(len(normalized))
        for feature, begin, end in occurrences:
            weights[begin:end] += share[feature] / counts[feature] / (end - begin)
        return weights

    def blend(self, head_probs: np.ndarray, normalized: Sequence[str]) -> np.ndarray:
        """The head's (N, K) tactic probabilities blended with this tagger's, for normalized texts."""
        if self.weight == 0.0 or not len(normalized):
            return head_probs
        return (1.0 - self.weight) * head_probs + self.weight * self.probs(normalized)

    # --- persistence -------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        path = Path(path)
        ngrams = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        meta = {
            "tactics": list(self.tactics),
            "ngram_range": list(self.ngram_range),
            "weight": self.weight,
            "ngrams": ngrams,
        }
        (path / TAGGER_FILES[0]).write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
        arrays = {"idf": self.idf, "coef": self.coef, "intercept": self.intercept}
        arrays = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}
        save_file(arrays, str(path / TAGGER_FILES[1]))

    @classmethod
    def load(cls, path: str | Path) -> LexicalTagger | None:
        """The tagger saved in a model folder, or None when the model has none (models before 0.4.1)."""
        path = Path(path)
        if not (path / TAGGER_FILES[0]).is_file():
            return None
        meta = json.loads((path / TAGGER_FILES[0]).read_text(encoding="utf-8"))
        arrays = load_file(str(path / TAGGER_FILES[1]))
        low, high = meta["ngram_range"]
        return cls(
            tactics=tuple(meta["tactics"]),
            vocabulary={g: i for i, g in enumerate(meta["ngrams"])},
            idf=arrays["idf"],
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            ngram_range=(int(low), int(high)),
            weight=float(meta["weight"]),
        )
