"""The indexed chunks as arrays: BM25 scores as bm25s gives them, changes, and the file."""

from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from retrieval.keywords.corpus import Changes, Corpus, _FlatBM25


def _random_documents(seed: int = 1) -> tuple[list[list[int]], dict[str, int]]:
    rng = np.random.default_rng(seed)
    size = 2000
    documents = [
        [int(t) for t in rng.zipf(1.4, size=int(rng.integers(1, 60))) % size] for _ in range(3000)
    ]
    return documents, {str(i): i for i in range(size)}


def test_the_flat_build_scores_as_bm25s_own_index() -> None:
    documents, vocabulary = _random_documents()
    reference = bm25s.BM25()
    reference.index((documents, dict(vocabulary)), create_empty_token=False, show_progress=False)
    indptr = np.concatenate(([0], np.cumsum([len(d) for d in documents]))).astype(np.int64)
    tokens = np.asarray([t for d in documents for t in d], dtype=np.int32)
    flat = _FlatBM25()
    flat.index_flat(vocabulary, indptr, tokens)
    assert np.array_equal(flat.scores["indptr"], reference.scores["indptr"])
    assert np.array_equal(flat.scores["indices"], reference.scores["indices"])
    for query in ([1], [5, 7, 900], list(range(0, 2000, 7))):
        expected = reference.get_scores_from_ids(query)
        assert np.allclose(flat.get_scores_from_ids(query), expected, rtol=1e-5, atol=1e-6)


_Chunk = tuple[str, list[str], str, int]


def _chunk(chunk_id: str, *terms: str, release: str = "v1", size: int = 1) -> _Chunk:
    return chunk_id, list(terms), release, size


def _with(
    base: Corpus, generation: str, keep: npt.NDArray[np.bool_], chunks: list[_Chunk]
) -> Corpus:
    changes = Changes(base)
    for chunk_id, terms, release, size in chunks:
        changes.add(chunk_id, release, size, 20240501, "en", terms)
    return base.with_changes(generation, keep, changes)


def test_changes_give_the_corpus_a_fresh_build_would() -> None:
    first = _with(
        Corpus.empty(),
        "g1",
        np.zeros(0, dtype=bool),
        [_chunk("a", "harbour", "tariff"), _chunk("b", "zebra", "crossing", "zebra")],
    )
    changed = _with(
        first, "g2", np.array([False, True]), [_chunk("c", "harbour", "light", release="v2")]
    )
    fresh = _with(
        Corpus.empty(),
        "g2",
        np.zeros(0, dtype=bool),
        [_chunk("b", "zebra", "crossing", "zebra"), _chunk("c", "harbour", "light", release="v2")],
    )
    assert changed.ids == fresh.ids == ["b", "c"]
    assert sorted(changed.vocabulary) == sorted(fresh.vocabulary)  # 'tariff' is gone
    assert changed.bm25 is not None and fresh.bm25 is not None
    for term in fresh.vocabulary:
        assert np.allclose(
            changed.bm25.get_scores_from_ids([changed.vocabulary[term]]),
            fresh.bm25.get_scores_from_ids([fresh.vocabulary[term]]),
        )


def test_the_file_gives_back_the_same_corpus(tmp_path: Path) -> None:
    corpus = _with(
        Corpus.empty(),
        "g1",
        np.zeros(0, dtype=bool),
        [_chunk("a", "harbour", "tariff", size=2), _chunk("b", "zebra", release="")],
    )
    path = tmp_path / "k.npz"
    corpus.save(path, {"titles": True})
    loaded = Corpus.load(path, {"titles": True})
    assert loaded is not None and loaded.bm25 is not None and corpus.bm25 is not None
    assert (loaded.generation, loaded.ids, loaded.vocabulary) == (
        "g1",
        ["a", "b"],
        corpus.vocabulary,
    )
    assert loaded.complete_releases() == corpus.complete_releases() == []  # 'v1' has 1 of 2
    assert np.allclose(
        loaded.bm25.get_scores_from_ids([0, 2]), corpus.bm25.get_scores_from_ids([0, 2])
    )
    assert Corpus.load(path, {"titles": False}) is None  # made with other settings
    assert Corpus.load(tmp_path / "missing.npz", {"titles": True}) is None
