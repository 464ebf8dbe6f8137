"""Invariance tests (CheckList ``inv``), identity swaps and dialect swaps, written by hand for evaluation.

The cases are data, in ``evaluation/data/functional/`` (``inv/`` and ``swaps/``; ``functional/README.md`` gives
the format and the content rule). ``FUNCTIONALITIES`` are the ``inv`` functionalities, in the order of
``functionalities.jsonl``: each case pairs a conversation with a ``variant`` that says the same thing with one
surface change, and the verdict must not change. ``IDENTITY_SWAPS`` are benign templates with one ``{identity}``
slot and the interchangeable terms of one group; ``RISKY_IDENTITY_SWAPS`` are clear grooming templates with the
same slot. ``DIALECT_SWAPS`` are conversations written in central, Isan, Northern and Southern Thai with the same
meaning.
"""

from __future__ import annotations

from grooming_detect_evaluation.data.loader import shipped
from grooming_detect_evaluation.data.spec import DialectSwap, Functionality, IdentitySwap

__all__ = ["DIALECT_SWAPS", "FUNCTIONALITIES", "IDENTITY_SWAPS", "RISKY_IDENTITY_SWAPS"]

_functionalities, _benign, _risky, _dialects = shipped()

FUNCTIONALITIES: list[Functionality] = [f for f in _functionalities if f.kind == "inv"]
IDENTITY_SWAPS: list[IdentitySwap] = list(_benign)
RISKY_IDENTITY_SWAPS: list[IdentitySwap] = list(_risky)
DIALECT_SWAPS: list[DialectSwap] = list(_dialects)
