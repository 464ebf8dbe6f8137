"""Identity groups a text mentions, shared by the bias suite and the template generator.

The patterns are data (``evaluation/data/identity_groups.yaml``); they live in ``evaluation``, the lower of
the two layers that use them, so that the generator (training) and the bias suite tag the same mentions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["IDENTITY_TERMS", "identity_groups", "mentioned_groups"]


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    pattern: str
    ignore_case: bool = False


@cache
def identity_groups() -> Mapping[str, re.Pattern[str]]:
    """Group name -> compiled pattern, checked at load (a bad entry names the file and the group)."""
    source = files("grooming_detect_evaluation.data").joinpath("identity_groups.yaml")
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{source}: expected a mapping of group -> {{pattern, ignore_case}}")
    out: dict[str, re.Pattern[str]] = {}
    for name, entry in raw.items():
        try:
            group = _Group.model_validate(entry)
            out[str(name)] = re.compile(group.pattern, re.I if group.ignore_case else 0)
        except (ValidationError, re.error) as exc:
            raise ValueError(f"{source}: {name}: {exc}") from None
    return out


def mentioned_groups(texts: str) -> set[str]:
    """The identity groups whose pattern occurs in ``texts``."""
    return {g for g, rx in identity_groups().items() if rx.search(texts)}


IDENTITY_TERMS = identity_groups()
