"""Slot values, speaker particles and dialect word maps for rendering templates.

The values are data: ``lexicon.yaml`` next to this file, read and checked against a schema here (an
error names the file, the line and the field). Python keeps how a slot draws from them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from grooming_detect_training.synth.yamlfile import read_checked

__all__ = [
    "DIALECTS",
    "PARTICLE_STYLES",
    "SLOTS",
    "WORDS",
    "ParticleStyle",
    "apply_dialect",
    "fill_slots",
    "read_lexicon",
]

_Text = Annotated[str, StringConstraints(min_length=1)]
_Values = Annotated[list[_Text], Field(min_length=1)]


class _Particles(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    statement: Annotated[list[str], Field(min_length=1)]  # "" is allowed: no particle
    question: Annotated[list[str], Field(min_length=1)]


class _Dialect(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    words: dict[_Text, _Values]
    particles: list[_Text]


class _Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    words: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")], _Values]
    handle_stems: _Values
    amounts: Annotated[list[Annotated[int, Field(gt=0)]], Field(min_length=1)]
    big_amounts: Annotated[list[Annotated[int, Field(gt=0)]], Field(min_length=1)]
    particles: dict[_Text, _Particles]
    dialects: dict[_Text, _Dialect]


def read_lexicon(text: str | None = None, source: str = "lexicon.yaml") -> _Lexicon:
    """The shipped ``lexicon.yaml`` (or ``text``), checked; raises ``ContentError`` naming line and field."""
    if text is None:
        entry = resources.files("grooming_detect_training.synth") / "lexicon.yaml"
        text, source = entry.read_text(encoding="utf-8"), str(entry)
    return read_checked(text, source, _Lexicon)[0]


_LEXICON = read_lexicon()
WORDS: dict[str, tuple[str, ...]] = {slot: tuple(values) for slot, values in _LEXICON.words.items()}
"""Every word list a slot draws from, by slot name (``{me}`` draws from ``name``)."""
_HANDLE_STEMS = tuple(_LEXICON.handle_stems)
_AMOUNTS = tuple(_LEXICON.amounts)
_BIG_AMOUNTS = tuple(_LEXICON.big_amounts)


def _handle(rng: random.Random) -> str:
    stem = rng.choice(_HANDLE_STEMS)
    sep = rng.choice(("_", ".", "", "__"))
    return f"{stem}{sep}{rng.randint(1, 2012)}"


def _amount(rng: random.Random) -> str:
    value = rng.choice(_AMOUNTS)
    return f"{value:,}" if rng.random() < 0.4 else str(value)


def _big_amount(rng: random.Random) -> str:
    value = rng.choice(_BIG_AMOUNTS)
    return f"{value:,}" if rng.random() < 0.5 else str(value)


SlotFn = Callable[[random.Random], str]


def _pick(values: tuple[str, ...]) -> SlotFn:
    return lambda rng: rng.choice(values)


SLOTS: dict[str, SlotFn] = {
    **{slot: _pick(values) for slot, values in WORDS.items()},
    "me": _pick(WORDS["name"]),
    "age": lambda rng: str(rng.randint(10, 16)),
    "handle": _handle,
    "amount": _amount,
    "big_amount": _big_amount,
}
"""Every slot a template may use, besides the speaker's particles ``{P}`` and ``{PQ}``."""


@dataclass(frozen=True)
class ParticleStyle:
    """How one speaker ends sentences: the tag written to the dataset and the particle choices."""

    tag: str
    statement: tuple[str, ...]
    question: tuple[str, ...]


PARTICLE_STYLES: dict[str, ParticleStyle] = {
    tag: ParticleStyle(tag, tuple(p.statement), tuple(p.question)) for tag, p in _LEXICON.particles.items()
}


@dataclass(frozen=True)
class Dialect:
    """A regional variety rendered from central Thai by word substitution plus its own particles."""

    name: str
    words: tuple[tuple[str, tuple[str, ...]], ...]
    particles: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        # Longest first, and never in front of a vowel or tone mark: "ทำไม่" is not "ทำไม" + "่".
        keys = sorted((k for k, _ in self.words), key=len, reverse=True)
        return re.compile("(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\u0e30-\u0e3a\u0e47-\u0e4e])")


DIALECTS: dict[str, Dialect] = {
    name: Dialect(name, tuple((k, tuple(v)) for k, v in d.words.items()), tuple(d.particles))
    for name, d in _LEXICON.dialects.items()
}
_DIALECT_PATTERNS = {name: d.pattern() for name, d in DIALECTS.items() if d.words}
_DIALECT_MAPS = {name: dict(d.words) for name, d in DIALECTS.items()}


def apply_dialect(text: str, dialect: str, rng: random.Random, strength: float = 0.8) -> str:
    """Swap central words for the dialect's, each with probability ``strength``.

    A plain string substitution on Thai (which has no spaces between words) can hit a substring of a
    longer word; the map keeps to words whose substrings rarely mislead, and the noise is realistic.
    """
    pattern = _DIALECT_PATTERNS.get(dialect)
    if pattern is None:
        return text
    mapping = _DIALECT_MAPS[dialect]

    def swap(match: re.Match[str]) -> str:
        if rng.random() > strength:
            return match.group(0)
        return rng.choice(mapping[match.group(0)])

    out = pattern.sub(swap, text)
    particles = DIALECTS[dialect].particles
    if particles and rng.random() < 0.35:
        out = f"{out.rstrip()} {rng.choice(particles)}"
    return out


class _SlotFiller(dict):
    """``format_map`` mapping that draws each slot once per message (same value if used twice)."""

    def __init__(self, rng: random.Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key not in SLOTS:
            raise KeyError(f"unknown template slot {{{key}}}")
        value = SLOTS[key](self.rng)
        self[key] = value
        return value


def fill_slots(template: str, rng: random.Random, fixed: dict[str, str]) -> str:
    """Render a template; ``fixed`` holds per-conversation values (names, particles, age...)."""
    return template.format_map(_SlotFiller(rng, fixed))
