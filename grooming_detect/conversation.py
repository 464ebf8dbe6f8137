"""The conversation step: message vectors -> the risk of the conversation so far, after each message.

One implementation, shared by training (padded batches of whole conversations), batch scoring and
streaming (one conversation whose state is carried between calls), so that the three cannot drift apart:
senders become speaker slots by order of first appearance, the conversation head reads the new messages
from the carried GRU state, and the aggregate turns the head's per-message logits into the risk so far.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["AGGREGATES", "ConversationStep", "so_far", "speaker_slots"]

AGGREGATES = ("max", "last")
"""``max``: the highest risk so far (never falls); ``last``: the head's reading after the latest message."""


def so_far(logits: np.ndarray, aggregate: str, running: np.ndarray | None = None) -> np.ndarray:
    """Per-message logits (T, C) -> risk of the conversation so far after each message.

    ``running`` (C,) is the risk so far before these messages, so a conversation can continue in pieces.
    """
    if aggregate == "max":
        if not len(logits):
            return logits
        out = np.maximum.accumulate(logits, axis=0)
        return out if running is None else np.maximum(out, running)
    if aggregate == "last":
        return logits
    raise ValueError(f"unknown aggregate {aggregate!r}; known: {', '.join(AGGREGATES)}")


def speaker_slots(senders: Sequence[str], slots: int, seen: dict[str, int] | None = None) -> list[int]:
    """Slot of each sender by order of first appearance; ``seen`` carries the map across calls (streaming).

    Senders past the last slot share it: the head tells the first few apart, the rest are "others".
    """
    seen = {} if seen is None else seen
    out = []
    for sender in senders:
        if sender not in seen:
            seen[sender] = min(len(seen), slots - 1)
        out.append(seen[sender])
    return out


class ConversationStep:
    """Runs a conversation head (``ConversationHead`` or ``HeadEnsemble``) over conversations.

    The head is any module called as ``head(vectors (B, T, D), speakers (B, T), state, roles (B, T),
    all_states=False)`` that returns per-message logits (B, T, C) and its GRU state (1, B, H), or with
    ``all_states`` the state after every message (B, T, H).
    """

    def __init__(self, head: nn.Module, slots: int, aggregate: str) -> None:
        so_far(np.zeros((0, 1)), aggregate)  # an unknown aggregate fails here, not mid-conversation
        self.head = head
        self.slots = slots
        self.aggregate = aggregate

    def __call__(
        self,
        vectors: torch.Tensor,
        speakers: Sequence[int],
        roles: Sequence[int],
        hidden: torch.Tensor | None = None,
        running: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, torch.Tensor | None]:
        """One conversation's next messages ``vectors`` (T, D), read from the state after the earlier ones.

        Returns each message's own logits (T, C), the risk so far after each (T, C), and the GRU state
        after the last message (``hidden`` again when there are no messages).
        """
        if not len(vectors):
            empty = np.zeros((0, 0))
            return empty, empty, hidden
        return self._read(vectors, speakers, roles, hidden, running, all_states=False)

    def _read(
        self,
        vectors: torch.Tensor,
        speakers: Sequence[int],
        roles: Sequence[int],
        hidden: torch.Tensor | None,
        running: np.ndarray | None,
        *,
        all_states: bool,
    ) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
        """One pass of the head over one conversation's messages: own logits, risk so far, and the final
        GRU state (or, with ``all_states``, the state after every message, (1, T, H))."""
        with torch.inference_mode():
            logits, state = self.head(
                vectors[None],
                torch.tensor([list(speakers)]),
                hidden,
                torch.tensor([list(roles)]),
                all_states=all_states,
            )
        raw = logits[0].double().numpy()
        return raw, so_far(raw, self.aggregate, running), state

    def states(
        self,
        vectors: torch.Tensor,
        speakers: Sequence[int],
        roles: Sequence[int],
        hidden: torch.Tensor | None = None,
        running: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, list[torch.Tensor | None]]:
        """As :meth:`__call__`, but the GRU state before each message and after the last (T + 1 of them),
        from one pass of the head: what spans re-read variants of a message in."""
        if not len(vectors):
            empty = np.zeros((0, 0))
            return empty, empty, [hidden]
        raw, cum, sequence = self._read(vectors, speakers, roles, hidden, running, all_states=True)
        after = [sequence[:, t][None].contiguous() for t in range(sequence.shape[1])]  # each (1, 1, H)
        return raw, cum, [hidden, *after]

    def variants(
        self,
        vectors: torch.Tensor,
        speakers: Sequence[int],
        roles: Sequence[int],
        hidden: Sequence[torch.Tensor | None],
    ) -> np.ndarray:
        """Logits (N, C) of N alternative message texts (N, D), each read in its own state before it (a
        (1, 1, H) GRU state, or None at a conversation's start), all in one pass of the head: how a
        message's wording moves the risk (highlighted spans)."""
        n = len(vectors)
        if not n:
            return np.zeros((0, 0))
        width = next((h.shape[-1] for h in hidden if h is not None), None)
        state = None
        if width is not None:
            zeros = torch.zeros((1, 1, width))
            state = torch.cat([zeros if h is None else h for h in hidden], dim=1)
        with torch.inference_mode():
            logits, _ = self.head(
                vectors[:, None],
                torch.tensor(list(speakers), dtype=torch.long)[:, None],
                state,
                torch.tensor(list(roles), dtype=torch.long)[:, None],
            )
        return logits[:, 0].double().numpy()

    def batch(
        self,
        vectors: Sequence[torch.Tensor],
        speakers: Sequence[Sequence[int]],
        roles: Sequence[Sequence[int]],
        batch_size: int = 128,
    ) -> list[np.ndarray]:
        """Whole conversations at once (padded, ``batch_size`` at a time) -> the risk so far (T_i, C) of each.

        The head is causal, so padding after a conversation's end changes none of its figures.
        """
        out: list[np.ndarray] = []
        with torch.inference_mode():
            for start in range(0, len(vectors), batch_size):
                part = list(vectors[start : start + batch_size])
                width = max((len(v) for v in part), default=0)
                if not width:
                    out.extend(np.zeros((0, 0)) for _ in part)
                    continue
                x = torch.zeros((len(part), width, part[0].shape[-1]))
                spk = torch.zeros((len(part), width), dtype=torch.long)
                rol = torch.zeros((len(part), width), dtype=torch.long)
                for i, v in enumerate(part):
                    n = len(v)
                    x[i, :n] = v
                    spk[i, :n] = torch.tensor(list(speakers[start + i]), dtype=torch.long)
                    rol[i, :n] = torch.tensor(list(roles[start + i]), dtype=torch.long)
                logits, _ = self.head(x, spk, None, rol)
                raw = logits.double().numpy()
                out.extend(so_far(raw[i, : len(v)], self.aggregate) for i, v in enumerate(part))
        return out
