"""All template content in one place, and its split into train / validation / test by family.

The content is data: the YAML files under ``training/synth/content/`` (see the README.md there), read
and checked against a schema here. Splitting by family (one idea with its paraphrases) rather than by
conversation is what makes the test split measure generalization: none of its phrasings were seen in
training.
"""

from __future__ import annotations

import hashlib
import string
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from grooming_detect_evaluation.labelled import SPLITS
from grooming_detect_training.synth.spec import Scenario, Stage
from grooming_detect_training.synth.yamlfile import ContentError, Lines, field_name, line_of, read_checked

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

__all__ = ["SPLITS", "ContentError", "Library", "SplitPool", "content_root", "load_library", "read_library"]

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


_Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")]
_Text = Annotated[str, StringConstraints(min_length=1)]


class _StageFields(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: _Name
    role: Literal["A", "B"]
    families: Annotated[dict[_Name, Annotated[list[_Text], Field(min_length=1)]], Field(min_length=1)]


class _ScenarioFields(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: _Name
    description: _Text
    hard_negative: bool
    roles: Annotated[list[_Text], Field(min_length=2, max_length=2)]
    minor_roles: list[Literal["A", "B"]] = []
    optional: list[_Name] = []
    beats: Annotated[list[_StageFields], Field(min_length=1)]


class _ContentFile(BaseModel):
    """One file: either ``stages`` (a list of stages) or ``scenario`` (one benign scenario)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    stages: Annotated[list[_StageFields], Field(min_length=1)] | None = None
    scenario: _ScenarioFields | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and sum(data.get(key) is not None for key in ("stages", "scenario")) != 1:
            raise ValueError("a content file holds either `stages` or `scenario` (exactly one of them)")
        return data


def _check_stage(stage: _StageFields, path: tuple[str | int, ...], source: str, lines: Lines) -> None:
    for family, items in stage.families.items():
        where = (*path, "families", family)
        if not family.startswith(f"{stage.name}."):
            raise ContentError(
                f"{source}:{line_of(lines, where)}: {field_name(where)}: family id must start with {stage.name + '.'!r}"
            )
        for i, template in enumerate(items):
            try:
                list(string.Formatter().parse(template))
            except ValueError as exc:
                at = (*where, i)
                raise ContentError(
                    f"{source}:{line_of(lines, at)}: {field_name(at)}: bad {{slot}} in template: {exc}"
                ) from None


def _read_file(text: str, source: str) -> tuple[list[Stage], Scenario | None, list[tuple[str, str, int]]]:
    """Stages and scenario of one file, checked, and the line each stage and family is defined on."""
    content, lines = read_checked(text, source, _ContentFile)
    where: list[tuple[str, str, int]] = []  # (kind, name, line) of every stage, family and scenario
    base: tuple[str, ...]
    if content.stages is not None:
        fields, base = content.stages, ("stages",)
    else:
        assert content.scenario is not None
        fields, base = content.scenario.beats, ("scenario", "beats")
    stages = []
    for i, stage in enumerate(fields):
        _check_stage(stage, (*base, i), source, lines)
        where.append(("stage", stage.name, line_of(lines, (*base, i))))
        where += [("family id", f, line_of(lines, (*base, i, "families", f))) for f in stage.families]
        stages.append(Stage(stage.name, stage.role, {f: list(t) for f, t in stage.families.items()}))
    scenario = None
    if content.scenario is not None:
        sc = content.scenario
        beats = {s.name for s in stages}
        for i, name in enumerate(sc.optional):
            if name not in beats:
                path = ("scenario", "optional", i)
                raise ContentError(
                    f"{source}:{line_of(lines, path)}: {field_name(path)}: {name!r} is not one of the beats"
                )
        scenario = Scenario(
            name=sc.name,
            description=sc.description,
            hard_negative=sc.hard_negative,
            roles=(sc.roles[0], sc.roles[1]),
            beats=stages,
            optional=frozenset(sc.optional),
            minor_roles=frozenset(sc.minor_roles),
        )
        where.append(("scenario", sc.name, line_of(lines, ("scenario", "name"))))
    return stages, scenario, where


def content_root() -> Traversable:
    """The folder of content files shipped with the package (works from a wheel as from a checkout)."""
    return resources.files("grooming_detect_training.synth") / "content"


def _content_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _content_files(entry, f"{name}/")
        elif entry.name.endswith(".yaml"):
            yield name, entry


def read_library(root: Traversable | None = None) -> Library:
    """Read and check every ``*.yaml`` file under ``root`` (sorted by path) and build the library.

    Stage names, family ids and scenario names must each be defined once across all files; an error names
    both places.
    """
    root = content_root() if root is None else root
    stages: dict[str, Stage] = {}
    scenarios: dict[str, Scenario] = {}
    defined: dict[tuple[str, str], str] = {}  # (kind, name) -> "file:line"
    files = sorted(_content_files(root), key=lambda item: item[0])
    if not files:
        raise ContentError(f"{root}: no content files (*.yaml) found")
    for _, entry in files:
        source = str(entry)
        file_stages, scenario, where = _read_file(entry.read_text(encoding="utf-8"), source)
        for kind, name, line in where:
            if (kind, name) in defined:
                raise ContentError(f"{source}:{line}: {kind} {name!r} is already defined at {defined[kind, name]}")
            defined[kind, name] = f"{source}:{line}"
        stages.update({s.name: s for s in file_stages})
        if scenario is not None:
            scenarios[scenario.name] = scenario
    return Library(stages, scenarios)


@cache
def load_library() -> Library:
    """The library of the content files shipped with the package (read once per process)."""
    return read_library()
