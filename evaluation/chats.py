"""Written chats: the schema of the free-written corpus and of the out-of-distribution sets, loading,
near-duplicate detection, n-gram overlap between sources, and diversity figures.

Each conversation was written one by one by a helper with its own brief (see the dataset cards), one
JSON object per line. The same schema serves the training corpus (``training/corpus/written``) and the
evaluation sets (``evaluation/data/ood_dev``, ``ood_test``), so that a model is trained and selected on
the same kind of record. Errors name the file, line and field, never the message text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from grooming_detect.jsonl import format_validation_error
from grooming_detect.model import CATEGORIES
from grooming_detect.normalize import normalize_text
from grooming_detect.tactics import CATEGORY_TACTICS, TACTICS

__all__ = [
    "OOD_DIR",
    "ChatMessage",
    "ChatRecord",
    "ChatSetError",
    "diversity",
    "load_chats",
    "near_duplicates",
    "ngram_overlap",
    "ood_records",
    "to_record",
]

OOD_DIR = Path(__file__).resolve().parent / "data"
"""Holds ``ood_dev/`` and ``ood_test/``, one sub-folder per writer."""

Label = Literal["grooming", "sextortion", "both", "benign"]
Platform = Literal[
    "line",
    "facebook",
    "messenger",
    "tiktok",
    "instagram",
    "discord",
    "roblox",
    "freefire",
    "rov",
    "random_chat",
    "school_group",
    "game_other",
    "sms",
    "other",
]
_SNAKE = r"^[a-z0-9][a-z0-9_]*$"


class ChatMessage(BaseModel):
    """One written message with the tactics it plays."""

    model_config = ConfigDict(extra="forbid")

    sender: str = Field(min_length=1, max_length=256)
    role: Literal["adult", "minor", "unknown"]
    text: str = Field(min_length=1, max_length=4000)
    tactics: list[str] = Field(default_factory=list)

    @field_validator("tactics")
    @classmethod
    def _known(cls, tactics: list[str]) -> list[str]:
        unknown = sorted(set(tactics) - set(TACTICS))
        if unknown:
            raise ValueError(f"unknown tactics {unknown}; known: {', '.join(TACTICS)}")
        return sorted(set(tactics), key=TACTICS.index)


class ChatRecord(BaseModel):
    """One written conversation with its label, first-worry index and the facets that make sets diverse."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=128)
    label: Label
    hard_negative: bool
    scenario: str = Field(pattern=_SNAKE, max_length=120)
    platform: Platform
    relationship: str = Field(pattern=_SNAKE, max_length=80)
    pace: Literal["fast", "slow"]
    wording: str = Field(pattern=_SNAKE, max_length=40)
    dialect: Literal["central", "isan", "northern", "southern"]
    script: Literal["thai", "code_mixed", "romanized"]
    alert_at: int | None
    messages: list[ChatMessage] = Field(min_length=3, max_length=80)

    @model_validator(mode="after")
    def _consistent(self) -> ChatRecord:
        if len({m.sender for m in self.messages}) < 2:
            raise ValueError("a conversation needs at least two senders")
        if self.label == "benign":
            if self.alert_at is not None:
                raise ValueError("a benign conversation has alert_at null")
        else:
            if self.hard_negative:
                raise ValueError("hard_negative is for benign conversations only")
            if self.alert_at is None or not 0 <= self.alert_at < len(self.messages):
                raise ValueError("a risky conversation needs alert_at, the index of a message")
            if not self.messages[self.alert_at].tactics:
                raise ValueError("the alert_at message carries no tactic")
        return self

    def category_alerts(self) -> dict[str, int | None]:
        """First-worry index per category; for ``both``, sextortion starts at its first extortion tactic."""
        out: dict[str, int | None] = dict.fromkeys(CATEGORIES)
        if self.label in ("grooming", "sextortion"):
            out[self.label] = self.alert_at
        elif self.label == "both":
            out["grooming"] = self.alert_at
            assert self.alert_at is not None
            extortion = CATEGORY_TACTICS["sextortion"]
            later = [i for i, m in enumerate(self.messages) if i >= self.alert_at and extortion & set(m.tactics)]
            out["sextortion"] = later[0] if later else len(self.messages) - 1
        return out


class ChatSetError(ValueError):
    """A chat file breaks the schema; the message lists file:line and field for every bad record."""


