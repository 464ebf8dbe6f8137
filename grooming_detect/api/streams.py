"""Live conversations for streaming moderation: bounded in number and in idle time, numbers only."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from grooming_detect.scorer import ScoringSession

__all__ = ["ConversationStore"]


class ConversationStore:
    """LRU map of conversation id -> :class:`ScoringSession` with a time-to-live.

    A session holds the model's GRU state, salted sender hashes and past scores, never message text.
    When full, the least recently used conversation is dropped; an expired one starts afresh.
    """

    def __init__(self, max_conversations: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.max_conversations = max_conversations
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, ScoringSession]] = OrderedDict()
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
            self.expired += 1

    def get_or_create(self, conversation_id: str, factory: Callable[[], ScoringSession]) -> ScoringSession:
        with self._lock:
            now = self._clock()
            self._purge(now)
            if conversation_id in self._items:
                _, session = self._items.pop(conversation_id)
            else:
                session = factory()
                while len(self._items) >= self.max_conversations:
                    self._items.popitem(last=False)
                    self.evicted += 1
            self._items[conversation_id] = (now, session)
            return session

    def delete(self, conversation_id: str) -> bool:
        with self._lock:
            return self._items.pop(conversation_id, None) is not None
