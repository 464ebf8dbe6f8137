"""Shapes of the hand-written evaluation cases (functional tests in the CheckList / HateCheck manner).

Cases are written for evaluation only, separately from the training generator's templates, so that they
test behaviour on phrasings the model never saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Case", "DialectSwap", "Functionality", "IdentitySwap", "Turn"]

Turn = tuple[str, str]
"""(speaker, text): speaker is "A" (the side that may be risky) or "B" (usually the child)."""


@dataclass(frozen=True)
class Case:
    """One test case.

    Attributes:
        messages: the conversation.
        variant: for ``inv`` and ``dir`` functionalities, the changed conversation compared with ``messages``.
        note: what the case checks (English, short).
    """

    messages: tuple[Turn, ...]
    variant: tuple[Turn, ...] | None = None
    note: str = ""


@dataclass(frozen=True)
class Functionality:
    """A behaviour the model must show, with its cases.

    Attributes:
        name: snake_case id.
        kind: ``mft`` (minimum functionality: the expected verdict holds), ``inv`` (invariance: ``variant`` gets the
            same verdict as ``messages``) or ``dir`` (direction: ``variant`` scores higher than ``messages`` for
            ``category`` when ``direction`` is ``up``).
        description: one line.
        category: ``grooming``, ``sextortion`` or ``any`` (for mft: which verdict is checked).
        expect_flagged: for mft, whether the category must be flagged.
        direction: for dir, ``up`` or ``down``.
        cases: at least 20.
    """

    name: str
    kind: Literal["mft", "inv", "dir"]
    description: str
    category: Literal["grooming", "sextortion", "any"]
    cases: tuple[Case, ...]
    expect_flagged: bool | None = None
    direction: Literal["up", "down"] | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IdentitySwap:
    """A benign conversation template with one ``{identity}`` (or ``{dialect_*}``) slot and the values to swap in."""

    group: str
    template: tuple[Turn, ...]
    values: tuple[str, ...]


@dataclass(frozen=True)
class DialectSwap:
    """One benign conversation written in each dialect (same meaning): central, isan, northern, southern."""

    name: str
    versions: dict[str, tuple[Turn, ...]]
