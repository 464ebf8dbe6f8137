"""Micro-batching for ``/v1/moderate``: concurrent requests are scored together in one ``score_batch`` call.

A platform sends many small requests at once (one conversation each). Scored one by one, each pays the
encoder's per-call cost and they fight for the same cores; scored together, the encoder pads and runs
them as one batch. One worker scores one batch at a time: the requests that arrive while it runs form the
next batch (continuous batching, as inference servers do), and ``wait_s`` optionally holds the first
request of an idle server a moment for company. Requests are grouped by what changes the answer besides
the text (thresholds, spans), so each gets exactly what it asked for. The queue holds the parsed requests
in memory only, for as long as they wait: nothing is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from fastapi.concurrency import run_in_threadpool

from grooming_detect.schema import Transcript
from grooming_detect.scorer import RiskScorer
from grooming_detect.scores import TranscriptScore

__all__ = ["MicroBatcher"]


@dataclass
class _Request:
    transcripts: Sequence[Transcript]
    thresholds: Mapping[str, float]
    return_spans: bool
    future: asyncio.Future[list[TranscriptScore]] = field(repr=False)

    @property
    def messages(self) -> int:
        return sum(len(t.messages) for t in self.transcripts)

    @property
    def key(self) -> tuple[tuple[tuple[str, float], ...], bool]:
        return tuple(sorted(self.thresholds.items())), self.return_spans


class MicroBatcher:
    """Queues scoring requests and runs them in batches of at most ``max_messages`` messages.

    ``observe`` is called with each batch's request and message counts (the metrics)."""

    def __init__(
        self,
        scorer: RiskScorer,
        *,
        max_messages: int,
        wait_s: float = 0.0,
        observe: Callable[[int, int], None] | None = None,
    ) -> None:
        self.scorer = scorer
        self.max_messages = max_messages
        self.wait_s = wait_s
        self._observe = observe
        self._queue: asyncio.Queue[_Request] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the worker on the running event loop (the app's lifespan)."""
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="grooming-detect-batcher")

    async def stop(self) -> None:
        """Stop the worker; requests still queued fail rather than wait forever."""
        if self._worker is not None:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass
            self._worker = None
        while not self._queue.empty():
            request = self._queue.get_nowait()
            if not request.future.done():
                request.future.set_exception(RuntimeError("the server is shutting down"))

    async def score(
        self, transcripts: Sequence[Transcript], thresholds: Mapping[str, float], return_spans: bool
    ) -> list[TranscriptScore]:
        """What ``scorer.score_batch`` answers for these transcripts, scored beside concurrent requests."""
        if self._worker is None or self._worker.done():
            raise RuntimeError("the batcher is not running")
        future: asyncio.Future[list[TranscriptScore]] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Request(transcripts, dict(thresholds), return_spans, future))
        return await future

    async def _collect(self) -> list[_Request]:
        """The next batch: the first waiting request, then whatever else is queued, up to the message cap."""
        batch = [await self._queue.get()]
        size = batch[0].messages
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait_s
        while size < self.max_messages:
            if self._queue.empty():
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    request = await asyncio.wait_for(self._queue.get(), remaining)
                except TimeoutError:
                    break
            else:
                request = self._queue.get_nowait()
            if size + request.messages > self.max_messages:
                await self._requeue_first(request)
                break
            batch.append(request)
            size += request.messages
        return batch

    async def _requeue_first(self, request: _Request) -> None:
        """Put a request that did not fit back at the head of the queue, so it is not overtaken."""
        rest = [request]
        while not self._queue.empty():
            rest.append(self._queue.get_nowait())
        for item in rest:
            self._queue.put_nowait(item)

    async def _run(self) -> None:
        while True:
            batch = [r for r in await self._collect() if not r.future.done()]  # a client may have gone
            groups: dict[tuple[tuple[tuple[str, float], ...], bool], list[_Request]] = {}
            for request in batch:
                groups.setdefault(request.key, []).append(request)
            for group in groups.values():
                await self._score_group(group)

    async def _score_group(self, group: list[_Request]) -> None:
        transcripts = [t for r in group for t in r.transcripts]
        if self._observe is not None:
            self._observe(len(group), sum(r.messages for r in group))
        try:
            results = await run_in_threadpool(
                self.scorer.score_batch,
                transcripts,
                thresholds=group[0].thresholds,
                return_spans=group[0].return_spans,
            )
        except Exception as exc:  # every request of the batch gets the error its own call would have raised
            for request in group:
                if not request.future.done():
                    request.future.set_exception(exc)
            return
        start = 0
        for request in group:
            n = len(request.transcripts)
            if not request.future.done():
                request.future.set_result(results[start : start + n])
            start += n
