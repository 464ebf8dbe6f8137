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
from pathlib import Path
from typing import Any

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


def _parse_thresholds(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        category, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--threshold expects CATEGORY=VALUE, got {item!r}")
        try:
            out[category.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--threshold {category.strip()}: not a number") from None
    return out


def _cmd_score(args: argparse.Namespace) -> int:
    from grooming_detect.jsonl import LineError, iter_transcripts
    from grooming_detect.scorer import RiskScorer

    items = list(iter_transcripts(args.input))
    if not items:
        print(f"{args.input}: the file held no transcripts; nothing scored", file=sys.stderr)
        return 1
    scorer = RiskScorer.from_pretrained(args.model, backend=args.backend)
    thresholds = scorer.resolve_thresholds(_parse_thresholds(args.threshold))
    errors = [item for _, item in items if isinstance(item, LineError)]
    for error in errors:
        print(f"{args.input}: {error}", file=sys.stderr)
    if errors and not args.skip_invalid:
        print(f"{len(errors)} invalid line(s); nothing scored (use --skip-invalid to skip them)", file=sys.stderr)
        return 1
    transcripts = [(n, t) for n, t in items if not isinstance(t, LineError)]
    out = open(args.output, "w", encoding="utf-8") if args.output != "-" else sys.stdout
    flagged = 0
    try:
        from tqdm import tqdm

        bar = tqdm(total=len(transcripts), unit="conv", desc="score", file=sys.stderr, disable=args.quiet)
        for start in range(0, len(transcripts), args.batch_size):
            chunk = [t for _, t in transcripts[start : start + args.batch_size]]
            for result in scorer.score_batch(chunk, thresholds=thresholds, return_spans=args.spans):
                out.write(result.model_dump_json() + "\n")
                flagged += result.flagged
            bar.update(len(chunk))
        bar.close()
    finally:
        if out is not sys.stdout:
            out.close()
    print(
        f"scored {len(transcripts)} transcript(s), {flagged} flagged; skipped {len(errors)} invalid line(s)",
        file=sys.stderr,
    )
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from grooming_detect.explain_view import render_explanation
    from grooming_detect.jsonl import LineError, iter_transcripts
    from grooming_detect.scorer import RiskScorer

    found = None
    for number, item in iter_transcripts(args.input):
        if isinstance(item, LineError):
            if args.id is None or number == args.line:
                raise ValueError(str(item))
            continue
        if (args.id is not None and item.id == args.id) or (args.id is None and number == args.line):
            found = item
            break
    if found is None:
        raise ValueError("no such transcript in the file (give --id or --line)")
    scorer = RiskScorer.from_pretrained(args.model, backend=args.backend)
    result = scorer.score(
        found, thresholds=_parse_thresholds(args.threshold), return_spans=True, span_method="exhaustive"
    )
    sys.stdout.write(render_explanation(found, result, color=sys.stdout.isatty() and not args.no_color))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from grooming_detect.api.app import create_app
    from grooming_detect.api.server import check_bind, uvicorn_options
    from grooming_detect.api.settings import Settings

    overrides: dict[str, Any] = {"open_mode": True} if args.open or args.open_remote else {}
    if args.open_remote:
        overrides["open_mode_remote"] = True
    if args.model:
        overrides["model"] = args.model
    if args.backend:
        overrides["backend"] = args.backend
    settings = Settings(**overrides)
    host = args.host or settings.host
    port = args.port or settings.port
    check_bind(settings, host)
    uvicorn.run(create_app(settings), host=host, port=port, **uvicorn_options(settings))
    return 0


def _cmd_keys_new(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from grooming_detect.api.security import ApiKey, KeysFileError, hash_key, new_key, read_keys_file
    from grooming_detect.model_files import first_error

    key = new_key()
    try:
        entry = ApiKey(
            id=args.id, sha256=hash_key(key), scopes=[s.strip() for s in args.scopes.split(",") if s.strip()]
        )
    except ValidationError as exc:
        sys.stderr.write(f"error: {first_error(exc)}\n")
        return 2
    import yaml

    line = yaml.safe_dump([entry.model_dump()], default_flow_style=None, sort_keys=False)
    if args.keys_file is not None:
        try:
            existing = read_keys_file(args.keys_file) if args.keys_file.exists() else []
        except KeysFileError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 2
        if any(k.id == entry.id for k in existing):
            sys.stderr.write(f"error: {args.keys_file} already has a key with id {entry.id}\n")
            return 2
        document = {"keys": [k.model_dump() for k in [*existing, entry]]}
        args.keys_file.write_text(yaml.safe_dump(document, default_flow_style=None, sort_keys=False), encoding="utf-8")
        sys.stderr.write(f"added key {entry.id} to {args.keys_file}\n")
    else:
        sys.stderr.write("add this entry under keys: in the keys file (GROOMING_DETECT_KEYS_FILE):\n" + line)
    sys.stdout.write(key + "\n")  # shown once: the server keeps only the hash
    sys.stderr.write("the key above is shown only now; give it to the client\n")
    return 0


def _add_backend(p: argparse.ArgumentParser) -> None:
    from grooming_detect.backends import BACKEND_ENV, BACKENDS, DEFAULT_BACKEND

    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help=f"encoder runtime (default: ${BACKEND_ENV}, else {DEFAULT_BACKEND}; torch is the reference)",
    )


def _add_builtin(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("normalize", help="normalize Thai chat lines from stdin to stdout, one per line")
    p.set_defaults(func=_cmd_normalize)

    p = sub.add_parser("validate", help="check a JSON Lines transcript file against the schema")
    p.add_argument("path", help="JSON Lines file, one transcript per line")
    p.add_argument("--max-messages", type=int, default=2000)
    p.add_argument("--max-message-chars", type=int, default=4000)
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("score", help="score a JSON Lines file of transcripts")
    p.add_argument("input", help="JSON Lines file, one transcript per line")
    p.add_argument("-o", "--output", default="-", help="output JSON Lines file (default: stdout)")
    p.add_argument("--model", default=None, help="model folder or MLflow URI (default: models/default)")
    _add_backend(p)
    p.add_argument("--threshold", action="append", default=[], metavar="CATEGORY=VALUE")
    p.add_argument("--skip-invalid", action="store_true", help="skip bad lines instead of refusing the file")
    p.add_argument("--spans", action="store_true", help="compute highlighted spans (several times slower)")
    p.add_argument("--no-spans", action="store_true", help="no spans (the default now; kept for old scripts)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("explain", help="print one transcript with its message scores and highlighted spans")
    p.add_argument("input", help="JSON Lines file")
    p.add_argument("--id", help="transcript id (default: the one on --line)")
    p.add_argument("--line", type=int, default=1, help="line number of the transcript (default 1)")
    p.add_argument("--model", default=None)
    _add_backend(p)
    p.add_argument("--threshold", action="append", default=[], metavar="CATEGORY=VALUE")
    p.add_argument("--no-color", action="store_true")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("serve", help="run the moderation HTTP API")
    p.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 8000)")
    p.add_argument("--model", default=None, help="model folder or MLflow URI (default: models/default)")
    _add_backend(p)
    p.add_argument("--open", action="store_true", help="open mode: no API key needed (local trials only)")
    p.add_argument(
        "--open-remote", action="store_true", help="open mode on a non-loopback --host (a proxy must check callers)"
    )
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("keys", help="API keys: make a new one (the server keeps only its hash)")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    k = keys_sub.add_parser("new", help="print a new key once, and its entry for the keys file")
    k.add_argument("--id", required=True, help="the key's id, logged instead of the key (letters, digits, ._-)")
    k.add_argument(
        "--scopes",
        default="score",
        help="comma-separated: score, feedback:write, feedback:read, metrics, admin (default score)",
    )
    k.add_argument("--keys-file", type=Path, default=None, help="append the entry to this YAML keys file")
    k.set_defaults(func=_cmd_keys_new)


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
