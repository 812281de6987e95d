import datetime as dt

import numpy as np
import pytest

from ingest.chunking import chunk_release
from ingest.release import build_release
from retrieval import chroma_rows
from retrieval.chroma_rows import EF_SEARCH, RowCache, chroma_where, chunk_record
from retrieval.embedders import FakeEmbedder
from retrieval.errors import StoreError
from retrieval.index import ChunkingRecipe
from retrieval.settings import Settings
from retrieval.store import ChromaStore
from retrieval.types import SearchFilters

RECIPE = ChunkingRecipe(min_chars=0, max_tokens=512, embed_titles=False)


def _put(
    store: ChromaStore,
    embedder: FakeEmbedder,
    release_id: str,
    date: dt.date | None,
    lang: str,
    *paragraphs: str,
) -> None:
    release = build_release(
        where="t",
        source_path="/src/t.jsonl",
        paragraphs=paragraphs,
        title=f"Release {release_id}",
        date=date,
        release_id=release_id,
        language=lang,
    )
    chunks = chunk_release(release, RECIPE, embedder.count_tokens)
    records = [chunk_record(release, c, "h1", len(chunks)) for c in chunks]
    store.upsert(records, embedder.embed_passages([c.embed_text for c in chunks]))


@pytest.fixture
def store(settings: Settings) -> ChromaStore:
    return ChromaStore.open(settings, "test-collection")


