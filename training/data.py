"""Training examples: transcripts with per-message targets, from the synthetic data plus engineers' files."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grooming_detect.conversation import speaker_slots
from grooming_detect.model import CATEGORIES
from grooming_detect.tactics import ROLE_INDEX, TACTICS
from grooming_detect_training.config import DataConfig
from grooming_detect_training.loaders import DedupReport, load_labelled, merge_splits, to_records
from grooming_detect_training.synth.library import SPLITS

__all__ = ["OOD_SPLITS", "Example", "build_examples", "load_splits", "written_splits"]

STAGE_TACTICS = {
    **{t: t for t in ("age_probe", "flattery", "gifts", "secrecy", "isolation", "platform_move")},
    **{t: t for t in ("photo_request", "meet_offline", "threat", "demand")},
    "pressure": "deadline",
}
"""Template stages that are a tactic of the taxonomy (``grooming_detect.tactics``), by stage name."""
UNLABELLED_IN_TEMPLATES = frozenset({"alone_check", "image_claim"})
"""Tactics the template stages do not name (a templated threat may also claim to hold images): unknown there."""


@dataclass
class Example:
    """One conversation ready for training or evaluation.

    Attributes:
        id: transcript id.
        texts: message texts.
        senders: sender ids.
        labels: conversation label per category (C,).
        targets: per-message target per category (T, C): 0 before the category's alert, 1 from it on.
        mask: which targets are known (T, C): for a positive conversation without ``alert_at`` only the
            last message is known to be risky.
        alert: first alert index per category (-1 when negative or unknown).
        meta: tags for slicing (scenario, hard_negative, dialect, ...).
        tactics: per message and tactic (T, K), whether the message plays it (``grooming_detect.tactics``);
            from the written corpus's labels, or from the template stage of a synthetic message.
        tactics_mask: 1 where ``tactics`` is known (T, K).
        roles: ``Message.role`` of each message as ``ROLE_INDEX`` (0 unknown).
    """

    id: str
    texts: list[str]
    senders: list[str]
    labels: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    alert: np.ndarray
    meta: dict[str, Any]
    tactics: np.ndarray
    tactics_mask: np.ndarray
    roles: list[int]

    def speakers(self, slots: int) -> list[int]:
        return speaker_slots(self.senders, slots)


def _example(record: Mapping[str, Any], template_tactics: bool = True) -> Example:
    meta = dict(record["metadata"])
    n = len(record["messages"])
    labels = np.array([int(meta.get(c) or 0) for c in CATEGORIES], dtype=np.float32)
    targets = np.zeros((n, len(CATEGORIES)), dtype=np.float32)
    mask = np.ones_like(targets)
    alert = np.full(len(CATEGORIES), -1, dtype=np.int64)
    for j, category in enumerate(CATEGORIES):
        if not labels[j]:
            continue
        at = meta.get(f"alert_at_{category}", meta.get("alert_at"))
        if at is None:
            mask[:-1, j] = 0
            targets[-1, j] = 1
            continue
        alert[j] = int(at)
        targets[int(at) :, j] = 1
    tactics = np.zeros((n, len(TACTICS)), dtype=np.float32)
    tactics_mask = np.zeros_like(tactics)
    written, stages = meta.get("tactics"), meta.get("stages")
    if isinstance(written, list) and len(written) == n:
        tactics_mask[:] = 1
        for t, tags in enumerate(written):
            for tag in tags:
                tactics[t, TACTICS.index(tag)] = 1.0
    elif isinstance(stages, list) and len(stages) == n and template_tactics:
        tactics_mask[:] = 1
        for tactic in UNLABELLED_IN_TEMPLATES:
            tactics_mask[:, TACTICS.index(tactic)] = 0
        for t, stage in enumerate(stages):
            if stage in STAGE_TACTICS:
                tactics[t, TACTICS.index(STAGE_TACTICS[stage])] = 1.0
    return Example(
        id=record["id"],
        texts=[m["text"] for m in record["messages"]],
        senders=[m["sender"] for m in record["messages"]],
        labels=labels,
        targets=targets,
        mask=mask,
        alert=alert,
        meta={k: v for k, v in meta.items() if k not in ("stages", "families", "templates", "tactics")},
        tactics=tactics,
        tactics_mask=tactics_mask,
        roles=[ROLE_INDEX.get(str(m.get("role") or "unknown"), 0) for m in record["messages"]],
    )


def _read_jsonl_records(path: Path) -> list[dict[str, Any]]:
    from grooming_detect.jsonl import read_transcripts

    return [t.model_dump(mode="json") for t in read_transcripts(path).transcripts]


def load_splits(config: DataConfig) -> tuple[dict[str, list[dict[str, Any]]], DedupReport]:
    """Template splits, the written corpus and ``extra_files``, de-duplicated across splits; OOD sets apart.

    The written corpus trains except a hashed ``written_validation`` share. The out-of-distribution sets
    (``ood_dev``, ``ood_test``) come back as splits of their own, never merged into training.
    """
    folder = Path(config.synthetic_dir)
    if not all((folder / f"{s}.jsonl").is_file() for s in SPLITS):
        import datasets

        from grooming_detect_training.synth.dataset import write_dataset
        from grooming_detect_training.synth.generator import generate

        datasets.disable_progress_bars()
        write_dataset(generate(config.synthetic_n, config.synthetic_seed), folder)
    templates = {s: _read_jsonl_records(folder / f"{s}.jsonl") for s in SPLITS}
    if not config.templates:  # the ablation without templates still reports on their test split
        templates = {"train": [], "validation": [], "test": templates["test"]}
    parts: list[Mapping[str, Sequence[dict[str, Any]]]] = [templates]
    if config.written_dirs:
        parts.append(written_splits([Path(p) for p in config.written_dirs], config.written_validation))
    for path in config.extra_files:
        parts.append(to_records(load_labelled(path)))
    splits, report = merge_splits(parts)
    if config.ood_dir:
        from grooming_detect_evaluation.chats import ood_records

        for name in OOD_SPLITS:
            records = ood_records(name, Path(config.ood_dir))
            if records:
                splits[name] = records
    return splits, report


OOD_SPLITS = ("ood_dev", "ood_test")


def written_splits(folders: Sequence[Path], validation: float) -> dict[str, list[dict[str, Any]]]:
    """The free-written corpus as train / validation records; a conversation's split is a hash of its id."""
    from grooming_detect_evaluation.chats import load_chats, to_record

    out: dict[str, list[dict[str, Any]]] = {"train": [], "validation": []}
    for chat in load_chats([f for f in folders if f.is_dir()]):
        bucket = int(hashlib.sha256(chat.id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        out["validation" if bucket < validation else "train"].append(to_record(chat, "written"))
    return out


def _stratified_sample(records: list[dict[str, Any]], cap: int, seed: int) -> list[dict[str, Any]]:
    """At most ``cap`` records keeping the share of each (label, scenario) stratum."""
    if not cap or len(records) <= cap:
        return records
    strata: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        m = r["metadata"]
        strata[(int(m.get("grooming") or 0), int(m.get("sextortion") or 0), m.get("scenario"))].append(r)
    rng = random.Random(seed)
    out = []
    for key in sorted(strata, key=str):
        group = strata[key]
        take = max(1, round(cap * len(group) / len(records)))
        out.extend(rng.sample(group, min(take, len(group))))
    rng.shuffle(out)
    return out[:cap]


def build_examples(
    splits: Mapping[str, list[dict[str, Any]]], config: DataConfig, seed: int
) -> dict[str, list[Example]]:
    """Examples per split. The caps apply to template conversations only: every written one is kept.

    Training also gets the counterfactual copies (``config.counterfactual``) and hides roles in a
    ``config.role_dropout`` share of its conversations. Every other split is read with roles hidden, as
    most callers send them (``unknown``), so that its figures are what those callers get.
    """
    caps = {"train": config.max_train, "validation": config.max_validation, "test": config.max_test}
    out: dict[str, list[Example]] = {}
    for split, records in splits.items():
        written = [r for r in records if r["metadata"].get("source") == "written"]
        other = [r for r in records if r["metadata"].get("source") != "written"]
        chosen = _stratified_sample(other, caps.get(split, 0), seed) + written
        if split == "train":
            from grooming_detect_training.augment import counterfactuals

            chosen = chosen + counterfactuals(chosen, config.counterfactual, seed)
        # written labels (the corpus and the OOD sets) are always known; template stages only when asked
        out[split] = [_example(r, config.template_tactics) for r in chosen]
    rng = random.Random(f"{seed}:roles")
    for split, examples in out.items():
        for ex in examples:
            if split != "train" or rng.random() < config.role_dropout:
                ex.roles = [0] * len(ex.roles)
    return out
