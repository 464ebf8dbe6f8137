"""Highlighted spans: which words of a message drove its risk, found by occlusion.

For a message whose own risk reaches half a threshold, candidate words (pythainlp ``newmm`` on the
normalized text) are removed and the message is re-read in the same conversation state; a span is kept
when its removal lowers the risk, and its score is that drop. Candidates come from one of two places:

- ``fast`` (the default): the lexical tactic tagger says which words look like the message's likeliest
  tactic (``LexicalTagger.char_weights``, no encoder cost); the best of them, adjacent ones merged, are
  verified by one occlusion of them all, whose drop is split between them by their tactic weight. A
  message with no tactic-like words is cut into a few chunks of words, each removed once.
- ``exhaustive``: every word is removed in turn, the words whose removal lowers the risk most are merged
  and each merged span is verified again (two rounds, one encoding per word); ``explain`` uses it.

Every message's variants go to the encoder together, round by round. Offsets map back to the original text
through the normalizer's offset map, so a span points at what the moderator sees, obfuscation and all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from grooming_detect.normalize import NormalizedText, normalize_text
from grooming_detect.scores import Span

__all__ = ["CHUNKS", "MAX_WORDS", "SPAN_METHODS", "TOP_SPANS", "ReadMany", "SpanMethod", "Weigh", "explain_messages"]

MAX_WORDS = 48
"""Words tried per message (the rest of a very long message is not explained)."""
TOP_SPANS = 3
MIN_DROP = 0.01
CHUNKS = 2
"""Chunks of words a message without tactic-like words is cut into (``fast``)."""
SpanMethod = Literal["fast", "exhaustive"]
SPAN_METHODS: tuple[SpanMethod, ...] = ("fast", "exhaustive")


def _words(normalized: str) -> list[tuple[int, int]]:
    from pythainlp.tokenize import word_tokenize

    spans, pos = [], 0
    for token in word_tokenize(normalized, engine="newmm", keep_whitespace=True):
        if token.strip():
            spans.append((pos, pos + len(token)))
        pos += len(token)
    return spans


ReadMany = Callable[[list[tuple[int, list[str]]]], list[np.ndarray]]
"""Groups ``(message index, variant texts)`` -> each group's step risk, in one encoder call for all of them."""
Weigh = Callable[[str], "np.ndarray | None"]
"""A normalized text -> how tactic-like each of its characters is (positive: more), or None when unknown."""


@dataclass
class _Plan:
    index: int
    norm: NormalizedText
    words: list[tuple[int, int]]
    hot: list[int]
    step: np.ndarray
    merged: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    shares: list[float] | None = None
    """Set when the candidates are verified together (``fast``): each span's share of the joint drop."""


def _plan(
    index: int, categories: Sequence[str], text: str, step: np.ndarray, thresholds: Mapping[str, float]
) -> _Plan | None:
    hot = [j for j, c in enumerate(categories) if step[j] >= thresholds[c] / 2]
    if not hot or not text.strip():
        return None
    norm = normalize_text(text)
    words = _words(norm.text)[:MAX_WORDS]
    return _Plan(index, norm, words, hot, step) if words else None


def _without(text: str, cuts: Sequence[tuple[int, int]]) -> list[str]:
    """One variant per cut: the text with that cut removed."""
    return [text[:b] + text[e:] for b, e in cuts]


def _variants(plan: _Plan, cuts: Sequence[tuple[int, int]]) -> list[str]:
    """The texts to read back: one per cut, or (candidates verified together) one with every cut removed."""
    if plan.shares is None:
        return _without(plan.norm.text, cuts)
    text, kept = plan.norm.text, []
    start = 0
    for b, e in sorted(cuts):
        kept.append(text[start:b])
        start = e
    kept.append(text[start:])
    return ["".join(kept)]


