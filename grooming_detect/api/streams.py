"""Live conversations for streaming moderation: bounded in number and in idle time, numbers only."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from grooming_detect.scorer import ScoringSession

__all__ = ["ConversationDropped", "ConversationStore"]


class ConversationDropped(LookupError):
    """A live conversation's state was dropped (the store was full, or it sat idle past its time to live):
    appending to it would silently start from zero, so the caller is told instead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConversationStore:
    """LRU map of conversation id -> :class:`ScoringSession` with a time-to-live.

    A session holds the model's GRU state, salted sender hashes and past scores, never message text.
    When full, the least recently used conversation is dropped, and so is one idle past the time to live.
    The ids of dropped conversations are remembered (as many as the store holds, ids only), so that an
    append to one raises :class:`ConversationDropped` rather than silently scoring from an empty state;
    ending it (``delete``) forgets that, and the id can start afresh.
    """

    def __init__(self, max_conversations: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.max_conversations = max_conversations
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, ScoringSession]] = OrderedDict()
        self._dropped: OrderedDict[str, str] = OrderedDict()  # id -> "evicted" or "expired"
        self._lock = threading.Lock()
        self.evicted = 0
        self.expired = 0

    def __len__(self) -> int:
        return len(self._items)

    def _purge(self, now: float) -> None:
        while self._items:
            key, (seen, _) = next(iter(self._items.items()))
            if now - seen < self.ttl_seconds:
                break
            del self._items[key]
            self._remember(key, "expired")
            self.expired += 1

    def _remember(self, conversation_id: str, reason: str) -> None:
        self._dropped[conversation_id] = reason
        self._dropped.move_to_end(conversation_id)
        while len(self._dropped) > self.max_conversations:
            self._dropped.popitem(last=False)

    def get_or_create(self, conversation_id: str, factory: Callable[[], ScoringSession]) -> ScoringSession:
        """The live session of this id, or a new one; :class:`ConversationDropped` if its state was dropped."""
        with self._lock:
            now = self._clock()
            self._purge(now)
            if conversation_id in self._items:
                _, session = self._items.pop(conversation_id)
            elif conversation_id in self._dropped:
                raise ConversationDropped(self._dropped[conversation_id])
            else:
                session = factory()
                while len(self._items) >= self.max_conversations:
                    oldest, _ = self._items.popitem(last=False)
                    self._remember(oldest, "evicted")
                    self.evicted += 1
            self._items[conversation_id] = (now, session)
            return session

    def delete(self, conversation_id: str) -> bool:
        """End a conversation (live or dropped): True if there was one."""
        with self._lock:
            dropped = self._dropped.pop(conversation_id, None) is not None
            return self._items.pop(conversation_id, None) is not None or dropped
