"""Terminal rendering of a scored transcript: message scores, tactics and highlighted spans."""

from __future__ import annotations

from grooming_detect.schema import Transcript
from grooming_detect.scores import TranscriptScore

__all__ = ["render_explanation"]

_ON, _OFF = "\x1b[1;31m", "\x1b[0m"


def _highlight(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    """Mark spans with ANSI red, or with [[ ]] when the terminal has no colour."""
    start_mark, end_mark = (_ON, _OFF) if color else ("[[", "]]")
    out, pos = [], 0
    for begin, end in sorted(spans):
        if begin < pos:
            continue
        out += [text[pos:begin], start_mark, text[begin:end], end_mark]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def render_explanation(transcript: Transcript, result: TranscriptScore, color: bool = False) -> str:
    scores = ", ".join(f"{c} {s:.2f}" for c, s in result.category_scores.items())
    lines = [
        f"transcript {transcript.id}  [{result.risk_level} risk]  {scores}",
        f"model {result.model} {result.model_version}; thresholds "
        + ", ".join(f"{c} {t:.2f}" for c, t in result.thresholds.items()),
        f"first alert at message {result.first_alert_index}" if result.first_alert_index is not None else "no alert",
        "tactics: "
        + (", ".join(f"{t.tactic} at message {t.first_index}" for t in result.tactics) if result.tactics else "none"),
        "",
    ]
    for message, score in zip(transcript.messages, result.messages, strict=True):
        marker = "!" if score.flagged else " "
        step = " ".join(f"{c[:4]} {v:.2f}" for c, v in score.step_scores.items())
        spans = [(s.begin, s.end) for s in score.spans]
        tags = f" <{', '.join(score.tactics)}>" if score.tactics else ""
        lines.append(
            f"{marker} {score.index:>3} {message.sender[:12]:<12} [{step}] {_highlight(message.text, spans, color)}"
            f"{tags}"
        )
    return "\n".join(lines) + "\n"
