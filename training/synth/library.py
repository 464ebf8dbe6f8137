"""All template content in one place, and its split into train / validation / test by family.

Splitting by family (one idea with its paraphrases) rather than by conversation is what makes the
test split measure generalization: none of its phrasings were seen in training.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from training.synth.spec import Scenario, Stage

__all__ = ["SPLITS", "Library", "SplitPool", "load_library"]

SPLITS = ("train", "validation", "test")
SPLIT_SALT = "grooming-detect/family-split/v1"


def _rank(family: str) -> str:
    return hashlib.sha256(f"{SPLIT_SALT}:{family}".encode()).hexdigest()


def family_group(family: str) -> str:
    """The family id without its last part: a setting (``rapport.game``) or simply the stage."""
    return family.rsplit(".", 1)[0]


def _assign(families: Iterable[str], frac: float = 0.15) -> dict[str, frozenset[str]]:
    """Split one group's families between train, validation and test.

    With three or more families each split gets its own. With two, train gets one and validation and test
    share the other, so that validation (which picks checkpoints and thresholds) still reads phrasings
    that training never saw. A lone family is shared by all three splits.
    """
    ordered = sorted(families, key=_rank)
    n = len(ordered)
    if n == 1:
        return {ordered[0]: frozenset(SPLITS)}
    if n == 2:
        return {ordered[0]: frozenset({"validation", "test"}), ordered[1]: frozenset({"train"})}
    n_test = n_val = max(1, round(frac * n))
    out = {f: frozenset({"test"}) for f in ordered[:n_test]}
    out.update({f: frozenset({"validation"}) for f in ordered[n_test : n_test + n_val]})
    out.update({f: frozenset({"train"}) for f in ordered[n_test + n_val :]})
    return out


@dataclass(frozen=True)
class SplitPool:
    """The families one split may draw from, per stage and per family group."""

    by_stage: dict[str, list[str]]
    by_group: dict[str, list[str]]


@dataclass
class Library:
    """Every stage and scenario, their templates, and the family split."""

    stages: dict[str, Stage]
    scenarios: dict[str, Scenario]
    templates: dict[str, list[str]] = field(init=False)
    stage_of: dict[str, str] = field(init=False)
    splits_of: dict[str, frozenset[str]] = field(init=False)

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
        self.splits_of = {}
        for members in groups.values():
            self.splits_of.update(_assign(members))

    def pool(self, split: str) -> SplitPool:
        """The families ``split`` draws from (every stage has at least one, see :func:`_assign`)."""
        by_stage = {
            stage.name: [f for f in stage.families if split in self.splits_of[f]] for stage in self.stages.values()
        }
        by_group: dict[str, list[str]] = {}
        for families in by_stage.values():
            for f in families:
                by_group.setdefault(family_group(f), []).append(f)
        return SplitPool(by_stage, by_group)


def _collect_stages(modules: Iterable[object]) -> dict[str, Stage]:
    out: dict[str, Stage] = {}
    for module in modules:
        for stage in getattr(module, "STAGES", []):
            if stage.name in out:
                raise ValueError(f"stage {stage.name!r} is defined twice")
            out[stage.name] = stage
    return out


def _extend(stages: dict[str, Stage], modules: Iterable[ModuleType]) -> dict[str, Stage]:
    """Add each module's ``FAMILIES`` (stage name -> family id -> templates) to stages defined elsewhere.

    Content grows in separate files written by different authors; a family id must start with its stage's
    name and be new, so a split assignment can always be traced back to one file.
    """
    out = dict(stages)
    for module in modules:
        for stage_name, families in getattr(module, "FAMILIES", {}).items():
            if stage_name not in out:
                raise ValueError(f"{module.__name__}: unknown stage {stage_name!r}")
            stage = out[stage_name]
            for family in families:
                if not family.startswith(f"{stage_name}.") or family in stage.families:
                    raise ValueError(f"{module.__name__}: bad or repeated family id {family!r}")
            out[stage_name] = Stage(stage.name, stage.role, {**stage.families, **families})
    return out


@cache
def load_library() -> Library:
    """Import every content module and build the library (once per process)."""
    from training.synth.content import (
        benign_a,
        benign_b,
        grooming,
        grooming_more_a,
        grooming_more_b,
        hard_negatives_more_a,
        hard_negatives_more_b,
        identity,
        sextortion,
        sextortion_more_a,
        sextortion_more_b,
        smalltalk,
    )

    stages = _collect_stages([grooming, sextortion, smalltalk, identity])
    scenarios: dict[str, Scenario] = {}
    for module in (benign_a, benign_b):
        for scenario in module.SCENARIOS:
            scenarios[scenario.name] = scenario
            for beat in scenario.beats:
                if beat.name in stages:
                    raise ValueError(f"stage {beat.name!r} is defined twice")
                stages[beat.name] = beat
    extra = [grooming_more_a, grooming_more_b, sextortion_more_a, sextortion_more_b]
    stages = _extend(stages, [*extra, hard_negatives_more_a, hard_negatives_more_b])
    for name, scenario in scenarios.items():  # scenarios must play the extended beats
        beats = [stages[beat.name] for beat in scenario.beats]
        scenarios[name] = dataclasses.replace(scenario, beats=beats)
    return Library(stages, scenarios)
