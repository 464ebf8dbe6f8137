"""The ``grooming-detect`` command line.

Inference commands live here. Training and evaluation commands are plugged in through the
``grooming_detect.commands`` entry-point group, so that this package never imports training code and
a serving install without the ``train`` extra still has a working CLI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from grooming_detect import __version__

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]


def _cmd_normalize(args: argparse.Namespace) -> int:
    from grooming_detect.normalize import iter_normalized

    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", newline=None, closefd=False)
    for line in iter_normalized(line.rstrip("\r\n") for line in stdin):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from grooming_detect.jsonl import read_transcripts
    from grooming_detect.schema import TranscriptLimits

    limits = TranscriptLimits(args.max_messages, args.max_message_chars)
    result = read_transcripts(args.path, skip_invalid=True, limits=limits)
    for error in result.skipped:
        print(f"{args.path}: {error}", file=sys.stderr)
    print(f"{len(result.transcripts)} valid transcript(s), {len(result.skipped)} invalid line(s)")
    return 1 if result.skipped else 0


def _add_builtin(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("normalize", help="normalize Thai chat lines from stdin to stdout, one per line")
    p.set_defaults(func=_cmd_normalize)

    p = sub.add_parser("validate", help="check a JSON Lines transcript file against the schema")
    p.add_argument("path", help="JSON Lines file, one transcript per line")
    p.add_argument("--max-messages", type=int, default=2000)
    p.add_argument("--max-message-chars", type=int, default=4000)
    p.set_defaults(func=_cmd_validate)


def _add_plugins(sub: argparse._SubParsersAction) -> None:
    for ep in sorted(entry_points(group="grooming_detect.commands"), key=lambda e: e.name):
        try:
            register = ep.load()
        except ImportError as exc:
            missing = exc.name or "a dependency"
            p = sub.add_parser(ep.name, help=f"(unavailable: {missing} is not installed)")
            p.set_defaults(func=_unavailable(ep.name, missing))
            continue
        register(sub)


def _unavailable(name: str, missing: str) -> Handler:
    def run(args: argparse.Namespace) -> int:
        print(
            f"grooming-detect {name}: needs {missing}; install with: pip install 'grooming-detect[all]'",
            file=sys.stderr,
        )
        return 2

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grooming-detect",
        description="Score Thai chat transcripts for online grooming and sextortion risk.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_builtin(sub)
    _add_plugins(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except (ValueError, OSError) as exc:
        # Messages from our own code never carry transcript text; see jsonl.py.
        print(f"grooming-detect {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
