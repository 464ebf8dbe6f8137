"""Read a YAML data file and check it against a pydantic schema, with errors that name file, line and field.

Every data file of the generator (templates, lexicon, explicit terms) is read through here, so a typo in
any of them fails the same way: ``content/grooming/secrecy.yaml:12: stages.0.families: ...``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from grooming_detect.jsonl import field_path

__all__ = ["ContentError", "Lines", "field_name", "line_of", "parse", "read_checked"]

Path = tuple[str | int, ...]
Lines = dict[Path, int]
M = TypeVar("M", bound=BaseModel)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """A data file that does not fit its schema; the message names the file, the line and the field."""


def parse(text: str, source: str) -> tuple[Any, Lines]:
    """The file's data, and the line (1-based) of every mapping key, list item and value, by path."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ContentError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if root is None:
        raise ContentError(f"{source}: the file is empty")
    scalars = yaml.SafeLoader("")
    lines: Lines = {}

    def build(node: yaml.Node, path: Path) -> Any:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ContentError(f"{source}:{key_node.start_mark.line + 1}: a mapping key must be a plain value")
                key = scalars.construct_object(key_node)
                if key in out:
                    raise ContentError(
                        f"{source}:{key_node.start_mark.line + 1}: {field_name((*path, key))}: repeated key"
                    )
                key_path = (*path, key)
                lines[key_path] = key_node.start_mark.line + 1
                out[key] = build(value_node, key_path)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(node.value)]
        return scalars.construct_object(node)

    return build(root, ()), lines


def field_name(path: Iterable[object]) -> str:
    return field_path(path, "(top level)")


def line_of(lines: Lines, path: Iterable[str | int]) -> int:
    """The line of ``path``, or of its longest prefix found in the file (a missing field: its parent)."""
    path = tuple(path)
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def read_checked(text: str, source: str, schema: type[M]) -> tuple[M, Lines]:
    """Parse ``text`` and validate it as ``schema``; at most ten problems, each with its line."""
    data, lines = parse(text, source)
    try:
        return schema.model_validate(data), lines
    except ValidationError as exc:
        problems = [
            f"{source}:{line_of(lines, err['loc'])}: {field_name(err['loc'])}: {err['msg']}"
            for err in exc.errors()[:10]
        ]
        raise ContentError("\n".join(problems)) from None
