"""Highlighted spans: what each span method costs and how well its highlights explain the risk.

Run ``python benchmarks/bench_spans.py [--chats 80] [--split ood_test]``. On the risky chats of a written
evaluation split (nothing is tuned on ``ood_test``), for ``span_method="fast"`` and ``"exhaustive"``:

- cost: scoring time with spans over scoring time without them, in the same run (issue 14: fast <= 2x);
- coverage: messages that get spans;
- overlap: of the messages exhaustive explains, the share where a fast span overlaps exhaustive's top span;
- comprehensiveness (ERASER, DeYoung et al. 2020): how much a message's own risk falls when its top
  category's spans are all removed from the original text and the chat is scored again, and how much of
  the message's text they cover (a method that highlights everything would score well on the first alone).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from common import print_figures

from grooming_detect import Message, RiskScorer, Transcript
from grooming_detect.explain import SPAN_METHODS
from grooming_detect.scores import Span, TranscriptScore
from grooming_detect_evaluation.chats import ood_records


def _chats(split: str, n: int) -> list[Transcript]:
    records = [r for r in ood_records(split) if max(r["metadata"][c] for c in ("grooming", "sextortion"))][:n]
    return [
        Transcript(id=r["id"], messages=[Message(sender=m["sender"], text=m["text"]) for m in r["messages"]])
        for r in records
    ]


def _without(text: str, spans: Sequence[Span]) -> str:
    kept, start = [], 0
    for span in sorted(spans, key=lambda s: s.begin):
        kept.append(text[start : span.begin])
        start = max(start, span.end)
    return "".join(kept) + text[start:]


def _comprehensiveness(
    scorer: RiskScorer, chats: list[Transcript], results: list[TranscriptScore]
) -> tuple[float, float]:
    """Mean drop of a message's own risk with its top category's spans removed, and the mean share of text."""
    edited, drops, shares = [], [], []
    for chat, result in zip(chats, results, strict=True):
        for score in result.messages:
            if not score.spans:
                continue
            category = score.spans[0].category
            spans = [s for s in score.spans if s.category == category]
            text = chat.messages[score.index].text
            messages = list(chat.messages)
            messages[score.index] = Message(sender=messages[score.index].sender, text=_without(text, spans))
            edited.append((Transcript(id=chat.id, messages=messages), score.index, category, score.step_scores))
            shares.append(sum(s.end - s.begin for s in spans) / max(len(text), 1))
    again = scorer.score_batch([t for t, _, _, _ in edited])
    for (_, index, category, before), result in zip(edited, again, strict=True):
        drops.append(before[category] - result.messages[index].step_scores[category])
    return statistics.fmean(drops or [0.0]), statistics.fmean(shares or [0.0])


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--split", default="ood_test")
    parser.add_argument("--chats", type=int, default=80)
    args = parser.parse_args(argv)
    scorer = RiskScorer.from_pretrained(args.model)
    chats = _chats(args.split, args.chats)
    scorer.score_batch(chats[:2], return_spans=True)  # warm up
    results: dict[str, float] = {}
    start = time.perf_counter()
    for chat in chats:
        scorer.score(chat)
    plain = time.perf_counter() - start
    answers: dict[str, list[TranscriptScore]] = {}
    for method in SPAN_METHODS:
        start = time.perf_counter()
        answers[method] = [scorer.score(chat, return_spans=True, span_method=method) for chat in chats]
        results[f"{method}_cost_vs_no_spans"] = (time.perf_counter() - start) / plain
        results[f"{method}_messages_with_spans"] = sum(bool(m.spans) for r in answers[method] for m in r.messages)
        drop, share = _comprehensiveness(scorer, chats, answers[method])
        results[f"{method}_comprehensiveness"] = drop
        results[f"{method}_highlighted_share"] = share
    hits = total = 0
    for fast, exhaustive in zip(answers["fast"], answers["exhaustive"], strict=True):
        for f, e in zip(fast.messages, exhaustive.messages, strict=True):
            if e.spans:
                top = e.spans[0]
                total += 1
                hits += any(s.begin < top.end and top.begin < s.end for s in f.spans)
    results["fast_overlaps_exhaustive_top_span"] = hits / max(total, 1)
    results["chats"] = len(chats)
    return print_figures(results, digits=3)


if __name__ == "__main__":
    main()
