"""Writing generated (or loaded) transcripts as a ``datasets.DatasetDict`` and as JSON Lines."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["dataset_features", "to_dataset_dict", "write_dataset"]


def dataset_features() -> Any:
    """Column types of the HF dataset (imported lazily: datasets is a training-only dependency)."""
    from datasets import Features, List, Value

    message = {
        "sender": Value("string"),
        "text": Value("string"),
        "timestamp": Value("string"),
        "role": Value("string"),
    }
    return Features(
        {
            "id": Value("string"),
            "messages": List(message),
            "grooming": Value("int8"),
            "sextortion": Value("int8"),
            "alert_at": Value("int32"),
            "alert_at_grooming": Value("int32"),
            "alert_at_sextortion": Value("int32"),
            "stages": List(Value("string")),
            "families": List(Value("string")),
            "scenario": Value("string"),
            "setting": Value("string"),
            "dialect": Value("string"),
            "script": Value("string"),
            "particles": List(Value("string")),
            "identity_terms": List(Value("string")),
            "obfuscated": Value("bool"),
            "hard_negative": Value("bool"),
            "source": Value("string"),
        }
    )


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    meta = record["metadata"]
    row: dict[str, Any] = {"id": record["id"], "messages": [dict(m) for m in record["messages"]]}
    for m in row["messages"]:
        m["timestamp"] = None if m.get("timestamp") is None else str(m["timestamp"])
        m.setdefault("role", "unknown")
    for key in (
        "grooming",
        "sextortion",
        "alert_at",
        "alert_at_grooming",
        "alert_at_sextortion",
        "scenario",
        "setting",
        "dialect",
        "script",
        "obfuscated",
        "hard_negative",
        "source",
    ):
        row[key] = meta.get(key)
    for key in ("stages", "families", "particles", "identity_terms"):
        row[key] = list(meta.get(key) or [])
    return row


def to_dataset_dict(splits: Mapping[str, Sequence[Mapping[str, Any]]]) -> Any:
    """A DatasetDict whose fingerprints are content digests, so saving twice gives the same bytes."""
    import pyarrow as pa
    from datasets import Dataset, DatasetDict, DatasetInfo
    from datasets.table import InMemoryTable

    features = dataset_features()
    out = {}
    for split, records in splits.items():
        rows = [_row(r) for r in records]
        table = pa.Table.from_pylist(rows, schema=features.arrow_schema)
        digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
        out[split] = Dataset(InMemoryTable(table), info=DatasetInfo(features=features), fingerprint=digest)
    return DatasetDict(out)


def write_dataset(splits: Mapping[str, Sequence[Mapping[str, Any]]], out: str | Path) -> Path:
    """Write ``out/hf`` (DatasetDict.save_to_disk) and ``out/<split>.jsonl`` (foundation schema)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for split, records in splits.items():
        path = out / f"{split}.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        tmp.replace(path)
    hf = out / "hf"
    staging = out / ".hf.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    to_dataset_dict(splits).save_to_disk(str(staging))
    shutil.rmtree(hf, ignore_errors=True)
    staging.replace(hf)
    return out