def load_chats(paths: Path | Iterable[Path]) -> list[ChatRecord]:
    """Every record of the ``*.jsonl`` files under ``paths`` (sorted), validated; ids must be unique."""
    files: list[Path] = []
    for path in [paths] if isinstance(paths, Path) else list(paths):
        files.extend(sorted(path.rglob("*.jsonl")) if path.is_dir() else [path])
    records: list[ChatRecord] = []
    errors: list[str] = []
    seen: set[str] = set()
    for file in files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = ChatRecord.model_validate(json.loads(line))
            except json.JSONDecodeError as exc:
                errors.append(f"{file}:{n}: not JSON ({exc.msg} at column {exc.colno})")
                continue
            except ValidationError as exc:
                errors.append(f"{file}:{n}: {format_validation_error(exc)}")
                continue
            if record.id in seen:
                errors.append(f"{file}:{n}: duplicate id {record.id!r}")
            seen.add(record.id)
            records.append(record)
    if errors:
        shown = "\n".join(errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise ChatSetError(f"{len(errors)} invalid chat records:\n{shown}{more}")
    return records


def to_record(chat: ChatRecord, source: str) -> dict[str, Any]:
    """The transcript record the rest of the project reads (labels and tags in ``metadata``)."""
    alerts = chat.category_alerts()
    metadata: dict[str, Any] = {
        "source": source,
        "writer": chat.id.split("-")[0],
        "label": chat.label,
        "hard_negative": chat.hard_negative,
        "scenario": chat.scenario,
        "platform": chat.platform,
        "relationship": chat.relationship,
        "pace": chat.pace,
        "wording": chat.wording,
        "dialect": chat.dialect,
        "script": chat.script,
        "alert_at": chat.alert_at,
        "tactics": [list(m.tactics) for m in chat.messages],
    }
    for category, at in alerts.items():
        metadata[category] = int(at is not None)
        metadata[f"alert_at_{category}"] = at
    return {
        "id": chat.id,
        "messages": [{"sender": m.sender, "text": m.text, "role": m.role} for m in chat.messages],
        "metadata": metadata,
    }


def ood_records(name: str, folder: Path | None = None) -> list[dict[str, Any]]:
    """The ``ood_dev`` or ``ood_test`` set as transcript records (empty when the folder is absent)."""
    path = (folder or OOD_DIR) / name
    return [to_record(c, name) for c in load_chats(path)] if path.is_dir() else []


# --- duplicates, overlap, diversity ---------------------------------------------------------------------


def _text(record: Mapping[str, Any]) -> str:
    return "\n".join(normalize_text(m["text"]).text for m in record["messages"])


def _char_ngrams(text: str, n: int) -> set[str]:
    text = re.sub(r"\s+", " ", text.lower())
    return {text[i : i + n] for i in range(max(len(text) - n + 1, 1))}


def _binary_matrix(sets: Sequence[set[str]]) -> Any:
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, grams in enumerate(sets):
        for g in grams:
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
    data = np.ones(len(rows), dtype=np.float32)
    return csr_matrix((data, (rows, cols)), shape=(len(sets), max(len(vocab), 1)))


def _jaccard(a: Sequence[set[str]], b: Sequence[set[str]] | None = None) -> np.ndarray:
    """Exact Jaccard similarity of character n-gram sets, all pairs (a x b), as one sparse product."""
    both = list(a) + list(b or [])
    matrix = _binary_matrix(both)
    left, right = matrix[: len(a)], matrix[len(a) :] if b is not None else matrix
    inter = (left @ right.T).toarray()
    size_l = np.asarray(left.sum(axis=1)).ravel()
    size_r = np.asarray(right.sum(axis=1)).ravel()
    union = size_l[:, None] + size_r[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


@dataclass
class DuplicateReport:
    """Near-duplicate pairs (ids and similarity) and which ids to drop so that one of each group stays."""

    threshold: float
    pairs: list[tuple[str, str, float]] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)


def near_duplicates(records: Sequence[Mapping[str, Any]], threshold: float = 0.6, n: int = 5) -> DuplicateReport:
    """Conversations whose character ``n``-gram Jaccard similarity reaches ``threshold`` (later ones dropped)."""
    report = DuplicateReport(threshold)
    if len(records) < 2:
        return report
    sim = _jaccard([_char_ngrams(_text(r), n) for r in records])
    np.fill_diagonal(sim, 0.0)
    dropped: set[int] = set()
    for i, j in zip(*np.nonzero(np.triu(sim >= threshold)), strict=True):
        report.pairs.append((str(records[i]["id"]), str(records[j]["id"]), float(sim[i, j])))
        if i not in dropped:
            dropped.add(int(j))
    report.drop = [str(records[j]["id"]) for j in sorted(dropped)]
    return report


def _word_ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    from pythainlp.tokenize import word_tokenize

    words = [w for w in word_tokenize(text, engine="newmm") if w.strip()]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _letters(text: str) -> int:
    """Characters that are not combining marks (Thai above and below vowels, tone marks)."""
    return sum(1 for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn")


def ngram_overlap(
    target: Sequence[Mapping[str, Any]], sources: Sequence[Mapping[str, Any]], n: int = 4
) -> dict[str, float]:
    """How much of ``target`` also occurs in ``sources``: shared word ``n``-grams and per-message copies.

    ``ngram_share``: share of the target's distinct word n-grams (newmm words) found in the sources;
    ``message_copies``: share of target messages whose normalized text occurs verbatim in the sources
    (messages of under 12 letters, such as "555", "ok" or "ขอบคุณค่ะพี่", are left out: Thai vowel and tone
    marks are characters of their own, so a two-word thanks is 12 characters but 9 letters, and every writer
    types it); ``max_jaccard``: the highest character 5-gram Jaccard similarity of a target conversation to
    any source conversation.
    """
    src_grams: set[tuple[str, ...]] = set()
    src_messages: set[str] = set()
    for r in sources:
        for m in r["messages"]:
            norm = normalize_text(m["text"]).text
            src_grams |= _word_ngrams(norm, n)
            src_messages.add(norm.strip())
    tgt_grams: set[tuple[str, ...]] = set()
    copies = total = 0
    for r in target:
        for m in r["messages"]:
            norm = normalize_text(m["text"]).text
            tgt_grams |= _word_ngrams(norm, n)
            if _letters(norm.strip()) >= 12:
                total += 1
                copies += norm.strip() in src_messages
    sim = _jaccard([_char_ngrams(_text(r), 5) for r in target], [_char_ngrams(_text(r), 5) for r in sources])
    return {
        "ngram_share": len(tgt_grams & src_grams) / max(len(tgt_grams), 1),
        "message_copies": copies / max(total, 1),
        "max_jaccard": float(sim.max()) if sim.size else 0.0,
        "mean_max_jaccard": float(sim.max(axis=1).mean()) if sim.size else 0.0,
    }


def diversity(records: Sequence[Mapping[str, Any]], n: int = 3) -> dict[str, Any]:
    """Distinct word n-gram ratio, mean pairwise similarity per label, and counts per facet."""
    grams: list[tuple[str, ...]] = []
    for r in records:
        for m in r["messages"]:
            words = _word_ngrams(normalize_text(m["text"]).text, n)
            grams.extend(words)
    out: dict[str, Any] = {
        "conversations": len(records),
        "messages": sum(len(r["messages"]) for r in records),
        f"distinct_{n}gram_ratio": len(set(grams)) / max(len(grams), 1),
        "mean_pairwise_jaccard": {},
    }
    labels = Counter(str(r["metadata"]["label"]) for r in records)
    for label in sorted(labels):
        group = [r for r in records if r["metadata"]["label"] == label]
        if len(group) < 2:
            continue
        sim = _jaccard([_char_ngrams(_text(r), 5) for r in group])
        upper = sim[np.triu_indices(len(group), k=1)]
        out["mean_pairwise_jaccard"][label] = float(upper.mean())
    for facet in ("label", "platform", "relationship", "pace", "dialect", "script", "wording", "writer"):
        out[facet] = dict(Counter(str(r["metadata"].get(facet)) for r in records).most_common())
    out["hard_negatives"] = sum(bool(r["metadata"].get("hard_negative")) for r in records)
    tactic_counts: Counter[str] = Counter()
    for r in records:
        for tags in r["metadata"].get("tactics") or []:
            tactic_counts.update(tags)
    out["tactics"] = {t: tactic_counts.get(t, 0) for t in TACTICS}
    return out
