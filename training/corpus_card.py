"""Dataset cards of the free-written corpus and the OOD sets: counts, diversity, duplicates, overlap.

``grooming-detect data cards`` rewrites ``training/corpus/DATASET_CARD.md`` and
``evaluation/data/OOD_CARD.md`` from the files, so the figures there are always those of the data
committed beside them. The overlap section is the check that the OOD writers stayed apart from every
training source: shared word 4-grams, copied messages and the closest conversation pair.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grooming_detect.tactics import TACTIC_DESCRIPTIONS
from grooming_detect_evaluation.chats import OOD_DIR, diversity, load_chats, near_duplicates, ngram_overlap, to_record

__all__ = ["WRITTEN_DIR", "corpus_figures", "write_cards"]

WRITTEN_DIR = Path(__file__).resolve().parent / "corpus" / "written"
_CONTENT_RULE = (
    "Grooming and extortion appear only through documented tactics (age and school probing, checking "
    "whether the child is alone, flattery, gifts and game top-ups, secrecy, isolation, moving to a private "
    "app, asking for private photos or the camera, meeting offline, claims to hold images, threats to share, "
    "demands, deadlines). No sexually explicit text (every message is checked against the project's list of "
    "explicit terms, `grooming_detect_training.synth.safety`), no real people, accounts or numbers."
)


def _records(folder: Path, source: str) -> list[dict[str, Any]]:
    return [to_record(c, source) for c in load_chats(folder)] if folder.is_dir() else []


def _template_sample(synthetic_dir: Path | None, n: int = 1500) -> list[dict[str, Any]]:
    """A fixed sample of the template generator's training split (the overlap check's third source)."""
    path = synthetic_dir / "train.jsonl" if synthetic_dir else None
    if path is None or not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = random.Random(0).sample(lines, min(n, len(lines)))
    return [json.loads(line) for line in rows]


def corpus_figures(
    written: Path = WRITTEN_DIR, ood: Path = OOD_DIR, synthetic_dir: Path | None = None
) -> dict[str, Any]:
    """Every figure the two cards show, as one JSON-able dict."""
    from grooming_detect_training.synth.safety import find_explicit

    sets = {
        "written": _records(written, "written"),
        "ood_dev": _records(ood / "ood_dev", "ood_dev"),
        "ood_test": _records(ood / "ood_test", "ood_test"),
    }
    out: dict[str, Any] = {"sets": {}, "overlap": {}}
    for name, records in sets.items():
        figures: dict[str, Any] = diversity(records) if records else {"conversations": 0}
        dup = near_duplicates(records)
        figures["near_duplicate_pairs"] = len(dup.pairs)
        figures["near_duplicate_threshold"] = dup.threshold
        figures["explicit_term_hits"] = sum(bool(find_explicit(m["text"])) for r in records for m in r["messages"])
        out["sets"][name] = figures
    templates = _template_sample(synthetic_dir)
    sources = {"written": sets["written"], "templates": templates}
    for target in ("ood_dev", "ood_test"):
        for source, records in sources.items():
            if sets[target] and records:
                out["overlap"][f"{target} vs {source}"] = ngram_overlap(sets[target], records)
    if sets["ood_dev"] and sets["ood_test"]:
        out["overlap"]["ood_test vs ood_dev"] = ngram_overlap(sets["ood_test"], sets["ood_dev"])
    if sets["written"] and templates:
        out["overlap"]["written vs templates"] = ngram_overlap(sets["written"], templates)
    out["template_sample"] = len(templates)
    return out


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else f"{v:.3f}"
    return str(v)


def _counts(title: str, counts: Mapping[str, int]) -> list[str]:
    return [f"**{title}:** " + ", ".join(f"{k} {v}" for k, v in counts.items()), ""]


def _set_section(name: str, f: Mapping[str, Any]) -> list[str]:
    if not f.get("conversations"):
        return [f"### {name}", "", "No conversations yet.", ""]
    lines = [
        f"### {name}",
        "",
        f"{f['conversations']} conversations, {f['messages']} messages, {f['hard_negatives']} hard negatives.",
        "",
        f"- distinct word 3-gram ratio: {_fmt(f['distinct_3gram_ratio'])}",
        "- mean pairwise character 5-gram Jaccard, per label: "
        + ", ".join(f"{k} {_fmt(v)}" for k, v in f["mean_pairwise_jaccard"].items()),
        f"- near-duplicate pairs (Jaccard >= {f['near_duplicate_threshold']}): {f['near_duplicate_pairs']}",
        f"- messages with an explicit term: {f['explicit_term_hits']}",
        "",
    ]
    for facet in ("label", "writer", "platform", "pace", "dialect", "script", "wording"):
        lines += _counts(facet, f[facet])
    top = dict(list(f["relationship"].items())[:25])
    lines += _counts("relationship (25 most common)", top)
    lines += _counts("messages per tactic", f["tactics"])
    return lines


def _overlap_rows(overlap: Mapping[str, Mapping[str, float]]) -> list[str]:
    rows = [
        "| target vs source | shared word 4-grams | copied messages (12+ letters) | closest pair (Jaccard) | "
        "mean closest (Jaccard) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, o in overlap.items():
        rows.append(
            f"| {name} | {_fmt(o['ngram_share'])} | {_fmt(o['message_copies'])} | {_fmt(o['max_jaccard'])} | "
            f"{_fmt(o['mean_max_jaccard'])} |"
        )
    return rows


def _taxonomy() -> list[str]:
    return ["| tactic | meaning |", "|---|---|", *[f"| `{t}` | {d} |" for t, d in TACTIC_DESCRIPTIONS.items()], ""]


def render_cards(figures: Mapping[str, Any]) -> tuple[str, str]:
    """(training corpus card, OOD card) as markdown."""
    written = [
        "# Free-written Thai chat corpus (training)",
        "",
        "Generated by `grooming-detect data cards`; do not edit the figures by hand.",
        "",
        "## What it is",
        "",
        "Thai chat conversations written one by one, not composed from templates, by several helper writers, "
        "each from its own brief (platform, relationship, pace, wording, dialect and script mixes differ per "
        "writer; the writer is the id prefix). Labels: `grooming`, `sextortion`, `both` (grooming that turns "
        "into extortion) or `benign`; `hard_negative` marks benign chats that resemble risky ones (family, "
        "teachers and coaches, peer teens, siblings' threats, shops, adults' debts, sex education, LGBTQ teens, "
        "warnings about strangers). `alert_at` is the first message at which a careful moderator would worry. "
        "Every message carries the tactics it plays (benign ones too: a mother asking whether the child is home "
        "alone plays `alone_check`).",
        "",
        "Schema: `grooming_detect_evaluation.chats.ChatRecord`, validated at load; one conversation per line in "
        "`training/corpus/written/<writer>/part-NN.jsonl`.",
        "",
        "## Content rule",
        "",
        _CONTENT_RULE,
        "",
        "## Tactic taxonomy (`grooming_detect.tactics`)",
        "",
        *_taxonomy(),
        "## Figures",
        "",
        *_set_section("written corpus", figures["sets"]["written"]),
        "## Overlap with the template generator",
        "",
        f"Against a fixed sample of {figures['template_sample']} template training conversations.",
        "",
        *_overlap_rows({k: v for k, v in figures["overlap"].items() if k.startswith("written")}),
        "",
        "## Known gaps",
        "",
        "- Written by language-model helpers, not by Thai children or moderators: phrasing is natural chat "
        "style, but real chats are messier and their dialect vocabulary wants a native speaker's check.",
        "- Real Thai social-media text (Wisesight Sentiment, CC0) is not in the repository: the project's rule "
        "keeps fetched third-party data out of commits until it is placed under the shared data folder.",
        "",
    ]
    ood = [
        "# Out-of-distribution evaluation sets (`ood_dev`, `ood_test`)",
        "",
        "Generated by `grooming-detect data cards`; do not edit the figures by hand.",
        "",
        "Written by helper writers who worked from their own briefs, separate from the training writers' brief, "
        "and were told not to open any file of the repository: they never saw the training corpus or the "
        "template generator. `ood_dev` chooses early stopping, calibration and thresholds; `ood_test` is used "
        "for nothing but the figures the model card and the floors report. Same schema and content rule as the "
        "training corpus (`grooming_detect_evaluation.chats.ChatRecord`).",
        "",
        "## Content rule",
        "",
        _CONTENT_RULE,
        "",
        "## Overlap with the training sources",
        "",
        "Shared word 4-grams: share of the set's distinct 4-grams (newmm words, normalized text) that occur in "
        "the source. Copied messages: share of messages of 12 or more letters (Thai vowel and tone marks not "
        "counted) found verbatim in the source. "
        "Closest pair: the highest character 5-gram Jaccard similarity between a conversation of the set and "
        "any conversation of the source.",
        "",
        *_overlap_rows({k: v for k, v in figures["overlap"].items() if k.startswith("ood")}),
        "",
        "## Figures",
        "",
        *_set_section("ood_dev", figures["sets"]["ood_dev"]),
        *_set_section("ood_test", figures["sets"]["ood_test"]),
    ]
    return "\n".join(written), "\n".join(ood)


def write_cards(written: Path = WRITTEN_DIR, ood: Path = OOD_DIR, synthetic_dir: Path | None = None) -> Sequence[Path]:
    figures = corpus_figures(written, ood, synthetic_dir)
    card, ood_card = render_cards(figures)
    paths = [written.parent / "DATASET_CARD.md", ood / "OOD_CARD.md"]
    for path, text in zip(paths, (card, ood_card), strict=True):
        path.write_text(text, encoding="utf-8")
    (written.parent / "figures.json").write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    return paths
