"""The README's examples show what the shipped code really answers.

Every ``python`` block of README.md whose first line is ``# checked`` is run top to bottom on the shipped
model. A line ``expression  # => value`` is an answer the README claims: ``value`` (a Python literal) must
equal the expression's value, with floats compared at the two decimals the README prints.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
CLAIM = re.compile(r"^(?P<expr>[^#]+?)\s+# => (?P<value>.+)$")


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if b.startswith("# checked")]


def _same(actual: Any, claimed: Any) -> bool:
    if isinstance(claimed, float) and isinstance(actual, int | float) and not isinstance(actual, bool):
        return abs(actual - claimed) <= 0.005 + 1e-9
    if isinstance(claimed, dict) and isinstance(actual, dict):
        return actual.keys() == claimed.keys() and all(_same(actual[k], claimed[k]) for k in claimed)
    if isinstance(claimed, list | tuple) and isinstance(actual, list | tuple):
        return len(actual) == len(claimed) and all(_same(a, c) for a, c in zip(actual, claimed, strict=True))
    return actual == claimed


def test_the_readme_has_checked_examples() -> None:
    assert _blocks(), "README.md lost its checked examples"
    assert sum(bool(CLAIM.match(line)) for b in _blocks() for line in b.splitlines()) >= 4


@pytest.mark.parametrize("index", range(len(_blocks())))
def test_readme_example_answers(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(README.parent)
    scope: dict[str, Any] = {}
    source: list[str] = []
    for line in _blocks()[index].splitlines():
        match = CLAIM.match(line)
        if not match:
            source.append(line)
            continue
        exec("\n".join(source), scope)
        source = []
        actual = eval(match["expr"], scope)
        claimed = ast.literal_eval(match["value"].strip())
        assert _same(actual, claimed), f"README says {match['expr'].strip()} is {claimed!r}; it is {actual!r}"
    exec("\n".join(source), scope)
