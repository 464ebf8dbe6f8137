"""All template content in one place, and its split into train / validation / test by family.

Splitting by family (one idea with its paraphrases) rather than by conversation is what makes the
test split measure generalization: none of its phrasings were seen in training.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from training.synth.spec import Scenario, Stage

__all__ = ["SPLITS", "Library", "SplitPool", "load_library"]

SPLITS = ("train", "validation", "test")
SPLIT_SALT = "grooming-detect/family-split/v1"


def _rank(family: str) -> str:
    return hashlib.sha256(f"{SPLIT_SALT}:{family}".encode()).hexdigest()


def family_group(family: str) -> str:
    """The family id without its last part: a setting (``rapport.game``) or simply the stage."""
    return family.rsplit(".", 1)[0]


def _assign(families: Iterable[str], frac: float = 0.15) -> dict[str, str]:
    """Split one group's families; each split gets at least one where the group has three or more."""
    ordered = sorted(families, key=_rank)
    n = len(ordered)
    if n >= 3:
        n_test = n_val = max(1, round(frac * n))
    else:
        n_test, n_val = (1, 0) if n == 2 else (0, 0)
    out = {f: "test" for f in ordered[:n_test]}
    out.update({f: "validation" for f in ordered[n_test : n_test + n_val]})
    out.update({f: "train" for f in ordered[n_test + n_val :]})
    return out


@dataclass(frozen=True)
class SplitPool:
    """The families one split may draw from, per stage and per family group."""

    by_stage: dict[str, list[str]]
    by_group: dict[str, list[str]]
    borrowed: tuple[str, ...]


@dataclass
class Library:
    """Every stage and scenario, their templates, and the family split."""

    stages: dict[str, Stage]
    scenarios: dict[str, Scenario]
    templates: dict[str, list[str]] = field(init=False)
    stage_of: dict[str, str] = field(init=False)
    split_of: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.templates, self.stage_of = {}, {}
        for stage in self.stages.values():
            for family, items in stage.families.items():
                if family in self.templates:
                    raise ValueError(f"family id {family!r} is defined twice")
                self.templates[family] = list(items)
                self.stage_of[family] = stage.name
        groups: dict[str, list[str]] = {}
        for family in self.templates:
            groups.setdefault(family_group(family), []).append(family)
        self.split_of = {}
        for members in groups.values():
            self.split_of.update(_assign(members))

    def pool(self, split: str) -> SplitPool:
        """Families of ``split``; a stage with none there borrows train's and is listed in ``borrowed``."""
        by_stage: dict[str, list[str]] = {}
        borrowed = []
        for stage in self.stages.values():
            own = [f for f in stage.families if self.split_of[f] == split]
            if not own:
                own = [f for f in stage.families if self.split_of[f] == "train"]
                borrowed.append(stage.name)
            by_stage[stage.name] = own
        by_group: dict[str, list[str]] = {}
        for families in by_stage.values():
            for f in families:
                by_group.setdefault(family_group(f), []).append(f)
        return SplitPool(by_stage, by_group, tuple(borrowed))


def _collect_stages(modules: Iterable[object]) -> dict[str, Stage]:
    out: dict[str, Stage] = {}
    for module in modules:
        for stage in getattr(module, "STAGES", []):
            if stage.name in out:
                raise ValueError(f"stage {stage.name!r} is defined twice")
            out[stage.name] = stage
    return out


@cache
def load_library() -> Library:
    """Import every content module and build the library (once per process)."""
    from training.synth.content import benign_a, benign_b, grooming, identity, sextortion, smalltalk

    stages = _collect_stages([grooming, sextortion, smalltalk, identity])
    scenarios: dict[str, Scenario] = {}
    for module in (benign_a, benign_b):
        for scenario in module.SCENARIOS:
            scenarios[scenario.name] = scenario
            for beat in scenario.beats:
                if beat.name in stages:
                    raise ValueError(f"stage {beat.name!r} is defined twice")
                stages[beat.name] = beat
    return Library(stages, scenarios)