def _merge(text: str, cuts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted cuts with only whitespace (or nothing: Thai) between them joined into one span."""
    merged: list[tuple[int, int]] = []
    for b, e in sorted(cuts):
        if merged and text[merged[-1][1] : b].strip() == "":
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((b, e))
    return merged


def _tactic_words(plan: _Plan, weigh: Weigh | None) -> tuple[list[tuple[int, int]], list[float]]:
    """The ``TOP_SPANS`` words that add most to the message's likeliest tactic, merged, with each merged
    span's share of their weight; empty if none."""
    weights = weigh(plan.norm.text) if weigh is not None else None
    if weights is None:
        return [], []
    scored = [(float(weights[b:e].sum()), (b, e)) for b, e in plan.words]
    best = sorted((item for item in scored if item[0] > 0), key=lambda item: -item[0])[:TOP_SPANS]
    merged = _merge(plan.norm.text, [cut for _, cut in best])
    mass = [sum(w for w, (b, e) in best if begin <= b and e <= end) for begin, end in merged]
    return merged, [m / sum(mass) for m in mass]


def _chunks(words: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The words cut into at most ``CHUNKS`` runs of neighbours, each one span."""
    size = -(-len(words) // CHUNKS)
    return [(words[i][0], words[min(i + size, len(words)) - 1][1]) for i in range(0, len(words), size)]


def explain_messages(
    read: ReadMany,
    categories: Sequence[str],
    items: Sequence[tuple[int, str, np.ndarray]],
    thresholds: Mapping[str, float],
    *,
    method: SpanMethod = "fast",
    weigh: Weigh | None = None,
) -> dict[int, list[Span]]:
    """Spans (original-text offsets) of many messages, ``(index, text, own step risk)`` each, whose removal
    lowers the message's risk, most important first.

    ``read`` re-reads variant texts of each message in the conversation state before it, and ``weigh``
    (``fast``) scores characters by how tactic-like they are; the scorer supplies both, so explanation needs
    no knowledge of the model (and never imports the scorer)."""
    if method not in SPAN_METHODS:
        raise ValueError(f"unknown span method {method!r}; known: {', '.join(SPAN_METHODS)}")
    plans = [p for i, text, step in items if (p := _plan(i, categories, text, step, thresholds)) is not None]
    out: dict[int, list[Span]] = {i: [] for i, _, _ in items}
    if not plans:
        return out
    if method == "exhaustive":
        _exhaustive_candidates(read, plans)
    else:
        for plan in plans:
            words, plan.shares = _tactic_words(plan, weigh)
            if not words:
                words, plan.shares = _chunks(plan.words), None
            plan.merged = dict.fromkeys(plan.hot, words)
    groups = [(p, j) for p in plans for j in p.hot if j in p.merged]
    by_index = {p.index: p for p in plans}
    keys = sorted({(p.index, tuple(p.merged[j])) for p, j in groups})  # categories sharing candidates share a read
    variants = [(i, _variants(by_index[i], list(cuts))) for i, cuts in keys]
    answers = read(variants) if keys else []
    risks = dict(zip(keys, answers, strict=True))
    for plan, j in groups:
        read_back = risks[(plan.index, tuple(plan.merged[j]))]
        if plan.shares is None:
            drops = [float(plan.step[j] - probs[j]) for probs in read_back]
        else:  # one occlusion of them all: the joint drop, split by the spans' tactic weight
            drops = [float(plan.step[j] - read_back[0][j]) * share for share in plan.shares]
        for (b, e), drop in zip(plan.merged[j], drops, strict=True):
            if drop >= MIN_DROP:
                begin, end = plan.norm.to_original_span(b, e)
                out[plan.index].append(Span(begin=begin, end=end, score=min(drop, 1.0), category=categories[j]))
    return {i: sorted(spans, key=lambda s: -s.score) for i, spans in out.items()}


def _exhaustive_candidates(read: ReadMany, plans: Sequence[_Plan]) -> None:
    """Every word removed in turn; per hot category, the words whose removal lowers the risk most, merged."""
    first = read([(p.index, _without(p.norm.text, p.words)) for p in plans])
    for plan, risk in zip(plans, first, strict=True):
        drops = plan.step[None, :] - risk
        for j in plan.hot:
            order = [i for i in np.argsort(-drops[:, j]) if drops[i, j] >= MIN_DROP][:TOP_SPANS]
            merged = _merge(plan.norm.text, [plan.words[i] for i in order])
            if merged:
                plan.merged[j] = merged
