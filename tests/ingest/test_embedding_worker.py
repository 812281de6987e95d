"""Ingest with the embedder in a child process (`presschat ingest`'s default): the same store as
in-process, batches written while the next is embedded, the child stopped after the run, and a
child that fails is reported, not waited for."""

from pathlib import Path

import numpy as np
import pytest

from ingest.embedding_worker import EmbeddingWorker
from ingest.pipeline import Ingestor
from retrieval.errors import BackendError
from retrieval.index import Index
from retrieval.settings import Settings, load_settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "releases"


def _rows(index: Index) -> dict[str, tuple[str, list[float]]]:
    return {
        chunk_id: (text, [round(float(x), 5) for x in vector])
        for chunk_id, _, text, vector in index.store.chunks_of(
            [s.release_id for s in index.store.releases()], with_vectors=True
        )
        if vector is not None
    }


def _ingest(settings: Settings, source: Path, worker: EmbeddingWorker | None) -> Index:
    index = Index.from_settings(settings)
    ingestor = Ingestor(
        index.store,
        index.embedder,
        index.recipe,
        embed_batch_size=4,
        write_batch_chunks=4,  # many batches, so that writing and embedding overlap
        after_changes=index.refresh,
        worker=worker,
    )
    report = ingestor.ingest([source])
    assert report.ok and report.chunks_written > 8, report
    return index


def test_a_worker_run_stores_what_an_in_process_run_stores(tmp_path: Path, data_dir: Path) -> None:
    alone = _ingest(load_settings(data_dir=tmp_path / "a", embedder="fake"), data_dir, None)
    settings = load_settings(data_dir=tmp_path / "b", embedder="fake")
    worker = EmbeddingWorker(settings)
    with_worker = _ingest(settings, data_dir, worker)
    assert _rows(with_worker) == _rows(alone)
    assert with_worker.search("lighthouse keeper", 3) == alone.search("lighthouse keeper", 3)
    assert worker._pool is None  # stopped when the run had stored its last batch


def test_a_child_that_cannot_load_its_embedder_fails_the_run(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, embedder="fake")
    broken = settings.model_copy(update={"embedder": "sentence-transformers:/no/such/model"})
    with EmbeddingWorker(broken) as worker, pytest.raises(BackendError, match="embedding process"):
        _ingest(settings, EXAMPLES, worker)


@pytest.mark.slow
def test_the_default_embedder_in_a_child_gives_the_parents_vectors(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, embedder="e5-small")
    texts = ["Kazakhstan and Tajikistan aim for 2 billion US dollars of trade.", "Сәлем, әлем!"]
    with EmbeddingWorker(settings) as worker:
        in_child = worker.submit(texts).result()
    in_parent = Index.from_settings(settings).embedder.embed_passages(texts)
    assert np.allclose(in_child, in_parent, atol=1e-4)
