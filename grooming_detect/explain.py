"""Highlighted spans: which words of a message drove its risk, found by occlusion.

For a message whose own risk reaches half a threshold, each word (pythainlp ``newmm`` on the normalized
text) is removed in turn and the message is re-read in the same conversation state; words whose removal
lowers the risk are kept, adjacent ones are merged, and each merged span is scored again by removing it
whole. Offsets map back to the original text through the normalizer's offset map, so a span points at
what the moderator sees, obfuscation and all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from grooming_detect.normalize import NormalizedText, normalize_text
from grooming_detect.scores import Span

__all__ = ["MAX_WORDS", "TOP_SPANS", "ReadMany", "explain_messages"]

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


ReadMany = Callable[[list[tuple[int, list[str]]]], list[np.ndarray]]
"""Groups ``(message index, variant texts)`` -> each group's step risk, in one encoder call for all of them."""


@dataclass
class _Plan:
    index: int
    norm: NormalizedText
    words: list[tuple[int, int]]
    hot: list[int]
    step: np.ndarray
    merged: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


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
    return [text[:b] + text[e:] for b, e in cuts]


def explain_messages(
    read: ReadMany,
    categories: Sequence[str],
    items: Sequence[tuple[int, str, np.ndarray]],
    thresholds: Mapping[str, float],
) -> dict[int, list[Span]]:
    """Spans (original-text offsets) of many messages, ``(index, text, own step risk)`` each, whose removal
    lowers the message's risk, most important first.

    ``read`` re-reads variant texts of each message in the conversation state before it; the scorer
    supplies it, so explanation needs no knowledge of the model (and never imports the scorer). Every
    message's word variants go to ``read`` together, then every merged span together: a transcript costs
    two encoder calls, not two per message."""
    plans = [p for i, text, step in items if (p := _plan(i, categories, text, step, thresholds)) is not None]
    out: dict[int, list[Span]] = {i: [] for i, _, _ in items}
    if not plans:
        return out
    first = read([(p.index, _without(p.norm.text, p.words)) for p in plans])
    for plan, risk in zip(plans, first, strict=True):
        drops = plan.step[None, :] - risk
        for j in plan.hot:
            order = [i for i in np.argsort(-drops[:, j]) if drops[i, j] >= MIN_DROP][:TOP_SPANS]
            merged: list[tuple[int, int]] = []
            for b, e in sorted(plan.words[i] for i in order):
                if merged and plan.norm.text[merged[-1][1] : b].strip() == "":
                    merged[-1] = (merged[-1][0], e)
                else:
                    merged.append((b, e))
            if merged:
                plan.merged[j] = merged
    groups = [(p, j) for p in plans for j in p.hot if j in p.merged]
    if not groups:
        return out
    second = read([(p.index, _without(p.norm.text, p.merged[j])) for p, j in groups])
    for (plan, j), whole in zip(groups, second, strict=True):
        for (b, e), probs in zip(plan.merged[j], whole, strict=True):
            drop = float(plan.step[j] - probs[j])
            if drop >= MIN_DROP:
                begin, end = plan.norm.to_original_span(b, e)
                out[plan.index].append(Span(begin=begin, end=end, score=min(drop, 1.0), category=categories[j]))
    return {i: sorted(spans, key=lambda s: -s.score) for i, spans in out.items()}
