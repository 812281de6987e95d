"""kill -9 at any point of a streaming ingest, even inside a Chroma write: one more run brings
the store to exactly what a clean run builds (ids, texts, metadata and vectors)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingest.pipeline import Ingestor
from retrieval.index import Index
from retrieval.settings import load_settings

# Run in a child process: ingest, but SIGKILL itself a moment after the Nth call of a store
# write starts, so that the kill lands inside Chroma's write.
_DRIVER = """
import os, random, signal, sys, threading
from pathlib import Path
from ingest.pipeline import Ingestor
from retrieval.index import Index
from retrieval.settings import load_settings
from retrieval.store import ChromaStore

corpus, data_dir, method, nth, seed = sys.argv[1:6]
rng = random.Random(int(seed))
calls = 0
real = getattr(ChromaStore, method)

def write(self, *args, **kwargs):
    global calls
    calls += 1
    if calls == int(nth):
        kill = lambda: os.kill(os.getpid(), signal.SIGKILL)
        threading.Timer(rng.uniform(0, 0.004), kill).start()
    return real(self, *args, **kwargs)

setattr(ChromaStore, method, write)
index = Index.from_settings(load_settings(data_dir=Path(data_dir), embedder="fake"))
Ingestor.for_index(index).ingest([Path(corpus)])
"""


def _release(rid: str, paragraphs: int, version: str) -> dict[str, Any]:
    return {
        "id": rid,
        "title": f"Release {rid}",
        "date": "2024-05-01",
        "paragraphs": [
            f"Paragraph {i} of {rid} ({version if i % 3 == 0 else 'same'}) on budgets and bridges."
            for i in range(paragraphs)
        ],
    }


def _corpus(folder: Path, version: str) -> Path:
    """Small releases, one release of ~400 chunks (three write batches of 128) and a JSON array:
    at least six upserts, as the tests kill at up to the sixth."""
    folder.mkdir(parents=True, exist_ok=True)
    short = 4 if version == "a" else 3  # version b drops paragraphs: leftovers to remove
    lines = [_release(f"r{i}", short, version) for i in range(60)]
    (folder / "many.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    (folder / "long.jsonl").write_text(json.dumps(_release("long", 404, version)) + "\n")
    array = [_release(f"a{i}", 2, version) for i in range(30)]
    (folder / "array.json").write_text(json.dumps(array))
    return folder


def _open(data_dir: Path) -> Index:
    """The store as a new process sees it: Chroma keeps one client per path and process, whose
    caches would not see what a killed child process wrote."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return Index.from_settings(load_settings(data_dir=data_dir, embedder="fake"))


def _snapshot(data_dir: Path) -> dict[str, tuple[str, dict[str, Any], bytes]]:
    store = _open(data_dir).store
    got = store._collection.get(include=["documents", "metadatas", "embeddings"])
    return {
        chunk_id: (text, dict(meta), np.asarray(vector, dtype=np.float32).tobytes())
        for chunk_id, text, meta, vector in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    }


def _ingest(corpus: Path, data_dir: Path) -> None:
    index = _open(data_dir)
    assert Ingestor.for_index(index).ingest([corpus]).ok


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("kill")
    old, new = _corpus(root / "a", "a"), _corpus(root / "b", "b")
    _ingest(new, root / "reference")
    return old, new, _snapshot(root / "reference")


def _killed_then_completed(
    corpora: tuple[Path, Path, dict[str, Any]], tmp_path: Path, method: str, nth: int, seed: int
) -> None:
    old, new, reference = corpora
    data_dir = tmp_path / "store"
    _ingest(old, data_dir)  # a previous version: the killed run is rewriting releases
    child = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(new), str(data_dir), method, str(nth), str(seed)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    _ingest(new, data_dir)
    _assert_same_store(_snapshot(data_dir), reference)


def _assert_same_store(
    got: dict[str, tuple[str, dict[str, Any], bytes]],
    reference: dict[str, tuple[str, dict[str, Any], bytes]],
) -> None:
    """The same chunks, texts and metadata, and the same vectors up to Chroma's rounding: a
    vector read back from its HNSW segment can differ in the last bit (measured: 1 of 3,000
    rows, by 3e-8), and a rewritten release reuses its unchanged chunks' stored vectors."""
    assert got.keys() == reference.keys()
    for key in got:
        text, meta, vector = got[key]
        assert (text, meta) == reference[key][:2], key
        np.testing.assert_allclose(
            np.frombuffer(vector, np.float32),
            np.frombuffer(reference[key][2], np.float32),
            rtol=0,
            atol=1e-6,
            err_msg=key,
        )


@pytest.mark.parametrize(("method", "nth"), [("upsert", 2), ("delete_chunks", 5)])
def test_killed_inside_a_write_then_one_more_run_equals_a_clean_store(
    corpora: tuple[Path, Path, dict[str, Any]], tmp_path: Path, method: str, nth: int
) -> None:
    _killed_then_completed(corpora, tmp_path, method, nth, seed=nth)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_killed_at_random_writes_then_one_more_run_equals_a_clean_store(
    corpora: tuple[Path, Path, dict[str, Any]], tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    method = rng.choice(["upsert", "upsert", "delete_chunks"])
    _killed_then_completed(corpora, tmp_path, method, rng.randint(1, 6), seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_cli_killed_at_a_random_moment_then_one_more_run_equals_a_clean_store(
    corpora: tuple[Path, Path, dict[str, Any]], tmp_path: Path, seed: int
) -> None:
    old, new, reference = corpora
    data_dir = tmp_path / "store"
    _ingest(old, data_dir)
    env = {**os.environ, "PRESSCHAT_DATA_DIR": str(data_dir), "PRESSCHAT_EMBEDDER": "fake"}
    command = [sys.executable, "-m", "presschat", "ingest", "-q", str(new)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    time.sleep(random.Random(seed).uniform(1.0, 4.0))  # start-up takes a second or two
    process.send_signal(signal.SIGKILL)
    process.wait()
    _ingest(new, data_dir)
    _assert_same_store(_snapshot(data_dir), reference)
