"""Merging labelled data that ML engineers bring with the synthetic data: de-duplication and splits.

Reading those files (JSON Lines, CSV, Parquet) is ``grooming_detect_evaluation.labelled``; it is re-exported here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grooming_detect.normalize import normalize_text
from grooming_detect.schema import Transcript
from grooming_detect_evaluation.labelled import LABEL_KEYS, SPLITS, load_labelled

__all__ = ["LABEL_KEYS", "DedupReport", "assign_split", "load_labelled", "merge_splits", "to_records"]


# --- merging and de-duplication -------------------------------------------------------------------------


@dataclass
class DedupReport:
    """What merging removed: exact and near duplicates, per split."""

    exact: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))
    near: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))


def _canonical(record: Mapping[str, Any]) -> str:
    """Conversation text as compared for duplicates: normalized, digits and spacing ignored."""
    parts = [normalize_text(m["text"]).text.lower() for m in record["messages"]]
    return "".join("".join(ch for ch in p if not ch.isspace() and not ch.isdigit()) for p in parts)


_MERSENNE = (1 << 61) - 1
_PERMS = 64
_BANDS = 8


def _minhash(text: str, rng: np.random.Generator, a: np.ndarray, b: np.ndarray, k: int = 5) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        codes = np.pad(codes, (0, k - len(codes)))
    shingles = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    for i in range(k):  # polynomial hash of each k-gram, vectorized over positions
        shingles = shingles * np.uint64(1_000_003) + codes[i : len(codes) - k + 1 + i]
    shingles = np.unique(shingles & np.uint64((1 << 32) - 1))
    return ((np.outer(a, shingles) + b[:, None]) % np.uint64(_MERSENNE)).min(axis=1)


def merge_splits(
    parts: Iterable[Mapping[str, Sequence[Mapping[str, Any]]]],
    *,
    near_threshold: float = 0.9,
    seed: int = 0,
) -> tuple[dict[str, list[dict[str, Any]]], DedupReport]:
    """Merge split dictionaries (synthetic first), removing exact and near duplicates across splits.

    A conversation that duplicates one in an earlier split (train, then validation, then test) is
    dropped from the later split, so evaluation never scores a conversation seen in training. Exact
    duplicates inside one split are dropped too.
    """
    merged: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    for part in parts:
        for split in SPLITS:
            merged[split].extend(dict(r) for r in part.get(split, []))
    report = DedupReport()
    seen: dict[str, str] = {}
    for split in SPLITS:
        kept = []
        for record in merged[split]:
            key = hashlib.sha256(_canonical(record).encode()).hexdigest()
            if key in seen:
                report.exact[split] += 1
                continue
            seen[key] = split
            kept.append(record)
        merged[split] = kept
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _MERSENNE, size=_PERMS, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, _MERSENNE, size=_PERMS, dtype=np.uint64)
    a &= np.uint64((1 << 29) - 1)  # keep a * shingle (< 2**32) below 2**61: no uint64 overflow
    rows = _PERMS // _BANDS
    buckets: dict[tuple[int, bytes], list[tuple[str, np.ndarray]]] = {}
    for split in SPLITS:
        kept = []
        for record in merged[split]:
            sig = _minhash(_canonical(record), rng, a, b)
            bands = [(band, sig[band * rows : (band + 1) * rows].tobytes()) for band in range(_BANDS)]
            earlier = [s for band_key in bands for s_split, s in buckets.get(band_key, []) if s_split != split]
            if split != "train" and any(np.mean(sig == other) >= near_threshold for other in earlier):
                report.near[split] += 1
                continue
            for band_key in bands:
                buckets.setdefault(band_key, []).append((split, sig))
            kept.append(record)
        merged[split] = kept
    return merged, report


def assign_split(transcript_id: str, fractions: Mapping[str, float] | None = None) -> str:
    """Stable split of an external transcript without one: by a hash of its id (80 / 10 / 10)."""
    fractions = fractions or {"train": 0.8, "validation": 0.1, "test": 0.1}
    point = int(hashlib.sha256(transcript_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    total = 0.0
    for split, frac in fractions.items():
        total += frac
        if point <= total:
            return split
    return "train"


def to_records(transcripts: Iterable[Transcript]) -> dict[str, list[dict[str, Any]]]:
    """Loaded transcripts as split dictionaries of plain records, ready for :func:`merge_splits`."""
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    for t in transcripts:
        record = t.model_dump(mode="json")
        split = record["metadata"].get("split") or assign_split(t.id)
        record["metadata"]["split"] = split
        out[split].append(record)
    return out