def test_query_filters_by_date_and_language_inside_the_store(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    _put(store, embedder, "old", dt.date(2010, 5, 1), "en", "water treaty signed in spring")
    _put(store, embedder, "new", dt.date(2025, 5, 1), "en", "water treaty signed in spring")
    _put(store, embedder, "ru", dt.date(2025, 6, 1), "ru", "water treaty signed in spring")
    query = embedder.embed_query("water treaty")
    assert {h.release_id for h in store.query(query, 10)} == {"old", "new", "ru"}
    since = SearchFilters(since=dt.date(2020, 1, 1))
    assert {h.release_id for h in store.query(query, 10, since)} == {"new", "ru"}
    until = SearchFilters(until=dt.date(2025, 5, 1), language="en")
    assert {h.release_id for h in store.query(query, 10, until)} == {"old", "new"}
    # Filtering happens in the store: k=1 still finds the one match among many non-matching.
    only_ru = store.query(query, 1, SearchFilters(language="ru"))
    assert [h.release_id for h in only_ru] == ["ru"]


def test_hit_carries_release_metadata_and_cosine_score(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    _put(store, embedder, "r1", dt.date(2025, 8, 31), "en", "alpha beta gamma", "delta epsilon")
    (hit,) = store.query(embedder.embed_query("delta epsilon"), 1)
    assert (hit.release_id, hit.paragraph, hit.text) == ("r1", 1, "delta epsilon")
    assert hit.date == dt.date(2025, 8, 31) and hit.title == "Release r1"
    assert hit.score == pytest.approx(1.0, abs=1e-5)


def test_release_states_list_show_and_delete(store: ChromaStore, embedder: FakeEmbedder) -> None:
    _put(store, embedder, "r1", dt.date(2025, 1, 1), "en", "one", "two", "three")
    _put(store, embedder, "r2", dt.date(2024, 1, 1), "en", "four")
    states = store.release_states()
    assert states["r1"].is_complete("h1") and not states["r1"].is_complete("h2")
    assert [s.release_id for s in store.releases()] == ["r1", "r2"]
    found = store.release("r1")
    assert found is not None and found[1] == [(0, "one"), (1, "two"), (2, "three")]
    assert store.delete_release("r1") == 3
    assert store.release("r1") is None and store.count() == 1


def test_writes_are_batched_under_chromas_cap(
    store: ChromaStore, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_max_batch", 7)
    paragraphs = [f"paragraph {i}" for i in range(30)]
    _put(store, embedder, "big", dt.date(2025, 1, 1), "en", *paragraphs)
    assert store.count() == 30
    store.delete_chunks([f"nope-{i}" for i in range(20)])  # unknown ids: no error
    assert store.count() == 30


def test_mismatched_vectors_are_rejected(store: ChromaStore) -> None:
    with pytest.raises(ValueError):
        store.upsert([], np.zeros((1, 4), dtype=np.float32))


def test_unreachable_server_is_a_store_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=9)
    with pytest.raises(StoreError, match="Chroma server at 127.0.0.1:9"):
        ChromaStore.open(settings, "x-collection")


def test_bounded_date_ranges_are_exact_at_both_ends(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    # Short ranges are listed day by day (one selective clause), long ones use bounds; both
    # must keep the first and last day, drop the days around them, and never match undated.
    for day in (dt.date(2013, 2, 28), dt.date(2013, 3, 1), dt.date(2013, 3, 31)):
        _put(store, embedder, day.isoformat(), day, "en", "water treaty signed")
    _put(store, embedder, "2013-04-01", dt.date(2013, 4, 1), "en", "water treaty signed")
    _put(store, embedder, "undated", None, "en", "water treaty signed")
    query = embedder.embed_query("water treaty")
    march = SearchFilters(since=dt.date(2013, 3, 1), until=dt.date(2013, 3, 31))
    assert {h.release_id for h in store.query(query, 10, march)} == {"2013-03-01", "2013-03-31"}
    decade = SearchFilters(since=dt.date(2013, 3, 1), until=dt.date(2023, 3, 31))
    assert {h.release_id for h in store.query(query, 10, decade)} == {
        "2013-03-01",
        "2013-03-31",
        "2013-04-01",
    }
    until = SearchFilters(until=dt.date(2013, 3, 1))
    assert {h.release_id for h in store.query(query, 10, until)} == {"2013-02-28", "2013-03-01"}
    backwards = SearchFilters(since=dt.date(2013, 4, 1), until=dt.date(2013, 3, 1))
    assert store.query(query, 10, backwards) == []


def test_language_filter_gives_the_filtered_querys_hits_for_common_and_rare_languages(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    words = ["water", "treaty", "border", "trade", "visa", "grain", "rail", "energy"]
    for n in range(60):  # English holds most chunks, Kazakh a few
        lang = "kk" if n % 20 == 0 else "en"
        text = " ".join(words[(n + i) % len(words)] for i in range(3)) + f" item{n}"
        _put(store, embedder, f"r{n}", dt.date(2024, 1, 1 + n % 28), lang, text)
    queries = np.stack([embedder.embed_query(q) for q in ("water treaty", "grain rail", "visa")])
    for language in ("en", "kk", "ru"):
        for k in (1, 5, 10):
            filters = SearchFilters(language=language)
            got = store.query_many(queries, k, filters)
            expected = store._nearest(queries, k, {"lang": language})  # Chroma's own filter
            # The same hits; chunks of equal score may come in another order.
            assert [[round(h.score, 5) for h in hits] for hits in got] == [
                [round(score, 5) for _, score in ranked] for ranked in expected
            ], (language, k)
            assert all(h.language == language for hits in got for h in hits)
    kk = store.query_many(queries, 10, SearchFilters(language="kk"))
    assert all(len(hits) == 3 for hits in kk)  # all three Kazakh chunks, none missed


def test_the_generation_changes_with_every_write_from_any_store_object(
    store: ChromaStore, embedder: FakeEmbedder, settings: Settings
) -> None:
    other = ChromaStore.open(settings, store.collection_name)  # another process, in effect
    seen = {store.generation()}
    _put(other, embedder, "a", dt.date(2024, 1, 1), "en", "First paragraph.")
    seen.add(store.generation())
    _put(other, embedder, "a", dt.date(2024, 1, 1), "en", "Changed, same count.")
    seen.add(store.generation())
    other.delete_release("a")
    seen.add(store.generation())
    assert len(seen) == 4
    assert store.generation() == other.generation()


def test_collections_search_hnsw_wide_and_older_ones_are_widened(settings: Settings) -> None:
    store = ChromaStore.open(settings, "wide")
    assert store._collection.configuration["hnsw"]["ef_search"] == EF_SEARCH > 100
    client = store._client
    client.create_collection("older", embedding_function=None)  # Chroma's default width, 100
    assert client.get_collection("older").configuration["hnsw"]["ef_search"] == 100
    ChromaStore.open(settings, "older")
    assert client.get_collection("older").configuration["hnsw"]["ef_search"] == EF_SEARCH


def test_dense_search_finds_the_exact_nearest_chunks(settings: Settings) -> None:
    # Paragraphs at a cosine of 0.5-0.6 to a question, crowded as e5's are: at ef_search 500
    # HNSW left 2-7 of these 50 questions' 1,500 nearest out (seeds 0-3); a search that misses
    # some also misses different ones in different processes (BENCHMARKS.md, "HNSW's search
    # width, again").
    rng = np.random.default_rng(0)
    centre = rng.normal(size=384)
    vectors = centre + 0.9 * rng.normal(size=(3000, 384))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    questions = centre + 0.9 * rng.normal(size=(50, 384))
    questions /= np.linalg.norm(questions, axis=1, keepdims=True)
    store = ChromaStore.open(settings, "crowded")
    ids = [f"c{i}" for i in range(len(vectors))]
    store._collection.add(ids=ids, embeddings=vectors.astype(np.float32))
    exact = np.argsort(-(questions @ vectors.T), axis=1)[:, :30]
    found = store.nearest(questions.astype(np.float32), 30)
    assert [[chunk_id for chunk_id, _ in row] for row in found] == [
        [ids[i] for i in row] for row in exact
    ]


class _NarrowCollection:
    """A collection made before presschat widened its search, whose first widenings fail."""

    def __init__(self, *failures: Exception) -> None:
        self.configuration = {"hnsw": {"ef_search": 100}}
        self.failures = list(failures)

    def modify(self, configuration: dict[str, dict[str, int]]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.configuration = configuration


class _Client:
    def __init__(self, collection: _NarrowCollection) -> None:
        self.collection = collection

    def get_or_create_collection(self, name: str, **_: object) -> _NarrowCollection:
        return self.collection


def test_widening_an_older_collection_waits_out_a_locked_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chroma_rows, "_LOCKED_PAUSE_S", 0.0)
    locked = RuntimeError("error returned from database: (code: 5) database is locked")
    older = _NarrowCollection(locked, locked)
    assert chroma_rows.open_collection(_Client(older), "older") is older
    assert older.configuration["hnsw"]["ef_search"] == EF_SEARCH
    # Any other error, or a lock that does not pass, is reported.
    with pytest.raises(RuntimeError, match="readonly"):
        chroma_rows.open_collection(_Client(_NarrowCollection(RuntimeError("readonly"))), "x")
    with pytest.raises(RuntimeError, match="locked"):
        chroma_rows.open_collection(_Client(_NarrowCollection(*[locked] * 4)), "x")


def test_a_collection_no_writer_marked_falls_back_to_its_count(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    store._collection.modify(metadata={"other": "x"})  # as a writer of an older version left it
    before = store.generation()
    assert before.startswith("untracked/")
    store._collection.add(ids=["x"], embeddings=embedder.embed_passages(["x"]), documents=["x"])
    assert store.generation() != before


def test_hits_keep_the_rows_chromas_own_filter_keeps(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    # hits filters the rows it reads itself (a Chroma clause scans every row it matches); it
    # must keep exactly what the same filters keep inside Chroma.
    days = [dt.date(2013, 2, 28), dt.date(2013, 3, 1), dt.date(2013, 3, 31), None]
    for n, day in enumerate(days * 2):
        _put(store, embedder, f"r{n}", day, "en" if n < 4 else "kk", f"water treaty {n}")
    ids = store.ids()
    query = np.stack([embedder.embed_query("water treaty")])
    for filters in (
        SearchFilters(),
        SearchFilters(language="kk"),
        SearchFilters(since=dt.date(2013, 3, 1)),
        SearchFilters(until=dt.date(2013, 3, 1), language="en"),
        SearchFilters(since=dt.date(2013, 3, 1), until=dt.date(2013, 3, 31)),
    ):
        expected = {
            chunk_id for chunk_id, _ in store._nearest(query, 100, chroma_where(filters))[0]
        }
        assert {h.chunk_id for h in store.hits([ids], query, filters)[0]} == expected, filters


def _treaty(store: ChromaStore, embedder: FakeEmbedder, season: str) -> None:
    _put(store, embedder, "r", dt.date(2025, 5, 1), "en", f"water treaty signed in {season}")


def test_hits_held_from_an_earlier_read_are_never_older_than_the_store(
    settings: Settings, store: ChromaStore, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _treaty(store, embedder, "spring")
    (chunk_id,) = store.ids()
    query = np.stack([embedder.embed_query("water treaty")])
    seen = store.generation()
    assert store.hits([[chunk_id]], query, generation=seen)[0][0].text.endswith("spring")
    with monkeypatch.context() as patched:  # the same generation: nothing read again
        patched.setattr(store, "_get", lambda *a, **k: pytest.fail("read again"))
        assert store.hits([[chunk_id]], query, generation=seen)[0][0].text.endswith("spring")
    # Rewritten through a second handle on the collection, as another process would: the next
    # search's generation differs and the new text is read.
    _treaty(ChromaStore.open(settings, store.collection_name), embedder, "autumn")
    now = store.generation()
    assert store.hits([[chunk_id]], query, generation=now)[0][0].text.endswith("autumn")


def test_rows_read_while_a_writer_rewrites_them_are_not_held_as_newer(
    settings: Settings, store: ChromaStore, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _treaty(store, embedder, "spring")
    (chunk_id,) = store.ids()
    query = np.stack([embedder.embed_query("water treaty")])
    read = store._get
    other = ChromaStore.open(settings, store.collection_name)

    def read_then_rewrite(*args: object, **kwargs: object) -> object:
        rows = read(*args, **kwargs)  # the old text, then the store moves on
        _treaty(other, embedder, "autumn")
        with monkeypatch.context() as unpatched:  # and another search reads the new text
            unpatched.setattr(store, "_get", read)
            store.hits([[chunk_id]], query, generation=store.generation())
        return rows

    with monkeypatch.context() as patched:
        patched.setattr(store, "_get", read_then_rewrite)
        assert store.hits([[chunk_id]], query, generation=store.generation())[0][0].text.endswith(
            "spring"
        )
    now = store.generation()
    assert store.hits([[chunk_id]], query, generation=now)[0][0].text.endswith("autumn")


def test_rows_of_a_collection_without_a_generation_token_are_read_every_time(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    # Written as a presschat without the token would (the chunk count stands in for it, and
    # an in-place rewrite keeps the count).
    vector = embedder.embed_passages(["water treaty"])
    store._collection.upsert(
        ids=["c"],
        documents=["signed in spring"],
        embeddings=vector,
        metadatas=[
            {
                "release_id": "r",
                "paragraph": 0,
                "paragraph_first": 0,
                "paragraph_last": 0,
                "piece": 0,
            }
        ],
    )
    untracked = store.generation()
    assert untracked.startswith("untracked/")
    assert store.hits([["c"]], vector, generation=untracked)[0][0].text.endswith("spring")
    store._collection.upsert(ids=["c"], documents=["signed in autumn"], embeddings=vector)
    assert store.generation() == untracked
    assert store.hits([["c"]], vector, generation=untracked)[0][0].text.endswith("autumn")


def test_row_cache_holds_rows_only_for_the_generation_they_were_read_at() -> None:
    cache = RowCache(limit=2)
    row = ("a", {"title": "t"}, "text", None)
    assert cache.get("g1", ["a"]) == ({}, ["a"])
    cache.keep("g1", [row])
    assert cache.get("g1", ["a", "b"]) == ({"a": row}, ["b"])
    assert cache.get("g2", ["a"]) == ({}, ["a"])  # the store changed: nothing held
    cache.keep("g1", [row])  # read at a generation seen before the change: not kept
    assert cache.get("g2", ["a"]) == ({}, ["a"])
    cache.keep("g2", [(i, {}, "", None) for i in "abc"])  # over the limit: oldest go first
    assert sorted(cache.get("g2", ["a", "b", "c"])[0]) == ["b", "c"]


def test_a_search_among_chunk_ids_ranks_only_those_and_a_gone_one_falls_back_to_the_filters(
    store: ChromaStore, embedder: FakeEmbedder
) -> None:
    for n in range(12):
        day = dt.date(2012 + n % 3, 3, 1 + n)
        _put(store, embedder, f"r{n}", day, "en", f"water treaty {n}", f"grain rail {n}")
    query = np.stack([embedder.embed_query("water treaty"), embedder.embed_query("grain")])
    year = SearchFilters(since=dt.date(2013, 1, 1), until=dt.date(2013, 12, 31))
    where = store._nearest(query, 6, chroma_where(year))
    passing = [chunk_id for chunk_id, _, _ in store.chunks(store.ids(), year)]
    assert len(passing) == 8 < store.count()
    assert store.nearest(query, 6, year, among=passing) == where
    # Asked among two chunks: only those two, whatever the filters say.
    assert {c for c, _ in store.nearest(query, 6, year, among=passing[:2])[0]} == set(passing[:2])
    assert store.nearest(query, 6, year, among=[]) == [[], []]  # nothing passes
    store.delete_release("r1")  # gone since the caller listed it: Chroma refuses the list
    assert store.nearest(query, 6, year, among=passing) == store._nearest(
        query, 6, chroma_where(year)
    )
