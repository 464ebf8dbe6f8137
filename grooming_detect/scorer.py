"""``RiskScorer``: the one class moderators' tools call.

Scoring runs the conversation step (``grooming_detect.conversation``, the same one training uses) from the
state after the earlier messages, whether the transcript arrives whole (:meth:`RiskScorer.score`) or
message by message (:meth:`RiskScorer.stream`), so both give the same numbers. A streaming session keeps
only numbers: the GRU state, salted hashes of sender ids, the risk so far per category and past message
scores; never text.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from grooming_detect.backends import resolve_backend
from grooming_detect.conversation import ConversationStep, speaker_slots
from grooming_detect.explain import ReadMany, SpanMethod, explain_messages
from grooming_detect.model import RiskModel
from grooming_detect.normalize import normalize_all
from grooming_detect.schema import Message, Transcript
from grooming_detect.scores import MessageScore, RiskLevel, Span, TacticSeen, TranscriptScore
from grooming_detect.tactics import ROLE_INDEX

__all__ = ["DEFAULT_MODEL_ENV", "ConversationFull", "RiskScorer", "ScoringSession", "resolve_model_path"]

DEFAULT_MODEL_ENV = "GROOMING_DETECT_MODEL"
_REPO_DEFAULT = Path(__file__).resolve().parent.parent / "models" / "default"
_PACKAGED_DEFAULT = Path(__file__).resolve().parent / "default_model"
"""Where a wheel installs the shipped model (pyproject's package-dir maps models/default there)."""


def resolve_model_path(path_or_uri: str | os.PathLike[str] | None = None) -> Path:
    """A local model folder for a path, an MLflow URI (``models:/name@alias``, ``runs:/...``) or the default.

    The default is ``$GROOMING_DETECT_MODEL``, else the model installed with the package (a wheel), else the
    ``models/default`` folder of this source tree.
    """
    if path_or_uri is None or str(path_or_uri) == "default":
        env = os.environ.get(DEFAULT_MODEL_ENV)
        if env:
            return Path(env)
        return _PACKAGED_DEFAULT if (_PACKAGED_DEFAULT / "config.json").is_file() else _REPO_DEFAULT
    text = str(path_or_uri)
    if text.startswith(("models:/", "runs:/")):
        try:
            import mlflow
        except ImportError:  # pragma: no cover - depends on the install
            raise ImportError("loading from MLflow needs mlflow: pip install 'grooming-detect[all]'") from None
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=text))
        for candidate in (local, local / "artifacts" / "model", local / "model"):
            if (candidate / "config.json").is_file() and (candidate / "head.safetensors").is_file():
                return candidate
        raise FileNotFoundError(f"{text} holds no grooming-detect model folder")
    return Path(text)


