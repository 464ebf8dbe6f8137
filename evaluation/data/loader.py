"""Reads the functional test cases, identity swaps and dialect swaps from ``evaluation/data/functional/``.

The cases are data (JSON Lines, one record a line, UTF-8); this module only reads and checks them. Layout (see
``functional/README.md``)::

    functionalities.jsonl          one functionality a line, in evaluation order, naming its cases file
    mft/<name>.jsonl               minimum functionality: {"note", "messages"}
    dir/<name>.jsonl               direction: {"note", "messages"} and one edit: "insert", "replace" or "drop"
    inv/<name>.jsonl               invariance: {"note", "messages", "variant"}
    swaps/identity_terms.jsonl     {"group", "values"}: the interchangeable terms of one identity group
    swaps/identity_benign.jsonl    {"group", "template"}: benign templates with an ``{identity}`` slot
    swaps/identity_risky.jsonl     the same, clear grooming templates
    swaps/dialects.jsonl           {"name", "versions": {"central", "isan", "northern", "southern"}}

A turn is written ``"A: text"`` or ``"B: text"``. Every record is checked when it is read (pydantic, strict, no
unknown fields) and every problem raises :class:`CaseFileError` naming the file, the line and the field.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from grooming_detect.jsonl import field_path
from grooming_detect_evaluation.data.spec import Case, DialectSwap, Functionality, IdentitySwap, Turn

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:
    from importlib.abc import Traversable

__all__ = [
    "DIALECTS",
    "CaseFileError",
    "default_root",
    "load_dialect_swaps",
    "load_functionalities",
    "load_identity_swaps",
    "shipped",
]

DIALECTS = ("central", "isan", "northern", "southern")
"""The versions of a dialect swap, in this order."""

_TURN = re.compile(r"(A|B): (\S(?:.*\S)?)", re.DOTALL)

Root: TypeAlias = "Traversable | Path"


class CaseFileError(ValueError):
    """A data file that does not hold what the loader expects: ``file:line: field: problem``."""

    def __init__(self, file: object, line: int | None, field: str | None, problem: str) -> None:
        self.file, self.line, self.field, self.problem = str(file), line, field, problem
        where = self.file if line is None else f"{self.file}:{line}"
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


class _FieldProblem(Exception):
    """Raised by a record's cross-field check, so that the error names the field (pydantic would not)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field, self.problem = field, problem


def default_root() -> Traversable:
    """The data shipped with the package (works from a source tree and from an installed wheel)."""
    return files("grooming_detect_evaluation.data").joinpath("functional")


# --- record shapes ------------------------------------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _check_turn(value: str) -> str:
    if not _TURN.fullmatch(value):
        raise ValueError(f"a turn is 'A: text' or 'B: text' (text without surrounding spaces), got {value!r}")
    return value


def _check_turns(values: list[str]) -> list[str]:
    if not values:
        raise ValueError("a conversation needs at least one turn")
    for i, value in enumerate(values):
        if not isinstance(value, str) or not _TURN.fullmatch(value):
            raise ValueError(
                f"turn {i}: a turn is 'A: text' or 'B: text' (text without surrounding spaces), got {value!r}"
            )
    return values


class _IndexEntry(_Record):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["mft", "inv", "dir"]
    category: Literal["grooming", "sextortion", "any"]
    expect_flagged: bool | None = None
    direction: Literal["up", "down"] | None = None
    tags: list[str] = Field(default_factory=list)
    description: str = Field(min_length=1)
    cases: str = Field(pattern=r"^(mft|inv|dir)/[a-z0-9_]+\.jsonl$")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> _IndexEntry:
        if (self.kind == "mft") != (self.expect_flagged is not None):
            raise _FieldProblem("expect_flagged", "is given for mft functionalities and only for them")
        if (self.kind == "dir") != (self.direction is not None):
            raise _FieldProblem("direction", "is given for dir functionalities and only for them")
        if not self.cases.startswith(f"{self.kind}/"):
            raise _FieldProblem("cases", f"the cases of a {self.kind} functionality live under {self.kind}/")
        return self


