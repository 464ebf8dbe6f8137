"""MLflow tracking and registry: runs, dataset lineage, model registration and aliases.

Tracking defaults to an embedded SQLite store (``sqlite:///mlflow.db``) with artifacts beside it;
``MLFLOW_TRACKING_URI`` points it at a team server instead. Aliases (``challenger``, ``champion``)
replace the deprecated stages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grooming_detect_evaluation.tracking import DEFAULT_TRACKING_URI, configure

__all__ = [
    "DEFAULT_TRACKING_URI",
    "MODEL_NAME",
    "configure",
    "flatten",
    "log_datasets",
    "log_model",
    "set_alias",
]

MODEL_NAME = "grooming-detect"


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested config -> ``{"encoder.lora_r": 8, ...}`` (MLflow params are flat)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value if not isinstance(value, list | tuple) else ",".join(map(str, value)) or "[]"
    return out


def log_datasets(splits: Mapping[str, Sequence[Mapping[str, Any]]], source: str) -> None:
    """Log each split as an ``mlflow.data`` input with a content digest (lineage without message text)."""
    import hashlib
    import json
    import warnings

    import mlflow
    import pandas as pd
    from mlflow.data.pandas_dataset import from_pandas  # what mlflow.data.from_pandas is, set at import time

    for split, records in splits.items():
        frame = pd.DataFrame(
            {
                "id": [r["id"] for r in records],
                "messages": [len(r["messages"]) for r in records],
                "grooming": [int(r["metadata"].get("grooming") or 0) for r in records],
                "sextortion": [int(r["metadata"].get("sextortion") or 0) for r in records],
                "source": [r["metadata"].get("source", "external") for r in records],
            }
        )
        digest = hashlib.sha256(
            json.dumps([[r["id"], [m["text"] for m in r["messages"]]] for r in records], ensure_ascii=False).encode()
        ).hexdigest()[:16]
        with warnings.catch_warnings():  # MLflow's notes on source kinds and integer columns do not apply
            warnings.simplefilter("ignore", UserWarning)
            dataset = from_pandas(frame, source=source, name=f"grooming-detect-{split}", digest=digest)
            mlflow.log_input(dataset, context=split)


def log_model(model_dir: Path, name: str = MODEL_NAME, register: bool = True) -> str | None:
    """Log the model folder through the models-from-code pyfunc; register it and return its version."""
    import mlflow
    from mlflow.environment_variables import MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR

    import grooming_detect.mlflow_model as entry

    # Logging copies the folder with a progress bar, which says nothing to the person training.
    previous = os.environ.get(MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.name)
    os.environ[MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.name] = "false"
    try:
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=entry.__file__,
            artifacts={"model": str(model_dir)},
            pip_requirements=["grooming-detect"],
            registered_model_name=name if register else None,
        )
    finally:
        if previous is None:
            os.environ.pop(MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.name, None)
        else:
            os.environ[MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.name] = previous
    return str(info.registered_model_version) if register else None


def set_alias(version: str, alias: str, name: str = MODEL_NAME) -> None:
    from mlflow import MlflowClient

    MlflowClient().set_registered_model_alias(name, alias, version)
