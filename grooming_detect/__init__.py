"""grooming-detect: Thai chat grooming and sextortion risk scoring, offline and self-hosted.

The public surface is small on purpose: :class:`RiskScorer`, the transcript schema, the result schemas
and the text normalizer. Everything else is reached through its module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grooming_detect.normalize import NormalizedText, normalize_text
from grooming_detect.schema import Message, Transcript, TranscriptLimits
from grooming_detect.scores import MessageScore, Span, TranscriptScore

if TYPE_CHECKING:
    from grooming_detect.scorer import RiskScorer

__version__ = "0.1.0"

__all__ = [
    "Message",
    "MessageScore",
    "NormalizedText",
    "RiskScorer",
    "Span",
    "Transcript",
    "TranscriptLimits",
    "TranscriptScore",
    "__version__",
    "normalize_text",
]


def __getattr__(name: str) -> Any:
    # RiskScorer pulls in torch and transformers; import it only when asked for, so that the CLI, the
    # schema and the normalizer start fast.
    if name == "RiskScorer":
        from grooming_detect.scorer import RiskScorer

        return RiskScorer
    raise AttributeError(f"module 'grooming_detect' has no attribute {name!r}")