class _MftCase(_Record):
    note: str = Field(min_length=1)
    messages: list[str]

    check_messages = field_validator("messages")(_check_turns)


class _InvCase(_MftCase):
    variant: list[str]

    check_variant = field_validator("variant")(_check_turns)


class _At(_Record):
    at: int = Field(ge=0)
    turn: str

    check_turn = field_validator("turn")(_check_turn)


class _DirCase(_MftCase):
    insert: _At | None = None
    replace: _At | None = None
    drop: list[int] | None = None

    @model_validator(mode="after")
    def _one_edit(self) -> _DirCase:
        given = [k for k in ("insert", "replace", "drop") if getattr(self, k) is not None]
        if len(given) != 1:
            field = given[1] if given else "insert"
            raise _FieldProblem(field, f"a dir case has exactly one of insert, replace, drop; got {given or 'none'}")
        n = len(self.messages)
        if self.insert is not None and self.insert.at > n:
            raise _FieldProblem("insert.at", f"{self.insert.at} is past the end ({n} turns)")
        if self.replace is not None and self.replace.at >= n:
            raise _FieldProblem("replace.at", f"{self.replace.at} is past the last turn ({n} turns)")
        if self.drop is not None:
            if not self.drop or sorted(set(self.drop)) != self.drop or self.drop[-1] >= n or self.drop[0] < 0:
                raise _FieldProblem("drop", f"distinct turn indices in increasing order below {n}, got {self.drop}")
            if len(self.drop) == n:
                raise _FieldProblem("drop", "leaves no turn")
        return self


class _Terms(_Record):
    group: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    values: list[str] = Field(min_length=2)


class _Swap(_Record):
    group: str
    template: list[str]

    check_template = field_validator("template")(_check_turns)

    @field_validator("template")
    @classmethod
    def _has_slot(cls, template: list[str]) -> list[str]:
        if not any("{identity}" in turn for turn in template):
            raise ValueError("no {identity} slot in the template")
        return template


class _Dialects(_Record):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    versions: dict[str, list[str]]

    @field_validator("versions")
    @classmethod
    def _all_dialects(cls, versions: dict[str, list[str]]) -> dict[str, list[str]]:
        if list(versions) != list(DIALECTS):
            raise ValueError(f"versions are {', '.join(DIALECTS)} in this order, got {', '.join(versions) or 'none'}")
        for dialect, value in versions.items():
            try:
                _check_turns(value)
            except ValueError as err:
                raise ValueError(f"{dialect}: {err}") from None
        if len({len(v) for v in versions.values()}) != 1:
            raise ValueError("the versions differ in turn count")
        return versions


# --- reading ------------------------------------------------------------------------------------------------


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _FieldProblem(key, "given twice in one record")
        out[key] = value
    return out


