"""JSON Lines reading and writing of transcripts.

Errors name the line number and the reason, never the line's content: transcripts are children's
private messages and error text ends up in logs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from grooming_detect.schema import DEFAULT_LIMITS, Transcript, TranscriptLimits

__all__ = [
    "LineError",
    "ReadResult",
    "TranscriptFileError",
    "field_path",
    "format_validation_error",
    "iter_transcripts",
    "read_transcripts",
    "write_transcripts",
]


@dataclass(frozen=True)
class LineError:
    """A rejected line: its 1-based number and why (no content)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class TranscriptFileError(ValueError):
    """A transcript file could not be read as a whole; ``errors`` lists every bad line found."""

    def __init__(self, source: str, errors: list[LineError]) -> None:
        self.source = source
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{source}: {len(errors)} invalid line(s): {shown}{more}")


@dataclass
class ReadResult:
    """Transcripts read from a file and the lines skipped (only non-empty with ``skip_invalid``)."""

    transcripts: list[Transcript] = field(default_factory=list)
    skipped: list[LineError] = field(default_factory=list)


def field_path(loc: Iterable[object], empty: str = "<root>") -> str:
    """A pydantic error location (or a path into a data file) as ``messages.0.text``; ``empty`` for the top."""
    return ".".join(str(p) for p in loc) or empty


def format_validation_error(error: ValidationError) -> str:
    """Field paths and messages of a pydantic error, without the offending input values."""
    items = error.errors(include_input=False, include_url=False)
    return "; ".join(f"{field_path(item['loc'])}: {item['msg']}" for item in items)


def _parse_line(raw: bytes, limits: TranscriptLimits) -> Transcript:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 at byte {exc.start}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    try:
        return Transcript.model_validate(obj, context={"limits": limits})
    except ValidationError as exc:
        raise ValueError(format_validation_error(exc)) from None


def iter_transcripts(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    limits: TranscriptLimits = DEFAULT_LIMITS,
) -> Iterator[tuple[int, Transcript | LineError]]:
    """Yield ``(line_number, transcript)``, or a :class:`LineError` for a bad line, in file order.

    Blank lines are ignored. Streaming, so a file larger than memory can be scored.
    """
    handle: IO[bytes]
    if isinstance(source, str | os.PathLike):
        handle = open(source, "rb")
        close = True
    else:
        handle, close = source, False
    try:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                yield number, _parse_line(raw, limits)
            except ValueError as exc:
                yield number, LineError(number, str(exc))
    finally:
        if close:
            handle.close()


def read_transcripts(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    skip_invalid: bool = False,
    limits: TranscriptLimits = DEFAULT_LIMITS,
) -> ReadResult:
    """Read a whole JSON Lines file.

    Strict by default: any bad line rejects the file with a :class:`TranscriptFileError` listing
    every bad line. With ``skip_invalid=True`` bad lines are skipped and reported in ``skipped``.
    Duplicate transcript ids are an error too, since results are keyed by id.
    """
    name = str(source) if isinstance(source, str | os.PathLike) else getattr(source, "name", "<stream>")
    result = ReadResult()
    seen: set[str] = set()
    for number, item in iter_transcripts(source, limits=limits):
        if isinstance(item, Transcript):
            if item.id in seen:
                result.skipped.append(LineError(number, "duplicate transcript id"))
                continue
            seen.add(item.id)
            result.transcripts.append(item)
        else:
            result.skipped.append(item)
    if result.skipped and not skip_invalid:
        raise TranscriptFileError(name, result.skipped)
    return result


def write_transcripts(path: str | os.PathLike[str], transcripts: Iterable[Transcript]) -> int:
    """Write transcripts atomically (a crash never leaves a half-written file). Returns the count."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for transcript in transcripts:
                out.write(transcript.model_dump_json())
                out.write("\n")
                count += 1
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
