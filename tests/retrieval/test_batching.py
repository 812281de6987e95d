"""Concurrent callers share batched calls and each gets its own result."""

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from retrieval.batching import Batcher
from retrieval.embedders import FakeEmbedder, Vectors


class SlowEmbedder(FakeEmbedder):
    """Takes 20 ms per call, like a real model, so that searches pile up."""

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        time.sleep(0.02)
        return super().embed_queries(texts)


def _in_threads(batcher: Batcher[str, Vectors], texts: list[str]) -> dict[str, Vectors]:
    results: dict[str, Vectors] = {}
    start = threading.Barrier(len(texts))

    def search(text: str) -> None:
        start.wait()
        results[text] = batcher.run(text)

    threads = [threading.Thread(target=search, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_fifty_concurrent_queries_share_a_few_calls_and_get_their_own_vectors() -> None:
    embedder = SlowEmbedder()
    texts = [f"what fine did company {i} pay" for i in range(50)]
    results = _in_threads(Batcher(embedder.embed_queries), texts)
    assert len(results) == 50
    for text, vector in results.items():
        assert np.allclose(vector, embedder.embed_query(text))
    assert embedder.query_calls <= 10  # instead of 50 calls taking turns


def test_a_lone_query_is_embedded_at_once() -> None:
    embedder = FakeEmbedder()
    batcher = Batcher(embedder.embed_queries)
    assert np.allclose(batcher.run("water"), embedder.embed_query("water"))
    assert batcher.run("air").shape == (embedder.dimension,)
    assert embedder.query_calls == 2


def test_an_embedder_failure_reaches_every_waiting_search() -> None:
    calls = 0

    def failing(texts: Sequence[str]) -> Vectors:
        nonlocal calls
        calls += 1
        time.sleep(0.01)
        raise RuntimeError("engine down")

    batcher = Batcher(failing)
    errors: list[BaseException] = []

    def search(text: str) -> None:
        try:
            batcher.run(text)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=search, args=(f"q{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(errors) == 8 and calls < 8
    with pytest.raises(RuntimeError):  # and the batcher keeps working afterwards
        batcher.run("again")
