"""Passages embedded in a child process, so that ingest writes one batch to the store while the
next one is being embedded.

Why a process: on the 2-core reference machine the embedder keeps about 1.7 of the 2 cores busy,
and writing a batch to Chroma (about 1 ms a paragraph) runs in Chroma's Rust binding, which
holds Python's GIL: in a thread of the same process it stalls the embedder's own Python steps
instead of using the spare time (tried, slower). In a child process the embedder keeps its pace
and the writes fill the gaps (BENCHMARKS.md, "Writing while embedding").

The child builds the embedder the settings name, once, on the first batch; a run with nothing to
embed never starts it. Vectors are the same as the parent's embedder would give (same model,
same code). The child ignores Ctrl-C: the command decides, and stops the child when its run
ends; a child whose parent is killed exits at once.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context, parent_process
from multiprocessing.connection import wait
from typing import Any

from retrieval.embedders import Embedder, Vectors, few_cached_kernels
from retrieval.errors import BackendError
from retrieval.index import build_embedder
from retrieval.settings import Settings

_embedder: Embedder | None = None
"""The child's embedder, set by `_start` in the child process only."""


class EmbeddingWorker:
    """One child process that embeds passages; `submit` returns at once. The child starts on
    the first batch and stops on `close`; a batch submitted after that starts a new one."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, texts: Sequence[str]) -> Future[Vectors]:
        """Start embedding `texts` after the batches submitted before."""
        if self._pool is None:
            # "spawn": a forked copy of a process that has loaded PyTorch or Chroma may deadlock.
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=get_context("spawn"),
                initializer=_start,
                initargs=(self._settings,),
            )
        try:
            return self._pool.submit(_embed, list(texts))
        except BrokenProcessPool as exc:
            raise _stopped(exc) from exc

    def close(self) -> None:
        """Stop the child (its memory is freed) once its current batch is done; batches not
        started are dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> EmbeddingWorker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def vectors_of(future: Future[Vectors]) -> Vectors:
    """The vectors a submitted batch gave, or the child's failure as a BackendError."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise _stopped(exc) from exc


def _stopped(exc: BrokenProcessPool) -> BackendError:
    return BackendError(
        f"the embedding process stopped ({exc}): its embedder failed to load, or it ran "
        "out of memory or was killed; what was stored is kept, and the next run goes on "
        "from there (PRESSCHAT_INGEST_WORKER=false embeds without a child process)"
    )


def _start(settings: Settings) -> None:
    global _embedder
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    # A parent killed outright never sends the pool's "stop", and the child's end of the task
    # queue never reads EOF (it holds both ends): leave when the parent is gone.
    parent = parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    few_cached_kernels()
    _embedder = build_embedder(settings)


def _exit_with(parent_sentinel: int) -> None:
    wait([parent_sentinel])
    os._exit(1)


def _embed(texts: list[str]) -> Any:
    assert _embedder is not None, "_start runs first in the child"
    return _embedder.embed_passages(texts)
