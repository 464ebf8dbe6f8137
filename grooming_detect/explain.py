"""Highlighted spans: which words of a message drove its risk, found by occlusion.

For a message whose own risk reaches half a threshold, each word (pythainlp ``newmm`` on the normalized
text) is removed in turn and the message is re-read in the same conversation state; words whose removal
lowers the risk are kept, adjacent ones are merged, and each merged span is scored again by removing it
whole. Offsets map back to the original text through the normalizer's offset map, so a span points at
what the moderator sees, obfuscation and all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from grooming_detect.normalize import normalize_text
from grooming_detect.scores import Span

__all__ = ["MAX_WORDS", "TOP_SPANS", "ReadVariants", "explain_message"]

ReadVariants = Callable[[list[str]], np.ndarray]
"""Variant texts of one message -> their step risk (n, categories), each read in the same conversation state.
The scorer supplies it, so that explanation needs no knowledge of the model (and never imports the scorer)."""

MAX_WORDS = 48
"""Words tried per message (the rest of a very long message is not explained)."""
TOP_SPANS = 3
MIN_DROP = 0.01


def _words(normalized: str) -> list[tuple[int, int]]:
    from pythainlp.tokenize import word_tokenize

    spans, pos = [], 0
    for token in word_tokenize(normalized, engine="newmm", keep_whitespace=True):
        if token.strip():
            spans.append((pos, pos + len(token)))
        pos += len(token)
    return spans


def explain_message(
    read: ReadVariants,
    categories: Sequence[str],
    text: str,
    step: np.ndarray,
    thresholds: Mapping[str, float],
) -> list[Span]:
    """Spans (original-text offsets) whose removal lowers the message's risk, most important first.

    ``step`` is the message's own step risk per category, ``read`` re-reads variants of it (see
    :data:`ReadVariants`).
    """
    hot = [j for j, c in enumerate(categories) if step[j] >= thresholds[c] / 2]
    if not hot or not text.strip():
        return []
    norm = normalize_text(text)
    words = _words(norm.text)[:MAX_WORDS]
    if not words:
        return []
    variants = [norm.text[:b] + norm.text[e:] for b, e in words]
    drops = step[None, :] - read(variants)
    spans: list[Span] = []
    for j in hot:
        order = [i for i in np.argsort(-drops[:, j]) if drops[i, j] >= MIN_DROP][:TOP_SPANS]
        merged: list[tuple[int, int]] = []
        for b, e in sorted(words[i] for i in order):
            if merged and norm.text[merged[-1][1] : b].strip() == "":
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((b, e))
        if not merged:
            continue
        whole = read([norm.text[:b] + norm.text[e:] for b, e in merged])
        for (b, e), probs in zip(merged, whole, strict=True):
            drop = float(step[j] - probs[j])
            if drop >= MIN_DROP:
                begin, end = norm.to_original_span(b, e)
                spans.append(Span(begin=begin, end=end, score=min(drop, 1.0), category=categories[j]))
    return sorted(spans, key=lambda s: -s.score)
