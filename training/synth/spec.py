"""The shapes that template content is written in.

A *stage* is one step of a conversation played by one side (for example the groomer's age probing, or
the child's reply to it). A stage holds *families*: each family is one idea written as several
paraphrase templates. Splits are made by family, so the test split holds ideas phrased in ways never
seen in training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["A", "B"]
"""A: the side that drives the scenario (groomer, extorter, parent, teacher, shop...). B: the other side."""


@dataclass(frozen=True)
class Stage:
    """One step of a conversation, played by one role.

    Attributes:
        name: stage label written on every message it produces (for example ``"age_probe"``).
        role: which side speaks it.
        families: family id -> paraphrase templates. Family ids are unique across all content.
    """

    name: str
    role: Role
    families: dict[str, list[str]]


@dataclass(frozen=True)
class Scenario:
    """A benign scenario: ordered beats, each a stage; beats listed in ``optional`` may be skipped.

    Attributes:
        name: scenario label (tag ``scenario``).
        description: one line on what happens, for the dataset card.
        hard_negative: True when it shares surface cues with grooming or sextortion.
        roles: who A and B are, for the card (for example ``("parent", "child")``).
        beats: stages in conversation order.
        optional: names of beats that may be left out of a conversation.
        minor_roles: which roles are minors ("A", "B", both or none), written to ``Message.role``.
    """

    name: str
    description: str
    hard_negative: bool
    roles: tuple[str, str]
    beats: list[Stage]
    optional: frozenset[str] = field(default_factory=frozenset)
    minor_roles: frozenset[str] = field(default_factory=frozenset)
