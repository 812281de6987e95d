"""Work of concurrent callers done together: concurrent searches become one embedder call and
one store query per set of filters.

A call that arrives alone is done at once. Calls that arrive while a batch is being done wait,
and the next batch takes all of them, so 50 searches at once cost a few batched calls instead
of 50 calls taking turns behind the engine's lock (and 50 store queries).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass
class _Waiting(Generic[In, Out]):
    item: In
    result: Out | None = None
    error: BaseException | None = None
    lead: bool = False  # woken to embed the next batch, not with a result
    wake: threading.Event = field(default_factory=threading.Event)


class Batcher(Generic[In, Out]):
    """`run(item)` from many threads; one `run_batch(items)` call (results in the same order)
    per batch of waiting items."""

    def __init__(
        self, run_batch: Callable[[Sequence[In]], Sequence[Out]], max_batch: int = 64
    ) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Waiting[In, Out]] = []
        self._busy = False

    def run(self, item: In) -> Out:
        """The item's result, done alone or with the items waiting beside it."""
        mine: _Waiting[In, Out] = _Waiting(item)
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
        return mine.result  # type: ignore[return-value]  # set for every item of its batch

    def _embed_next_batch(self) -> None:
        """Do up to max_batch waiting items (the leader's own first), then hand the lead to the
        next one waiting, if any, so no caller serves others for long."""
        with self._lock:
            batch = self._queue[: self._max_batch]
            del self._queue[: len(batch)]
        try:
            results = self._run_batch([w.item for w in batch])
        except Exception as exc:  # every waiter of the batch gets the batch's error
            for waiting in batch:
                waiting.error = exc
        else:
            for waiting, result in zip(batch, results, strict=True):
                waiting.result = result
        for waiting in batch:
            waiting.wake.set()
        with self._lock:
            if self._queue:
                self._queue[0].lead = True
                self._queue[0].wake.set()
            else:
                self._busy = False