def _risk_level(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> RiskLevel:
    if any(scores[c] >= thresholds[c] for c in thresholds):
        return "high"
    if any(scores[c] >= thresholds[c] / 2 for c in thresholds):
        return "medium"
    return "low"


@dataclass
class _State:
    """Everything needed to continue a conversation: numbers only."""

    salt: bytes
    hidden: torch.Tensor | None = None
    speakers: dict[str, int] = field(default_factory=dict)
    running: np.ndarray | None = None
    first_alert: int | None = None
    first_alerts: dict[str, int] = field(default_factory=dict)
    messages: list[MessageScore] = field(default_factory=list)
    tactics: dict[str, TacticSeen] = field(default_factory=dict)


class RiskScorer:
    """Scores transcripts with a saved model. Load with :meth:`from_pretrained`."""

    def __init__(self, model: RiskModel) -> None:
        self.model = model.eval()
        self.categories = tuple(model.config.categories)
        self._step = ConversationStep(model.head, model.config.speaker_slots, model.config.aggregate)

    @classmethod
    def from_pretrained(
        cls, path_or_uri: str | os.PathLike[str] | None = None, *, backend: str | None = None
    ) -> RiskScorer:
        """Load ``models/default``, any saved folder, or ``models:/grooming-detect@champion`` from MLflow.

        ``backend`` is the encoder's runtime: ``onnx`` (the default: fp32, torch's figures at about twice
        its speed), ``onnx-int8`` (faster; scores vary slightly with batch neighbours, see
        ``grooming_detect.backends``) or ``torch`` (the reference, and what training uses); unset,
        ``$GROOMING_DETECT_BACKEND`` decides. An ONNX backend is built from the model's weights on first
        use and cached (``grooming_detect.encoder_onnx``).
        """
        return cls(RiskModel.load(resolve_model_path(path_or_uri), backend=resolve_backend(backend)))

    @property
    def backend(self) -> str:
        """The encoder's runtime (``onnx-int8``, ``onnx`` or ``torch``), reported beside the model version."""
        return self.model.encoder.backend

    @property
    def name(self) -> str:
        return self.model.config.name

    @property
    def version(self) -> str:
        return self.model.config.version

    @property
    def thresholds(self) -> dict[str, float]:
        return {c: float(self.model.thresholds[c]) for c in self.categories}

    def resolve_thresholds(self, thresholds: Mapping[str, float] | None) -> dict[str, float]:
        """The model's thresholds with the caller's overrides; unknown categories or values outside 0..1 fail."""
        out = self.thresholds
        for category, value in (thresholds or {}).items():
            if category not in out:
                # the caller's key is not repeated: an error body or log line must not carry client input
                raise ValueError(f"a threshold names an unknown category; known: {', '.join(self.categories)}")
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"threshold for {category!r} must be a number between 0 and 1")
            out[category] = float(value)
        return out

    # --- scoring ------------------------------------------------------------------------------------------

    def _probs(self, logits: np.ndarray) -> np.ndarray:
        return self.model.probabilities(logits)

    def _slot(self, state: _State, sender: str) -> int:
        key = hashlib.blake2b(sender.encode("utf-8", "surrogatepass"), key=state.salt, digest_size=16).hexdigest()
        return speaker_slots([key], self.model.config.speaker_slots, state.speakers)[0]

    def _advance(
        self,
        state: _State,
        messages: Sequence[Message],
        normalized: Sequence[str],
        vectors: torch.Tensor,
        thresholds: Mapping[str, float],
        return_spans: bool,
        span_method: SpanMethod = "fast",
    ) -> None:
        """Run the conversation step over the new messages and append their scores to ``state``.

        ``normalized`` is each message's normalized text and ``vectors`` its encoding (see :meth:`encode`)."""
        if not messages:
            return
        names = self.model.config.tactics
        tactic_probs = self.model.tactic_probs(vectors, normalized) if names else None
        slots = [self._slot(state, m.sender) for m in messages]
        roles = [ROLE_INDEX[m.role] for m in messages]
        before: list[torch.Tensor | None] = []
        if return_spans:  # spans re-read each message in the state before it
            raw, cum, before = self._step.states(vectors, slots, roles, state.hidden, state.running)
            state.hidden = before.pop()
        else:
            raw, cum, state.hidden = self._step(vectors, slots, roles, state.hidden, state.running)
        state.running = cum[-1]
        probs, step_probs = self._probs(cum), self._probs(raw)
        spans_of: dict[int, list[Span]] = {}
        if return_spans:
            items = [(i, m.text, step_probs[i]) for i, m in enumerate(messages)]
            tagger = self.model.tagger
            spans_of = explain_messages(
                self._variants_reader(slots, roles, before),
                self.categories,
                items,
                thresholds,
                method=span_method,
                weigh=tagger.char_weights if tagger is not None else None,
            )
        for i in range(len(messages)):
            index = len(state.messages)
            scores = {c: float(probs[i, j]) for j, c in enumerate(self.categories)}
            flagged = any(scores[c] >= thresholds[c] for c in self.categories)
            if flagged and state.first_alert is None:
                state.first_alert = index
            for c in self.categories:
                if scores[c] >= thresholds[c]:
                    state.first_alerts.setdefault(c, index)
            spans = spans_of.get(i, [])
            found = {}
            if tactic_probs is not None:
                found = {
                    t: float(tactic_probs[i, k])
                    for k, t in enumerate(names)
                    if tactic_probs[i, k] >= self.model.tactic_thresholds[t]
                }
            for tactic, p in found.items():
                seen = state.tactics.get(tactic)
                if seen is None:
                    state.tactics[tactic] = TacticSeen(tactic=tactic, first_index=index, score=p, count=1)
                else:
                    seen.score, seen.count = max(seen.score, p), seen.count + 1
            state.messages.append(
                MessageScore(
                    index=index,
                    category_scores=scores,
                    step_scores={c: float(step_probs[i, j]) for j, c in enumerate(self.categories)},
                    flagged=flagged,
                    tactics=found,
                    spans=spans,
                )
            )

    def _variants_reader(
        self, slots: Sequence[int], roles: Sequence[int], before: Sequence[torch.Tensor | None]
    ) -> ReadMany:
        """Step risk of variant texts of several messages (spans): all of them encoded in one call and read
        by the head in one pass, each in the conversation state before its message."""

        def read(groups: list[tuple[int, list[str]]]) -> list[np.ndarray]:
            owners = [i for i, texts in groups for _ in texts]
            vectors = self.encode([text for _, texts in groups for text in texts])
            probs = self._probs(
                self._step.variants(
                    vectors, [slots[i] for i in owners], [roles[i] for i in owners], [before[i] for i in owners]
                )
            )
            out, start = [], 0
            for _, texts in groups:
                out.append(probs[start : start + len(texts)])
                start += len(texts)
            return out

        return read

    def _result(self, state: _State, transcript_id: str | None, thresholds: Mapping[str, float]) -> TranscriptScore:
        last = state.messages[-1].category_scores if state.messages else dict.fromkeys(self.categories, 0.0)
        categories = {c: last[c] >= thresholds[c] for c in self.categories}
        return TranscriptScore(
            id=transcript_id,
            category_scores=dict(last),
            categories=categories,
            flagged=any(categories.values()),
            risk_level=_risk_level(last, thresholds),
            first_alert_index=state.first_alert,
            first_alert_by_category={c: state.first_alerts.get(c) for c in self.categories},
            thresholds=dict(thresholds),
            tactics=[
                seen.model_copy() for seen in sorted(state.tactics.values(), key=lambda s: (s.first_index, s.tactic))
            ],
            model=self.name,
            model_version=self.version,
            messages=list(state.messages),
        )

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """Raw message texts -> vectors: the normalizer, then the encoder (the first two pipeline steps)."""
        return self._encode_normalized(normalize_all(texts))

    def _encode_normalized(self, normalized: Sequence[str]) -> torch.Tensor:
        with torch.inference_mode():
            return self.model.encoder(list(normalized))

    def score(
        self,
        transcript: Transcript,
        *,
        thresholds: Mapping[str, float] | None = None,
        return_spans: bool = False,
        span_method: SpanMethod = "fast",
    ) -> TranscriptScore:
        """Score a whole transcript: per-message risk so far, first alert, spans.

        ``span_method`` is how spans are found (``grooming_detect.explain``): ``fast`` (the tactic-like words,
        verified together by one occlusion: at most about 2x the cost of no spans) or ``exhaustive`` (every
        word occluded; several times slower, what ``grooming-detect explain`` shows)."""
        return self.score_batch(
            [transcript], thresholds=thresholds, return_spans=return_spans, span_method=span_method
        )[0]

    def score_batch(
        self,
        transcripts: Iterable[Transcript],
        *,
        thresholds: Mapping[str, float] | None = None,
        return_spans: bool = False,
        span_method: SpanMethod = "fast",
    ) -> list[TranscriptScore]:
        """Score many transcripts, encoding their messages together for speed (``span_method``: see :meth:`score`)."""
        transcripts = list(transcripts)
        resolved = self.resolve_thresholds(thresholds)
        normalized = normalize_all([m.text for t in transcripts for m in t.messages])
        vectors = self._encode_normalized(normalized)
        out, start = [], 0
        for transcript in transcripts:
            n = len(transcript.messages)
            state = _State(salt=secrets.token_bytes(16))
            part = slice(start, start + n)
            self._advance(
                state, transcript.messages, normalized[part], vectors[part], resolved, return_spans, span_method
            )
            out.append(self._result(state, transcript.id, resolved))
            start += n
        return out

    def stream(
        self,
        conversation_id: str | None = None,
        *,
        thresholds: Mapping[str, float] | None = None,
        return_spans: bool = False,
    ) -> ScoringSession:
        """A session that takes messages one at a time; its scores equal :meth:`score` on the same messages."""
        return ScoringSession(self, conversation_id, self.resolve_thresholds(thresholds), return_spans)


