"""Queries of concurrent searches embedded together.

A search that arrives alone is embedded at once. Searches that arrive while a batch is being
embedded wait, and the next embedder call takes all of them: on 2 cores, one call for 50
queries costs far less than 50 calls taking turns behind the engine's lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from retrieval.embedders import Vectors


@dataclass
class _Waiting:
    text: str
    vector: Vectors | None = None
    error: BaseException | None = None
    lead: bool = False  # woken to embed the next batch, not with a result
    wake: threading.Event = field(default_factory=threading.Event)


class QueryBatcher:
    """`embed(text)` from many threads; one `embed_queries` call per batch of waiting texts."""

    def __init__(
        self, embed_queries: Callable[[Sequence[str]], Vectors], max_batch: int = 64
    ) -> None:
        self._embed_queries = embed_queries
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._busy = False

    def embed(self, text: str) -> Vectors:
        """The query's vector, embedded alone or with the queries waiting beside it."""
        mine = _Waiting(text)
        with self._lock:
            self._queue.append(mine)
            leading = not self._busy
            self._busy = True
        if not leading:  # woken once: with a result, or to embed the next batch
            mine.wake.wait()
            leading = mine.lead
        if leading:
            self._embed_next_batch()
        if mine.error is not None:
            raise mine.error
        assert mine.vector is not None
        return mine.vector

    def _embed_next_batch(self) -> None:
        """Embed up to max_batch waiting texts (the leader's own first), then hand the lead to
        the next one waiting, if any, so no caller serves others for long."""
        with self._lock:
            batch = self._queue[: self._max_batch]
            del self._queue[: len(batch)]
        try:
            vectors = self._embed_queries([w.text for w in batch])
        except Exception as exc:  # every waiter of the batch gets the embedder's error
            for waiting in batch:
                waiting.error = exc
        else:
            for waiting, vector in zip(batch, vectors, strict=True):
                waiting.vector = vector
        for waiting in batch:
            waiting.wake.set()
        with self._lock:
            if self._queue:
                self._queue[0].lead = True
                self._queue[0].wake.set()
            else:
                self._busy = False
