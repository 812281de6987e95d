"""The same store API against a real Chroma server (`chroma run`) on a loopback port."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from retrieval.embedders import FakeEmbedder
from retrieval.index import Index
from retrieval.settings import Settings, load_settings
from retrieval.types import SearchFilters

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("w")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2)
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    log_text = (path / "server.log").read_text()
                    raise RuntimeError(f"chroma run did not start: {log_text}") from exc
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


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

    hits = index.search("Сырдарья водные ресурсы", 3, SearchFilters(language="ru"))
    assert hits[0].release_id == "ru-test-2"

    again_embedder = FakeEmbedder()
    reopened = Index.from_settings(server_settings, embedder=again_embedder)
    second = Ingestor.for_index(reopened).ingest([data_dir / "releases"])
    assert second.unchanged == 9 and again_embedder.passages_embedded == 0
    assert reopened.store.delete_release("ru-test-2") > 0
    assert "ru-test-2" not in {s.release_id for s in reopened.store.releases()}
