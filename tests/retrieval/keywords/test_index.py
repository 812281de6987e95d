"""The keyword index stays exactly in line with the store: through ingest, changed releases,
deletes and pruning, other writers, and lost, stale or damaged files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingest.pipeline import Ingestor
from retrieval.chroma_rows import StoredChunk
from retrieval.embedders import FakeEmbedder
from retrieval.errors import StoreError
from retrieval.index import Index, keyword_path
from retrieval.keywords.index import KeywordIndex
from retrieval.settings import Settings
from retrieval.types import SearchFilters
from tests.conftest import write_jsonl
from tests.factories import release_record

QUERIES = (
    "lighthouse keeper",
    "harbour tariffs",
    "zebra crossing",
    "shipping rules",
    "quotas",
    "1:09-cr-00123",
    "Release",
)


def _keywords(index: Index) -> KeywordIndex:
    assert index.keywords is not None, "hybrid is the default"
    return index.keywords


def _releases(index: Index, query: str, k: int = 50) -> list[str]:
    """Release ids of the keyword hits, best first."""
    ids = _keywords(index).search(query, k)
    by_id = {chunk_id: meta for chunk_id, meta, _ in index.store.chunks(ids)}
    return [str(by_id[i]["release_id"]) for i in ids]


def assert_same_as_fresh(index: Index) -> None:
    """Every query ranks as an index built now from the whole store ranks it."""
    fresh = KeywordIndex(index.store, None, titles=index.recipe.embed_titles)
    for query in QUERIES:
        assert _keywords(index).search(query, 50) == fresh.search(query, 50), query


def test_ingest_change_delete_and_prune_keep_the_index_exact(
    index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    path = source / "r.jsonl"
    first = [
        release_record(
            "a",
            "Alpha paragraph about the ancient lighthouse keeper.",
            "Beta paragraph about harbour tariffs and fishing quotas.",
            "Gamma paragraph about the zebra crossing on Main Street.",
        ),
        release_record("b", "Case 1:09-cr-00123 concerns harbour tariffs."),
        release_record("c", "A lighthouse keeper retired."),
    ]
    write_jsonl(path, first)
    ingestor.ingest([source])
    assert _releases(index, "zebra crossing") == ["a"]
    assert _releases(index, "1:09-cr-00123") == ["b"]
    assert_same_as_fresh(index)

    # A changed release: its old paragraphs leave the index, its new ones come in.
    changed = release_record(
        "a",
        "Alpha paragraph about the ancient lighthouse keeper.",
        "Beta paragraph about harbour tariffs and new shipping rules.",
    )
    write_jsonl(path, [changed, *first[1:]])
    assert ingestor.ingest([source]).updated == ["a"]
    assert _releases(index, "zebra crossing") == []
    assert _releases(index, "shipping rules") == ["a"]
    assert _releases(index, "quotas") == []
    assert_same_as_fresh(index)

    # Deleted by hand (the CLI, the admin page).
    index.store.delete_release("b")
    assert _releases(index, "1:09-cr-00123") == []
    assert_same_as_fresh(index)

    # Pruned: gone from the source folder.
    write_jsonl(path, [changed])
    assert ingestor.ingest([source], prune=True).removed == ["c"]
    assert _releases(index, "lighthouse keeper") == ["a"]
    assert_same_as_fresh(index)


def test_the_index_is_kept_beside_the_store_and_loaded_by_the_next_process(
    settings: Settings, index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    ingestor.ingest([data_dir / "releases"])
    expected = _keywords(index).search("water consultations", 10)
    path = keyword_path(settings, index.store.collection_name)
    assert path.parent == settings.data_dir / "keywords" and path.is_file()

    later = Index.from_settings(settings, embedder=FakeEmbedder())
    scans = _count_scans(later)
    assert _keywords(later).search("water consultations", 10) == expected
    assert scans == []  # read from the file, not from the store's chunks


def test_a_deleted_file_is_rebuilt(
    settings: Settings, index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    ingestor.ingest([data_dir / "releases"])
    expected = _keywords(index).search("water consultations", 10)
    path = keyword_path(settings, index.store.collection_name)
    path.unlink()
    later = Index.from_settings(settings, embedder=FakeEmbedder())
    assert _keywords(later).search("water consultations", 10) == expected
    assert path.is_file()


def test_a_stale_file_is_brought_up_to_date(
    settings: Settings, index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    write_jsonl(tmp_path / "a.jsonl", [release_record("a", "The lighthouse keeper.")])
    ingestor.ingest([tmp_path])
    _keywords(index).refresh()
    path = keyword_path(settings, index.store.collection_name)
    old = path.read_bytes()
    write_jsonl(tmp_path / "a.jsonl", [release_record("a", "The zebra crossing.")])
    ingestor.ingest([tmp_path])
    _keywords(index).refresh()
    path.write_bytes(old)  # as if the newer file had never been written

    later = Index.from_settings(settings, embedder=FakeEmbedder())
    assert _releases(later, "zebra crossing") == ["a"]
    assert _releases(later, "lighthouse keeper") == []
    assert_same_as_fresh(later)


def test_a_damaged_or_differently_made_file_is_rebuilt(
    settings: Settings, index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    ingestor.ingest([data_dir / "releases"])
    path = keyword_path(settings, index.store.collection_name)
    _keywords(index).refresh()
    untitled = KeywordIndex(index.store, path, titles=False)
    fresh = KeywordIndex(index.store, None, titles=False)
    assert untitled.search("Tyson", 10) == fresh.search("Tyson", 10)

    path.write_bytes(b"not a keyword index")
    later = Index.from_settings(settings, embedder=FakeEmbedder())
    assert_same_as_fresh(later)


def test_another_writer_is_seen_at_the_next_search(
    settings: Settings, index: Index, tmp_path: Path
) -> None:
    other = Index.from_settings(settings, embedder=FakeEmbedder())  # another process
    write_jsonl(tmp_path / "a.jsonl", [release_record("a", "The lighthouse keeper.")])
    Ingestor.for_index(other).ingest([tmp_path])
    assert _releases(index, "lighthouse") == ["a"]

    # Same number of chunks, other words: the count alone would not tell.
    write_jsonl(tmp_path / "a.jsonl", [release_record("a", "The zebra crossing.")])
    Ingestor.for_index(other).ingest([tmp_path])
    assert _releases(index, "lighthouse") == []
    assert _releases(index, "zebra") == ["a"]

    other.store.delete_release("a")
    assert _releases(index, "zebra") == []


def test_a_writer_killed_before_it_could_say_so_is_still_seen(
    index: Index, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = {"release_id": "x", "lang": "en", "release_hash": "v1", "n_chunks": 1}
    record = StoredChunk("x-1", "The lighthouse keeper.", meta)
    index.store.upsert([record], embedder.embed_passages([record.text]))
    assert _releases(index, "lighthouse") == ["x"]

    original = index.store._collection.modify
    calls = []

    def dies_after_writing(**kwargs: object) -> None:
        calls.append(kwargs)
        if len(calls) > 1:  # the renewal after the write: the process is gone
            raise RuntimeError("killed")
        original(**kwargs)

    monkeypatch.setattr(index.store._collection, "modify", dies_after_writing)
    changed = StoredChunk("x-1", "The zebra crossing.", meta | {"release_hash": "v2"})
    with pytest.raises(StoreError):
        index.store.upsert([changed], embedder.embed_passages([changed.text]))
    monkeypatch.undo()
    assert _releases(index, "zebra") == ["x"]


def _write(index: Index, embedder: FakeEmbedder, *chunks: tuple[str, str, str, int]) -> None:
    """Chunks (id, text, release version, chunks in that version) of release 'r', as an
    ingest writes them, batch by batch."""
    records = [
        StoredChunk(chunk_id, text, {"release_id": "r", "release_hash": v, "n_chunks": n})
        for chunk_id, text, v, n in chunks
    ]
    index.store.upsert(records, embedder.embed_passages([r.text for r in records]))


def test_a_release_caught_half_rewritten_is_read_again_until_whole(
    index: Index, embedder: FakeEmbedder
) -> None:
    other = StoredChunk("o-0", "An unrelated harbour.", {"release_hash": "o1", "n_chunks": 1})
    index.store.upsert([other], embedder.embed_passages([other.text]))
    _write(index, embedder, ("r-0", "Old lighthouse.", "v1", 2), ("r-1", "Old keeper.", "v1", 2))
    assert_same_as_fresh(index)
    # A new version with three chunks, seen by a search after its first batch only.
    _write(index, embedder, ("r-0", "New zebra.", "v2", 3), ("r-1", "New crossing.", "v2", 3))
    assert _keywords(index).search("zebra", 5) == ["r-0"]
    assert _keywords(index).search("keeper", 5) == []
    _write(index, embedder, ("r-2", "New shipping rules.", "v2", 3))
    assert _keywords(index).search("shipping", 5) == ["r-2"]
    assert_same_as_fresh(index)
    index.store.delete_chunks(["r-2"])  # a version shrinks back to an incomplete one
    assert _keywords(index).search("shipping", 5) == []
    assert_same_as_fresh(index)


def test_keyword_hits_honour_the_filters_as_the_store_does(
    index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    records = [
        release_record("en-jan", "Zeppelin over the harbour.", date="2024-01-10", language="en"),
        release_record("en-mar", "Zeppelin over the bay.", date="2024-03-05", language="en"),
        release_record("ru-mar", "Zeppelin над заливом.", date="2024-03-20", language="ru"),
        release_record("kk-may", "Zeppelin шығанақ үстінде.", date="2024-05-01", language="kk"),
        {"id": "undated", "title": "Undated", "language": "en", "paragraphs": ["Zeppelin."]},
    ]
    ingestor.ingest([write_jsonl(tmp_path / "z.jsonl", records)])
    everything = _keywords(index).search("zeppelin", 50)
    assert len(everything) == 5
    cases = [
        SearchFilters(),
        SearchFilters(since=dt.date(2024, 3, 1)),
        SearchFilters(until=dt.date(2024, 3, 10)),
        SearchFilters(since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 31)),
        SearchFilters(since=dt.date(2024, 3, 1), until=dt.date(2024, 2, 1)),
        SearchFilters(language="ru"),
        SearchFilters(language="en", since=dt.date(2024, 2, 1)),
        SearchFilters(until=dt.date(2030, 1, 1)),
    ]
    for filters in cases:
        passing = {chunk_id for chunk_id, _, _ in index.store.chunks(everything, filters)}
        found = _keywords(index).search("zeppelin", 50, filters)
        assert set(found) == passing, filters
    assert [h.release_id for h in index.search("zeppelin", 5, SearchFilters(language="kk"))] == [
        "kk-may"
    ]


def test_each_hit_holds_a_share_of_the_question_weighed_by_rarity(
    index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    records = [
        release_record("a", "The harbour tariffs rise in May."),
        release_record("b", "Fishing quotas fall in May."),
        release_record("c", "Lighthouse keepers retire in May."),
        release_record("d", "The harbour opens."),
    ]
    ingestor.ingest([write_jsonl(tmp_path / "r.jsonl", records)])
    asked = _shares_by_release(index, "harbour tariffs in May")
    assert asked["a"] == pytest.approx(1.0)
    # "May" is in three chunks, "harbour" in two: holding the rarer word counts for more.
    assert asked["b"] == pytest.approx(asked["c"])
    assert 0 < asked["b"] < asked["d"] < asked["a"]
    # A word no chunk holds counts as the rarest: no chunk answers the whole question.
    assert 0.4 < _shares_by_release(index, "harbour tariffs zeppelin")["a"] < 0.5
    assert _keywords(index).search("zeppelin", 10) == []


def test_a_hit_holding_a_code_of_the_question_holds_all_of_it(
    index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    records = [
        release_record("a", "The plea in 1:09-cr-00123 was accepted."),
        release_record("b", "The hearing in 1:09-cr-00777 was set for May."),
    ]
    ingestor.ingest([write_jsonl(tmp_path / "r.jsonl", records)])
    shares = _shares_by_release(index, "Who was sentenced in 1:09-cr-00123?")
    # The case number itself, not its parts ("1", "09", "cr"), which both hold; neither holds
    # "sentenced".
    assert shares["a"] == pytest.approx(1.0)
    assert shares["b"] < 1.0


def _shares_by_release(index: Index, question: str) -> dict[str, float]:
    """The share of the question each keyword hit holds, by the hit's release."""
    _, (found,) = _keywords(index).search_at([(question, 10, SearchFilters())])
    rows = index.store.chunks([chunk_id for chunk_id, _ in found])
    release = {chunk_id: str(meta["release_id"]) for chunk_id, meta, _ in rows}
    return {release[chunk_id]: share for chunk_id, share in found}


