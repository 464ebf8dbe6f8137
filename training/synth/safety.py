"""The content rule, checked: terms that must never appear in generated data.

The synthetic data describes grooming and extortion only through tactics (age probing, flattery,
gifts, secrecy, isolation, private apps, private photo requests, meeting offline, threats to share
images unless paid). Sexually explicit words, nudity and body parts are refused outright. The list is
data (``explicit_terms.yaml`` next to this file), deliberately broad (Thai, romanized Thai and English)
so that a new template cannot slip one in.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from grooming_detect_training.synth.yamlfile import read_checked

__all__ = ["CONTENT_RULE", "EXPLICIT_TERMS", "find_explicit", "read_terms"]

CONTENT_RULE = (
    "Synthetic conversations describe grooming and sextortion only through documented tactics "
    "(age probing, flattery, gifts and game top-ups, secrecy, isolation, moving to a private app, asking "
    "for private photos, meeting offline, threats to share images unless paid). They contain no sexually "
    "explicit text and no real people; every message is checked against a list of explicit terms."
)


class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    terms: Annotated[list[Annotated[str, StringConstraints(min_length=2)]], Field(min_length=1)]
    word_boundary: list[str]
    exceptions: dict[str, str]

    @model_validator(mode="after")
    def _known(self) -> _Terms:
        unknown = sorted((set(self.word_boundary) | set(self.exceptions)) - set(self.terms))
        if unknown:
            raise ValueError(f"word_boundary and exceptions may name only listed terms, not {unknown}")
        return self


def read_terms(text: str | None = None, source: str = "explicit_terms.yaml") -> _Terms:
    """The shipped ``explicit_terms.yaml`` (or ``text``), checked; raises ``ContentError`` naming line and field."""
    if text is None:
        entry = resources.files("grooming_detect_training.synth") / "explicit_terms.yaml"
        text, source = entry.read_text(encoding="utf-8"), str(entry)
    terms, _ = read_checked(text, source, _Terms)
    for pattern in terms.exceptions.values():
        re.compile(pattern)
    return terms


_TERMS = read_terms()
EXPLICIT_TERMS: tuple[str, ...] = tuple(_TERMS.terms)
_BOUNDARY_LATIN = frozenset(_TERMS.word_boundary)
_THAI_WORD_EXCEPTIONS = dict(_TERMS.exceptions)


def _pattern(term: str) -> str:
    if term in _THAI_WORD_EXCEPTIONS:
        return _THAI_WORD_EXCEPTIONS[term]
    if term in _BOUNDARY_LATIN:
        return rf"\b{re.escape(term.strip())}\b"
    return re.escape(term)


_EXPLICIT_RE = re.compile("|".join(_pattern(t) for t in EXPLICIT_TERMS), re.IGNORECASE)


def find_explicit(text: str) -> list[str]:
    """Explicit terms found in ``text`` (the terms, never the surrounding text)."""
    return sorted({m.group(0).lower() for m in _EXPLICIT_RE.finditer(text)})
