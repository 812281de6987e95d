"""Collections are named by embedder and chunking recipe, so vectors never mix."""

from pathlib import Path

from ingest.pipeline import Ingestor
from retrieval.embedders import FakeEmbedder
from retrieval.index import ChunkingRecipe, Index, collection_name
from retrieval.settings import load_settings
from retrieval.types import SearchFilters


def test_collection_name_includes_embedder_and_recipe() -> None:
    recipe = ChunkingRecipe(min_chars=40, max_tokens=512, embed_titles=True)
    assert collection_name("presschat", "e5-small-q4", recipe) == "presschat-e5-small-q4-c1m40t512h"


def test_two_embedders_in_one_data_dir_keep_separate_collections(
    tmp_path: Path, data_dir: Path
) -> None:
    settings = load_settings(data_dir=tmp_path, embedder="fake")
    small = Index.from_settings(settings, embedder=FakeEmbedder(dimension=64))
    large = Index.from_settings(settings, embedder=FakeEmbedder(dimension=128))
    assert small.store.collection_name != large.store.collection_name
    Ingestor.for_index(small).ingest([data_dir / "releases" / "array.json"])
    assert small.store.count() > 0 and large.store.count() == 0
    assert large.search("digital visa portal") == []
    assert small.search("digital visa portal")[0].release_id == "json-array-1"


def test_blank_query_returns_nothing(tmp_path: Path) -> None:
    index = Index.from_settings(load_settings(data_dir=tmp_path, embedder="fake"))
    assert index.search("   ") == []


def test_concurrent_searches_share_calls_and_keep_their_own_filters(
    index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    import threading

    ingestor.ingest([data_dir / "releases"])
    embedder = index.embedder
    assert isinstance(embedder, FakeEmbedder)
    alone = {
        lang: index.search("water consultations", 3, SearchFilters(language=lang))
        for lang in ("ru", "en")
    }
    calls = embedder.query_calls
    results: dict[str, list[list[str]]] = {"ru": [], "en": []}
    start = threading.Barrier(20)

    def search(lang: str) -> None:
        start.wait()
        hits = index.search("water consultations", 3, SearchFilters(language=lang))
        results[lang].append([h.chunk_id for h in hits])

    threads = [threading.Thread(target=search, args=("ru" if i % 2 else "en",)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for lang in ("ru", "en"):
        assert results[lang] == [[h.chunk_id for h in alone[lang]]] * 10
    assert embedder.query_calls - calls < 20