def _records(file: Root, model: type[_Record]) -> Iterator[tuple[int, Any]]:
    """``(line number, checked record)`` for each non-blank line of a JSON Lines file."""
    if not file.is_file():
        raise CaseFileError(file, None, None, "no such file")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise CaseFileError(file, None, None, f"not UTF-8 ({err})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as err:
            raise CaseFileError(file, number, None, f"not JSON: {err.msg} at column {err.colno}") from None
        except _FieldProblem as err:
            raise CaseFileError(file, number, err.field, err.problem) from None
        if not isinstance(raw, dict):
            raise CaseFileError(file, number, None, f"a record is a JSON object, got {type(raw).__name__}")
        try:
            record = model.model_validate(raw)
        except _FieldProblem as err:
            raise CaseFileError(file, number, err.field, err.problem) from None
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            problem = first["msg"]
            more = err.error_count() - 1
            if more:
                problem += f" (and {more} more problem{'s' if more > 1 else ''} on this line)"
            raise CaseFileError(file, number, field_path(first["loc"], "(record)"), problem) from None
        yield number, record


def _turns(lines: list[str]) -> tuple[Turn, ...]:
    out: list[Turn] = []
    for line in lines:
        speaker, text = line.split(": ", 1)
        out.append((speaker, text))
    return tuple(out)


def _case(kind: str, record: Any) -> Case:
    messages = _turns(record.messages)
    if kind == "mft":
        return Case(messages=messages, note=record.note)
    if kind == "inv":
        return Case(messages=messages, variant=_turns(record.variant), note=record.note)
    variant = list(messages)
    if record.insert is not None:
        variant.insert(record.insert.at, _turns([record.insert.turn])[0])
    elif record.replace is not None:
        variant[record.replace.at] = _turns([record.replace.turn])[0]
    else:
        variant = [turn for i, turn in enumerate(messages) if i not in record.drop]
    return Case(messages=messages, variant=tuple(variant), note=record.note)


_CASE_MODELS: dict[str, type[_Record]] = {"mft": _MftCase, "inv": _InvCase, "dir": _DirCase}


def load_functionalities(root: Root | None = None) -> list[Functionality]:
    """Every functionality of ``functionalities.jsonl``, in its order, with its cases."""
    root = default_root() if root is None else root
    index = root.joinpath("functionalities.jsonl")
    out: list[Functionality] = []
    seen: dict[str, int] = {}
    for number, entry in _records(index, _IndexEntry):
        if entry.name in seen:
            raise CaseFileError(index, number, "name", f"{entry.name!r} is already defined on line {seen[entry.name]}")
        seen[entry.name] = number
        cases_file = root.joinpath(*entry.cases.split("/"))
        if not cases_file.is_file():
            raise CaseFileError(index, number, "cases", f"no such file: {entry.cases}")
        cases = tuple(_case(entry.kind, record) for _, record in _records(cases_file, _CASE_MODELS[entry.kind]))
        if not cases:
            raise CaseFileError(cases_file, None, None, "no cases")
        out.append(
            Functionality(
                name=entry.name,
                kind=entry.kind,
                description=entry.description,
                category=entry.category,
                cases=cases,
                expect_flagged=entry.expect_flagged,
                direction=entry.direction,
                tags=tuple(entry.tags),
            )
        )
    return out


def _identity_terms(root: Root) -> dict[str, tuple[str, ...]]:
    file = root.joinpath("swaps").joinpath("identity_terms.jsonl")
    terms: dict[str, tuple[str, ...]] = {}
    for number, record in _records(file, _Terms):
        if record.group in terms:
            raise CaseFileError(file, number, "group", f"{record.group!r} is already defined")
        terms[record.group] = tuple(record.values)
    return terms


def load_identity_swaps(risky: bool, root: Root | None = None) -> list[IdentitySwap]:
    """The benign (``risky=False``) or risky identity-swap templates, each with its group's terms."""
    root = default_root() if root is None else root
    terms = _identity_terms(root)
    file = root.joinpath("swaps").joinpath("identity_risky.jsonl" if risky else "identity_benign.jsonl")
    out: list[IdentitySwap] = []
    for number, record in _records(file, _Swap):
        if record.group not in terms:
            raise CaseFileError(
                file, number, "group", f"{record.group!r} has no terms in swaps/identity_terms.jsonl ({sorted(terms)})"
            )
        out.append(IdentitySwap(group=record.group, template=_turns(record.template), values=terms[record.group]))
    return out


def load_dialect_swaps(root: Root | None = None) -> list[DialectSwap]:
    """Conversations written in each dialect, with the same meaning."""
    root = default_root() if root is None else root
    file = root.joinpath("swaps").joinpath("dialects.jsonl")
    out: list[DialectSwap] = []
    seen: set[str] = set()
    for number, record in _records(file, _Dialects):
        if record.name in seen:
            raise CaseFileError(file, number, "name", f"{record.name!r} is already defined")
        seen.add(record.name)
        out.append(DialectSwap(name=record.name, versions={d: _turns(record.versions[d]) for d in DIALECTS}))
    return out


@cache
def shipped() -> tuple[list[Functionality], list[IdentitySwap], list[IdentitySwap], list[DialectSwap]]:
    """The shipped data, read once: functionalities, benign identity swaps, risky identity swaps, dialect swaps."""
    return load_functionalities(), load_identity_swaps(False), load_identity_swaps(True), load_dialect_swaps()
