"""Reading labelled transcripts that ML engineers and researchers bring (training data, evaluation files).

It sits in ``evaluation`` because both layers read such files and ``evaluation`` is the lower one: the
``file`` suite scores a labelled file, and ``grooming_detect_training.loaders`` merges the same files with
the synthetic data.

Accepted files:
- JSON Lines in the foundation schema (one transcript per line; labels in ``metadata``:
  ``grooming``, ``sextortion`` as 0/1 or booleans, optional ``alert_at`` message index, optional ``split``).
- CSV or Parquet with one row per message: ``conversation_id``, ``sender``, ``text`` and optionally
  ``timestamp``, ``role``, ``message_index`` (ordering; otherwise file order), and the conversation's
  ``grooming``, ``sextortion``, ``alert_at``, ``split`` repeated on its rows (they must agree).

Every error names the line or row; none quotes message text (it is children's private data).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from grooming_detect.jsonl import LineError, TranscriptFileError, format_validation_error, read_transcripts
from grooming_detect.schema import DEFAULT_LIMITS, Transcript, TranscriptLimits
from grooming_detect.scores import CATEGORIES

__all__ = ["LABEL_KEYS", "SPLITS", "load_labelled"]

SPLITS = ("train", "validation", "test")
"""The splits a labelled transcript may name in ``metadata.split``."""

LABEL_KEYS = CATEGORIES
_ROW_COLUMNS = ("conversation_id", "sender", "text")


def _as_label(value: Any, where: str) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return int(value.strip().lower() in ("1", "true"))
    raise ValueError(f"{where}: must be 0/1 or true/false, got a {type(value).__name__}")


def _check_labels(meta: dict[str, Any], n_messages: int, require: bool) -> dict[str, Any]:
    out = dict(meta)
    for key in LABEL_KEYS:
        if key in meta and meta[key] is not None and meta[key] != "":
            out[key] = _as_label(meta[key], key)
        elif require:
            raise ValueError(f"missing label {key!r}")
    alert = meta.get("alert_at")
    if alert is not None and alert != "":
        try:
            alert = int(alert)
        except (TypeError, ValueError):
            raise ValueError("alert_at: must be a message index") from None
        if not 0 <= alert < n_messages:
            raise ValueError(f"alert_at: {alert} is outside 0..{n_messages - 1}")
        if not any(out.get(k) for k in LABEL_KEYS):
            raise ValueError("alert_at is set on a conversation with no positive label")
        out["alert_at"] = alert
    else:
        out["alert_at"] = None
    split = meta.get("split")
    if split not in (None, "") and split not in SPLITS:
        raise ValueError(f"split: must be one of {', '.join(SPLITS)}")
    out.setdefault("source", "external")
    return out


def _load_jsonl(path: Path, limits: TranscriptLimits, require: bool) -> list[Transcript]:
    transcripts = read_transcripts(path, limits=limits).transcripts
    errors, out = [], []
    for number, t in enumerate(transcripts, start=1):
        try:
            out.append(t.model_copy(update={"metadata": _check_labels(t.metadata, len(t.messages), require)}))
        except ValueError as exc:
            errors.append(LineError(number, f"transcript {number}: {exc}"))
    if errors:
        raise TranscriptFileError(str(path), errors)
    return out


def _read_rows(path: Path) -> Any:
    import pandas as pd

    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return pd.read_parquet(path)


def _load_rows(path: Path, limits: TranscriptLimits, require: bool) -> list[Transcript]:
    try:
        frame = _read_rows(path)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not valid UTF-8 at byte {exc.start}") from None
    except Exception as exc:  # pandas / pyarrow raise many parser types
        raise ValueError(f"{path}: cannot be read as {path.suffix[1:]}: {type(exc).__name__}") from None
    missing = [c for c in _ROW_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    first_row = 2 if path.suffix.lower() == ".csv" else 1  # CSV: line numbers, the header is line 1
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for offset, record in enumerate(frame.to_dict("records")):
        key = str(record["conversation_id"]).strip()
        groups.setdefault(key, []).append((first_row + offset, record))
    errors: list[LineError] = []
    out: list[Transcript] = []
    for conv_id, rows in groups.items():
        try:
            out.append(_conversation_from_rows(conv_id, rows, limits, require))
        except ValueError as exc:
            errors.append(LineError(rows[0][0], f"conversation starting at row {rows[0][0]}: {exc}"))
    if errors:
        raise TranscriptFileError(str(path), sorted(errors, key=lambda e: e.line))
    return out


def _present(value: Any) -> bool:
    return value is not None and value != "" and not (isinstance(value, float) and np.isnan(value))


def _conversation_from_rows(
    conv_id: str, rows: list[tuple[int, dict[str, Any]]], limits: TranscriptLimits, require: bool
) -> Transcript:
    if not conv_id:
        raise ValueError("empty conversation_id")
    if all("message_index" in r and _present(r["message_index"]) for _, r in rows):
        try:
            rows = sorted(rows, key=lambda item: int(item[1]["message_index"]))
        except ValueError:
            raise ValueError("message_index must be an integer") from None
    meta: dict[str, Any] = {}
    for key in (*LABEL_KEYS, "alert_at", "split"):
        values = {str(r[key]) for _, r in rows if key in r and _present(r[key])}
        if len(values) > 1:
            bad = next(n for n, r in rows if key in r and str(r[key]) != str(rows[0][1].get(key)))
            raise ValueError(f"{key} differs between rows of one conversation (row {bad})")
        if values:
            meta[key] = values.pop()
    messages = []
    for number, r in rows:
        msg = {"sender": str(r["sender"]), "text": "" if not _present(r["text"]) else str(r["text"])}
        if "timestamp" in r and _present(r["timestamp"]):
            msg["timestamp"] = str(r["timestamp"])
        if "role" in r and _present(r["role"]):
            msg["role"] = str(r["role"])
        messages.append((number, msg))
    payload = {"id": conv_id, "messages": [m for _, m in messages]}
    try:
        transcript = Transcript.model_validate(payload, context={"limits": limits})
    except ValidationError as exc:
        detail = format_validation_error(exc)
        for item in exc.errors(include_input=False):
            loc = item["loc"]
            if len(loc) >= 2 and loc[0] == "messages" and isinstance(loc[1], int):
                detail += f" (row {messages[loc[1]][0]})"
                break
        raise ValueError(detail) from None
    return transcript.model_copy(update={"metadata": _check_labels(meta, len(transcript.messages), require)})


def load_labelled(
    path: str | Path, *, require_labels: bool = True, limits: TranscriptLimits = DEFAULT_LIMITS
) -> list[Transcript]:
    """Load a labelled file (JSON Lines, CSV or Parquet); raises with every bad line or row listed."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return _load_jsonl(path, limits, require_labels)
    if suffix in (".csv", ".parquet", ".pq"):
        return _load_rows(path, limits, require_labels)
    raise ValueError(f"{path}: unsupported file type {suffix or '(none)'}; use .jsonl, .csv or .parquet")
