"""The same store API against a real Chroma server (`chroma run`) on a loopback port."""

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import Ingestor
from retrieval.chroma_rows import EF_SEARCH
from retrieval.embedders import FakeEmbedder
from retrieval.index import Index, keyword_path
from retrieval.settings import Settings, load_settings
from retrieval.types import SearchFilters
from tests.conftest import free_port, running_server, write_jsonl

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    command = [
        chroma,
        "run",
        "--path",
        str(path / "db"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with running_server(
        command, f"http://127.0.0.1:{port}/api/v2/heartbeat", path / "server.log", timeout=60
    ):
        yield port


@pytest.fixture
def server_settings(chroma_server: int, tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path,
        embedder="fake",
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
        collection_prefix=f"t{time.time_ns()}",
    )


def test_ingest_search_and_reingest_through_the_server(
    server_settings: Settings, data_dir: Path
) -> None:
    embedder = FakeEmbedder()
    index = Index.from_settings(server_settings, embedder=embedder)
    first = Ingestor.for_index(index).ingest([data_dir / "releases"])
    assert first.ok and len(first.added) == 9
    assert not server_settings.chroma_path.exists()  # nothing was written locally
    assert index.store._collection.configuration["hnsw"]["ef_search"] == EF_SEARCH

    hits = index.search("Сырдарья водные ресурсы", 3, SearchFilters(language="ru"))
    assert hits[0].release_id == "ru-test-2"
    # Ranked among listed chunk ids (a date filter's, from the keyword index); a gone id makes
    # the server refuse the list, and the filters decide instead.
    ids, query = index.store.ids(), np.stack([embedder.embed_query("water")])
    assert {c for c, _ in index.store.nearest(query, 5, among=ids[:2])[0]} == set(ids[:2])
    gone = [*ids[:2], "gone-00000"]
    assert index.store.nearest(query, 5, among=gone) == index.store.nearest(query, 5)

    again_embedder = FakeEmbedder()
    reopened = Index.from_settings(server_settings, embedder=again_embedder)
    second = Ingestor.for_index(reopened).ingest([data_dir / "releases"])
    assert second.unchanged == 9 and again_embedder.passages_embedded == 0
    assert reopened.store.delete_release("ru-test-2") > 0
    assert "ru-test-2" not in {s.release_id for s in reopened.store.releases()}


def test_two_hosts_on_one_server_keep_their_keyword_indexes_exact(
    server_settings: Settings, tmp_path: Path
) -> None:
    """Each host keeps its keyword index in its own data dir; each sees the other's writes."""
    here = Index.from_settings(server_settings, embedder=FakeEmbedder())
    there_settings = server_settings.model_copy(update={"data_dir": tmp_path / "other-host"})
    there = Index.from_settings(there_settings, embedder=FakeEmbedder())
    assert here.keywords is not None and there.keywords is not None
    source = tmp_path / "src"
    source.mkdir()
    release = {"id": "k", "title": "Case", "paragraphs": ["Plea in 1:09-cr-00123 accepted."]}
    write_jsonl(source / "k.jsonl", [release])
    Ingestor.for_index(here).ingest([source])
    assert there.keywords.search("1:09-cr-00123", 5) != []

    release["paragraphs"] = ["Plea in 2:10-mj-00777 accepted."]
    write_jsonl(source / "k.jsonl", [release])
    Ingestor.for_index(there).ingest([source])
    assert here.keywords.search("1:09-cr-00123", 5) == []
    assert here.keywords.search("2:10-mj-00777", 5) != []

    there.store.delete_release("k")
    assert here.keywords.search("2:10-mj-00777", 5) == []
    assert here.search("plea accepted") == []
    assert keyword_path(server_settings, here.store.collection_name).name.endswith(
        f"@127.0.0.1-{server_settings.chroma_port}.npz"
    )
