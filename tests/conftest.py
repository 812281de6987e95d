"""Shared fixtures: real Chroma stores on temp dirs, the fake embedder, the shared corpus."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from retrieval.embedders import FakeEmbedder
from retrieval.index import Index
from retrieval.settings import Settings, load_settings

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def data_dir() -> Path:
    """Hand-written releases for unit tests."""
    return DATA


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared, read-only corpus and evaluation data (beside the repository)."""
    if not (SHARED / "data").is_dir():
        raise RuntimeError(f"shared data not found at {SHARED}; tests need it beside the repo")
    return SHARED / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh embedded store in a temp dir, with the fake embedder."""
    return load_settings(data_dir=tmp_path / "store", embedder="fake")


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def index(settings: Settings, embedder: FakeEmbedder) -> Index:
    """A real Chroma store on a temp dir, embedded by the fake embedder."""
    return Index.from_settings(settings, embedder=embedder)


@pytest.fixture
def ingestor(index: Index) -> Ingestor:
    return Ingestor.for_index(index)


@pytest.fixture
def doj_sample(shared: Path, tmp_path: Path) -> Iterator[Path]:
    """The first 20 releases of the shared 200-release DOJ demo set, as a JSON Lines file."""
    lines = (shared / "doj" / "doj_opa_demo_200.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "doj20.jsonl"
    path.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    yield path


def write_jsonl(path: Path, records: list[dict[str, object]], *, compress: bool = False) -> Path:
    """Write releases as JSON Lines (gzip-compressed when asked)."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_server(
    command: list[str],
    ready_url: str,
    log_path: Path,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> Iterator[None]:
    """Start a server process, wait until `ready_url` answers, stop it afterwards."""
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{command[0]} did not start: {log_path.read_text()}"
                    ) from exc
                time.sleep(0.3)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
