"""Dataset card: the figures a reader needs to trust (or distrust) a generated dataset."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from grooming_detect_training.synth.library import Library
from grooming_detect_training.synth.safety import CONTENT_RULE

__all__ = ["dataset_stats", "render_card"]


def _label(meta: Mapping[str, Any]) -> str:
    g, s = meta["grooming"], meta["sextortion"]
    return "grooming+sextortion" if g and s else "grooming" if g else "sextortion" if s else "benign"


def dataset_stats(splits: Mapping[str, Sequence[Mapping[str, Any]]], lib: Library) -> dict[str, Any]:
    """Counts per split, label, scenario, dialect, script, obfuscation; template statistics."""
    stats: dict[str, Any] = {"splits": {}, "templates": {}}
    template_uses: Counter[str] = Counter()
    total_messages = 0
    for split, rows in splits.items():
        metas = [r["metadata"] for r in rows]
        n_msgs = sum(len(r["messages"]) for r in rows)
        total_messages += n_msgs
        for m in metas:
            template_uses.update(m["templates"])
        stats["splits"][split] = {
            "transcripts": len(rows),
            "messages": n_msgs,
            "label": dict(sorted(Counter(_label(m) for m in metas).items())),
            "scenario": dict(sorted(Counter(m["scenario"] for m in metas).items())),
            "dialect": dict(sorted(Counter(m["dialect"] for m in metas).items())),
            "script": dict(sorted(Counter(m["script"] for m in metas).items())),
            "obfuscated": sum(bool(m["obfuscated"]) for m in metas),
            "hard_negative": sum(bool(m["hard_negative"]) for m in metas),
            "identity_terms": dict(sorted(Counter(t for m in metas for t in m["identity_terms"]).items())),
            "families_used": len({f for m in metas for f in m["families"]}),
        }
    per_stage = {
        name: {"templates": sum(len(v) for v in stage.families.values()), "families": len(stage.families)}
        for name, stage in sorted(lib.stages.items())
    }
    top, top_count = template_uses.most_common(1)[0] if template_uses else ("", 0)
    stats["templates"] = {
        "stages": per_stage,
        "total_templates": sum(len(v) for v in lib.templates.values()),
        "total_families": len(lib.templates),
        "distinct_templates_used": len(template_uses),
        "max_template_share": round(top_count / max(total_messages, 1), 5),
        "most_used_template": top,
        "families_per_split": {
            split: sum(split in splits for splits in lib.splits_of.values())
            for split in ("train", "validation", "test")
        },
        "families_shared_by_validation_and_test": sum(
            splits == {"validation", "test"} for splits in lib.splits_of.values()
        ),
    }
    return stats


def _table(counts: Mapping[str, Mapping[str, Any]], key: str) -> list[str]:
    names = sorted({k for split in counts.values() for k in split[key]})
    lines = [f"| {key} | " + " | ".join(counts) + " |", "|---|" + "---:|" * len(counts)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(str(split[key].get(name, 0)) for split in counts.values()) + " |")
    return lines


def render_card(stats: Mapping[str, Any], *, n: int, seed: int) -> str:
    """Markdown dataset card (Hugging Face style) with every figure from ``stats``."""
    splits = stats["splits"]
    t = stats["templates"]
    lines = [
        "# grooming-detect synthetic Thai chat dataset",
        "",
        f"Generated with `grooming-detect data generate --n {n} --seed {seed}`. The same command and seed "
        "produce the same bytes.",
        "",
        "## Content rule",
        "",
        CONTENT_RULE,
        "",
        "## Intended use",
        "",
        "Training and evaluating models that help human moderators prioritise Thai conversations for review. "
        "It is synthetic: it shows tactics as documented in research, in phrasings written for this project; "
        "real conversations are more varied, and figures measured on it are an upper bound on real-world quality.",
        "",
        "## Labels",
        "",
        "- `grooming`, `sextortion`: conversation labels (multi-label; benign is neither).",
        "- `alert_at`: index of the first message at which a careful moderator would already be worried: the "
        "first secrecy, isolation, private-photo, meeting, threat, demand or pressure message, or the second "
        "distinct weak tactic (age probing, flattery, gifts, moving to a private app) from the same sender. "
        "`alert_at_grooming` and `alert_at_sextortion` give it per label.",
        "- per message: `stages` (the stage each message plays) and `families` / `templates` (provenance).",
        "- tags: `scenario`, `setting`, `dialect`, `script` (thai / mixed / romanized), `particles` (speaker A, B),"
        " `identity_terms`, `obfuscated`, `hard_negative`.",
        "",
        "## Splits",
        "",
        "Splits are conversation disjoint and **template-family disjoint from training**: a template family (one "
        "idea and its paraphrases) used in training is never used in validation or test, so test phrasings were "
        "never seen in training. "
        + (
            "Where a stage has only two families, validation and test share the held-out one "
            f"({t['families_shared_by_validation_and_test']} families), so that validation, which picks checkpoints "
            "and thresholds, also reads unseen phrasings."
            if t["families_shared_by_validation_and_test"]
            else "Every stage has at least three families, so validation and test never share one either."
        ),
        "",
        "| split | transcripts | messages | obfuscated | hard negatives | families used |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in splits.items():
        lines.append(
            f"| {name} | {s['transcripts']} | {s['messages']} | {s['obfuscated']} | {s['hard_negative']} "
            f"| {s['families_used']} |"
        )
    for key in ("label", "scenario", "dialect", "script", "identity_terms"):
        lines += ["", f"### By {key}", "", *_table(splits, key)]
    lines += [
        "",
        "## Templates",
        "",
        f"- {t['total_templates']} templates in {t['total_families']} families; families per split: "
        f"{json.dumps(t['families_per_split'])}.",
        f"- {t['distinct_templates_used']} distinct templates used; the most used template "
        f"(`{t['most_used_template']}`) accounts for {100 * t['max_template_share']:.2f}% of all messages.",
        "",
        "| stage | templates | families |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {v['templates']} | {v['families']} |" for name, v in t["stages"].items()]
    return "\n".join(lines) + "\n"