class ConversationFull(ValueError):
    """Appending would take a live conversation past its message limit; nothing was appended."""


class ScoringSession:
    """A live conversation. Keeps the GRU state and numbers only, never message text."""

    def __init__(
        self, scorer: RiskScorer, conversation_id: str | None, thresholds: dict[str, float], return_spans: bool
    ) -> None:
        self.scorer = scorer
        self.conversation_id = conversation_id
        self.thresholds = thresholds
        self.return_spans = return_spans
        self._state = _State(salt=secrets.token_bytes(16))
        self._lock = threading.Lock()  # two requests for one conversation must not interleave

    @property
    def message_count(self) -> int:
        return len(self._state.messages)

    def add(self, messages: Message | Sequence[Message], *, max_messages: int | None = None) -> TranscriptScore:
        """Append one or more messages and return the updated score of the whole conversation so far.

        With ``max_messages``, raises :class:`ConversationFull` (appending nothing) when the conversation
        would hold more; checked under the session's lock, so concurrent appends cannot pass it together."""
        batch = [messages] if isinstance(messages, Message) else list(messages)
        with self._lock:
            total = len(self._state.messages) + len(batch)
            if max_messages is not None and total > max_messages:
                raise ConversationFull(f"conversation would hold {total} messages; the limit is {max_messages}")
            if batch:
                normalized = normalize_all([m.text for m in batch])
                vectors = self.scorer._encode_normalized(normalized)
                self.scorer._advance(self._state, batch, normalized, vectors, self.thresholds, self.return_spans)
            return self.scorer._result(self._state, self.conversation_id, self.thresholds)
