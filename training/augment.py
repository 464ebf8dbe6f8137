"""Counterfactual identity augmentation: the same conversation with other identity and dialect terms.

A copy of a training conversation in which gender particles, sexual-identity terms, religion terms or
dialect markers are swapped for others of the same group keeps its label. Trained on both, the model has
no reason to tie risk to who the speakers are or how they talk; the bias suite's identity-swap floor
measures whether that worked. The term groups are data: ``training/corpus/identity_terms.yaml``.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["TERMS_FILE", "counterfactuals", "swap_groups", "swap_text"]

TERMS_FILE = Path(__file__).resolve().parent / "corpus" / "identity_terms.yaml"


@lru_cache(maxsize=1)
def swap_groups() -> dict[str, list[list[str]]]:
    """Group name -> sets of interchangeable terms (validated: each set has two or more distinct terms)."""
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, dict) or not groups:
        raise ValueError(f"{TERMS_FILE}: 'groups' must map group names to lists of term sets")
    out: dict[str, list[list[str]]] = {}
    for name, sets in groups.items():
        if not isinstance(sets, list) or not sets:
            raise ValueError(f"{TERMS_FILE}: group {name!r} needs a list of term sets")
        for terms in sets:
            if not isinstance(terms, list) or len(set(terms)) < 2 or not all(isinstance(t, str) and t for t in terms):
                raise ValueError(f"{TERMS_FILE}: group {name!r} has a set with fewer than two distinct terms")
        out[str(name)] = [list(dict.fromkeys(terms)) for terms in sets]
    return out


def swap_text(text: str, sets: Sequence[Sequence[str]], rng: random.Random) -> str:
    """``text`` with every term of ``sets`` replaced by another term of its set (one choice per set)."""
    for terms in sets:
        ordered = sorted(terms, key=len, reverse=True)  # the longest term wins (นะครับ before ครับ)
        pattern = re.compile("|".join(re.escape(t) for t in ordered))
        choice: dict[str, str] = {t: rng.choice([u for u in terms if u != t]) for t in terms}

        def swap(m: re.Match[str], choice: dict[str, str] = choice) -> str:
            return choice[m.group(0)]

        text = pattern.sub(swap, text)
    return text


def counterfactuals(records: Sequence[dict[str, Any]], share: float, seed: int) -> list[dict[str, Any]]:
    """Identity-swapped copies of about ``share`` of ``records`` (only copies whose text changed)."""
    if share <= 0:
        return []
    groups = swap_groups()
    names = sorted(groups)
    rng = random.Random(f"{seed}:counterfactual")
    out = []
    for record in records:
        if rng.random() >= share:
            continue
        # a group the conversation holds terms of, so that a drawn record is copied: drawing among all
        # groups left most draws unchanged, and rare groups (religion, nationality) almost never swapped
        text = " ".join(m["text"] for m in record["messages"])
        present = [g for g in names if any(t in text for terms in groups[g] for t in terms)]
        if not present:
            continue
        group = rng.choice(present)
        twin = copy.deepcopy(record)
        changed = False
        for message in twin["messages"]:
            new = swap_text(message["text"], groups[group], rng)
            changed |= new != message["text"]
            message["text"] = new
        if changed:
            twin["id"] = f"{record['id']}~cf-{group}"
            twin["metadata"] = {**twin["metadata"], "counterfactual": group}
            out.append(twin)
    return out
