"""Training examples: transcripts with per-message targets, from the synthetic data plus engineers' files."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grooming_detect.model import CATEGORIES, speaker_slots
from training.config import DataConfig
from training.loaders import DedupReport, load_labelled, merge_splits, to_records
from training.synth.library import SPLITS

__all__ = ["Example", "build_examples", "load_splits"]

TACTIC_STAGES = {
    "grooming": frozenset(
        {"age_probe", "flattery", "gifts", "secrecy", "isolation", "platform_move", "photo_request", "meet_offline"}
    ),
    "sextortion": frozenset({"threat", "demand", "pressure"}),
}
"""Per category, the message stages that are its tactics (for the auxiliary per-message loss)."""


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
        tactics: per message and category, whether the message itself plays one of the category's tactics
            (T, C); known only where the data names each message's stage (the synthetic data does).
        tactics_mask: 1 where ``tactics`` is known.
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

    def speakers(self, slots: int) -> list[int]:
        return speaker_slots(self.senders, slots)


def _example(record: Mapping[str, Any]) -> Example:
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
    tactics = np.zeros_like(targets)
    tactics_mask = np.zeros_like(targets)
    stages = meta.get("stages")
    if isinstance(stages, list) and len(stages) == n:
        tactics_mask[:] = 1
        for t, stage in enumerate(stages):
            for j, category in enumerate(CATEGORIES):
                tactics[t, j] = float(stage in TACTIC_STAGES[category])
    return Example(
        id=record["id"],
        texts=[m["text"] for m in record["messages"]],
        senders=[m["sender"] for m in record["messages"]],
        labels=labels,
        targets=targets,
        mask=mask,
        alert=alert,
        meta={k: v for k, v in meta.items() if k not in ("stages", "families", "templates")},
        tactics=tactics,
        tactics_mask=tactics_mask,
    )


def _read_jsonl_records(path: Path) -> list[dict[str, Any]]:
    from grooming_detect.jsonl import read_transcripts

    return [t.model_dump(mode="json") for t in read_transcripts(path).transcripts]


def load_splits(config: DataConfig) -> tuple[dict[str, list[dict[str, Any]]], DedupReport]:
    """Synthetic splits (generated if missing) merged with ``extra_files``, de-duplicated across splits."""
    folder = Path(config.synthetic_dir)
    if not all((folder / f"{s}.jsonl").is_file() for s in SPLITS):
        import datasets

        from training.synth.dataset import write_dataset
        from training.synth.generator import generate

        datasets.disable_progress_bars()
        write_dataset(generate(config.synthetic_n, config.synthetic_seed), folder)
    parts: list[Mapping[str, Sequence[dict[str, Any]]]] = [
        {s: _read_jsonl_records(folder / f"{s}.jsonl") for s in SPLITS}
    ]
    for path in config.extra_files:
        parts.append(to_records(load_labelled(path)))
    return merge_splits(parts)


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
    caps = {"train": config.max_train, "validation": config.max_validation, "test": config.max_test}
    return {s: [_example(r) for r in _stratified_sample(list(splits[s]), caps[s], seed)] for s in SPLITS}
