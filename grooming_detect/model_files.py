"""The small JSON files of a model folder, checked before anything runs on them.

A ``thresholds.json`` holding a string, a calibration without a category, or a tagger trained on other
tactics used to load fine and then fail every request (a server answering 500 to everyone). Each file is
read here against its schema (types, ranges, finite numbers) and against the others (the same categories
and tactics everywhere); anything wrong raises :class:`ModelFolderError` naming the file and the rule,
before a server starts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, TypeAdapter, ValidationError

__all__ = ["ModelFiles", "ModelFolderError", "first_error", "read_json", "read_model_files"]


class ModelFolderError(ValueError):
    """A model folder that cannot be served: a file missing, malformed, out of range or inconsistent."""


_Number = StrictFloat | StrictInt
_Probability = Annotated[_Number, Field(ge=0.0, le=1.0)]


class _Platt(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scale: _Number
    bias: _Number


class _Labels(BaseModel):
    model_config = ConfigDict(extra="allow")
    categories: list[str] = Field(min_length=1)


class _Tactics(BaseModel):
    model_config = ConfigDict(extra="allow")
    thresholds: dict[str, _Probability]


class ModelFiles(BaseModel):
    """What the JSON files of a folder say, once checked."""

    calibration: dict[str, dict[str, float]]
    thresholds: dict[str, float]
    tactic_thresholds: dict[str, float] | None


def first_error(exc: ValidationError) -> str:
    """``field.path: rule`` of a validation error's first problem, for a message naming a file."""
    first = exc.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc']) or '(top level)'}: {first['msg']}"


def read_json(path: Path) -> Any:
    """A model file's JSON; a missing or unreadable file is a :class:`ModelFolderError` naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFolderError(f"{path.name} is missing from the model folder {path.parent}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFolderError(f"{path.name} in {path.parent} is not readable JSON ({type(exc).__name__})") from None


def _checked(path: Path, adapter: TypeAdapter[Any]) -> Any:
    try:
        return adapter.validate_python(read_json(path))
    except ValidationError as exc:
        raise ModelFolderError(f"{path.name} in {path.parent}: {first_error(exc)}") from None


def _same_keys(name: str, keys: Sequence[str], expected: Sequence[str], what: str) -> None:
    if sorted(keys) != sorted(expected):
        raise ModelFolderError(
            f"{name}: its {what} ({', '.join(sorted(keys))}) differ from config.json's ({', '.join(sorted(expected))})"
        )


def read_model_files(path: Path, categories: Sequence[str], tactics: Sequence[str]) -> ModelFiles:
    """Calibration, thresholds and tactic thresholds of a folder, checked against each other and the config."""
    if not categories or len(set(categories)) != len(categories):
        raise ModelFolderError(f"config.json in {path}: categories must be distinct and at least one")
    labels = _checked(path / "labels.json", TypeAdapter(_Labels)) if (path / "labels.json").is_file() else None
    if labels is not None and list(labels.categories) != list(categories):
        raise ModelFolderError(f"labels.json in {path}: categories {labels.categories} differ from config.json's")
    calibration = _checked(path / "calibration.json", TypeAdapter(dict[str, _Platt]))
    _same_keys("calibration.json", list(calibration), categories, "categories")
    for category, platt in calibration.items():
        if not (math.isfinite(platt.scale) and math.isfinite(platt.bias)):
            raise ModelFolderError(f"calibration.json in {path}: {category}: scale and bias must be finite")
    thresholds = _checked(path / "thresholds.json", TypeAdapter(dict[str, _Probability]))
    _same_keys("thresholds.json", list(thresholds), categories, "categories")
    tactic_thresholds = None
    if tactics:
        tactic_thresholds = _checked(path / "tactics.json", TypeAdapter(_Tactics)).thresholds
        _same_keys("tactics.json", list(tactic_thresholds), tactics, "tactics")
    return ModelFiles(
        calibration={c: {"scale": float(p.scale), "bias": float(p.bias)} for c, p in calibration.items()},
        thresholds={c: float(v) for c, v in thresholds.items()},
        tactic_thresholds=None if tactic_thresholds is None else {t: float(v) for t, v in tactic_thresholds.items()},
    )