def test_an_empty_store_finds_nothing(index: Index) -> None:
    assert _keywords(index).search("anything", 10) == []
    assert index.search("anything") == []


def _count_scans(index: Index) -> list[str]:
    """Names of the store's reads of many chunks, as they are called from now on."""
    calls: list[str] = []
    for name in ("scan", "ids", "chunks_not_of"):
        read = getattr(index.store, name)

        def counting(*args: object, _read: Any = read, _name: str = name, **kw: object) -> object:
            calls.append(_name)
            return _read(*args, **kw)

        setattr(index.store, name, counting)
    return calls


def test_an_ingest_leaves_the_file_up_to_date_for_the_next_process(
    settings: Settings, index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    ingestor.ingest([data_dir / "releases"])
    assert keyword_path(settings, index.store.collection_name).is_file()
    later = Index.from_settings(settings, embedder=FakeEmbedder())
    scans = _count_scans(later)
    assert _keywords(later).search("Tyson", 5) != []
    assert scans == []
    assert_same_as_fresh(later)


def test_stored_vectors_score_keyword_only_hits_as_the_store_would(
    index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    ingestor.ingest([data_dir / "releases"])
    everything = {
        h.chunk_id: h.score
        for h in index.store.query(index.embedder.embed_query("Tyson hydrogen sulfide"), 100)
    }
    for hit in index.search("Tyson hydrogen sulfide", 10):
        assert hit.score == pytest.approx(everything[hit.chunk_id], abs=1e-5)
    assert np.isfinite([h.score for h in index.search("Tyson", 10)]).all()


def test_the_chunks_passing_a_date_filter_are_those_the_store_keeps(
    index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    source = tmp_path / "r.jsonl"
    records = [
        release_record(f"r{n}", f"Harbour tariffs {n}.", "Lighthouse keeper.", date=day)
        for n, day in enumerate(["2013-02-28", "2013-03-01", "2013-03-31", "2014-01-01", ""])
    ]
    write_jsonl(source, records)
    ingestor.ingest([source])
    keywords = _keywords(index)
    generation, _ = keywords.search_at([("harbour", 10, SearchFilters())])
    store_ids = index.store.ids()
    for filters in (
        SearchFilters(since=dt.date(2013, 3, 1), until=dt.date(2013, 3, 31)),
        SearchFilters(since=dt.date(2013, 3, 1)),
        SearchFilters(until=dt.date(2013, 3, 1), language="en"),
        SearchFilters(until=dt.date(2013, 3, 1), language="ru"),
    ):
        kept = {chunk_id for chunk_id, _, _ in index.store.chunks(store_ids, filters)}
        got = keywords.passing(filters, generation)
        assert got is not None and set(got) == kept, filters
    march = SearchFilters(since=dt.date(2013, 3, 1), until=dt.date(2013, 3, 31))
    assert keywords.passing(SearchFilters(language="en"), generation) is None  # no dates
    assert keywords.passing(march, "another generation") is None  # the store moved on


def test_a_date_filtered_search_ranks_among_the_passing_chunks(
    index: Index, ingestor: Ingestor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "r.jsonl"
    days = ["2013-03-01", "2013-03-02", "2014-01-01"]
    write_jsonl(
        source, [release_record(f"r{n}", "Harbour tariffs.", date=d) for n, d in enumerate(days)]
    )
    ingestor.ingest([source])
    seen: list[tuple[Any, Any]] = []
    nearest = index.store._nearest

    def spy(vectors: Any, k: int, where: Any, language: Any = None, among: Any = None) -> Any:
        seen.append((where, among))
        return nearest(vectors, k, where, language, among)

    monkeypatch.setattr(index.store, "_nearest", spy)
    march = SearchFilters(since=dt.date(2013, 3, 1), until=dt.date(2013, 3, 31))
    assert {h.release_id for h in index.search("harbour tariffs", 5, march)} == {"r0", "r1"}
    assert seen[-1][0] is None and len(seen[-1][1]) == 2  # no where clause: the two chunk ids


def test_a_name_asked_in_cyrillic_finds_the_english_release_that_writes_it(
    index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    records = [
        release_record("koolman", "Egbert Koolman admitted taking bribes from two companies."),
        release_record("coleman", "Mary Coleman admitted taking bribes from a contractor."),
        release_record("harbour", "The harbour tariffs rise in May."),
    ]
    ingestor.ingest([write_jsonl(tmp_path / "r.jsonl", records)])
    assert _releases(index, "Какие взятки признал Эгберт Кулман?") == ["koolman"]
    # A new release is heard at the next search, as it is read.
    ingestor.ingest(
        [write_jsonl(tmp_path / "s.jsonl", [release_record("murdoch", "Richard Murdoch fled.")])]
    )
    assert _releases(index, "Куда бежал Ричард Мердок?") == ["murdoch"]
