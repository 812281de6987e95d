"""Re-embedding a store's chunks with another embedder, without the source files.

`reindex` makes the collection the settings name (the target) hold exactly the chunks of the
collection answering now (the source), embedded by the target's embedder: same ids, texts and
metadata, new vectors. The text each chunk was embedded from is rebuilt from its stored text and
title, and checked against the chunk's stored content hash, so a reindexed chunk is embedded from
exactly what ingest would have embedded. The target is marked "reindexing" while it fills (the
chat keeps answering from the source) and "ready" once it matches the source; an interrupted run
leaves it marked, and the next run re-embeds only what the target lacks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.chunking import title_prefix
from ingest.report import Failure, Progress, SilentProgress, Tally
from retrieval.chroma_rows import StoredChunk
from retrieval.embedders import Embedder
from retrieval.index import ChunkingRecipe
from retrieval.store import ChromaStore
from retrieval.upgrade import REINDEXING

READY = "ready"
_MAX_PASSES = 3  # a pass over a source that changed meanwhile is followed by another


@dataclass
class ReindexReport:
    """What a reindex did."""

    source: str
    target: str
    chunks: int = 0  # in the source
    embedded: int = 0
    kept: int = 0  # already in the target from an earlier, interrupted run
    removed: int = 0  # in the target but no longer in the source
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        """True when the target now matches the source (and answers)."""
        return not self.failed

    def summary_line(self) -> str:
        """One line for the terminal."""
        rate = self.embedded / self.seconds if self.seconds else 0.0
        status = "complete" if self.complete else f"{len(self.failed)} failed, not switched"
        return (
            f"reindexed {self.source} -> {self.target}: {self.chunks} chunks, "
            f"{self.embedded} embedded ({rate:.1f}/s), {self.kept} kept from an earlier run, "
            f"{self.removed} removed; {status} in {self.seconds:.1f} s"
        )


def reindex(
    source: ChromaStore,
    target: ChromaStore,
    embedder: Embedder,
    recipe: ChunkingRecipe,
    *,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> ReindexReport:
    """Fill `target` with `source`'s chunks embedded by `embedder`; see the module docstring."""
    started = time.perf_counter()
    report = ReindexReport(source.collection_name, target.collection_name)
    target.set_state(REINDEXING)
    writer = _Writer(target, embedder, recipe, batch_size, progress or SilentProgress(), report)
    for attempt in range(_MAX_PASSES):
        writer.one_pass(source, first=attempt == 0)
        if report.failed or _keys(target) == _keys(source):
            break
    else:
        report.failed.append(Failure(source.collection_name, "kept changing while reindexed"))
    report.chunks = source.count()
    if report.complete:
        target.set_state(READY)
    report.seconds = time.perf_counter() - started
    return report


class _Writer:
    def __init__(
        self,
        target: ChromaStore,
        embedder: Embedder,
        recipe: ChunkingRecipe,
        batch_size: int,
        progress: Progress,
        report: ReindexReport,
    ) -> None:
        self._target, self._embedder, self._recipe = target, embedder, recipe
        self._batch_size, self._progress, self._report = batch_size, progress, report
        self._tally = Tally()
        self._pending: list[tuple[StoredChunk, str]] = []

    def one_pass(self, source: ChromaStore, *, first: bool) -> None:
        """Write what the target lacks or holds stale, and drop what the source lost."""
        have = _keys(self._target)
        self._tally = Tally(chunks_queued=source.count())
        seen: set[str] = set()
        for chunk_id, meta, text in source.scan(texts=True):
            seen.add(chunk_id)
            if have.get(chunk_id) == _key(meta):
                self._report.kept += first  # chunks an earlier, interrupted run wrote
                self._advance(1)
                continue
            embed_text = self._embed_text(meta, text)
            if embed_text is None:
                self._advance(1)
                continue
            self._pending.append((StoredChunk(chunk_id, text, meta), embed_text))
            if len(self._pending) >= self._batch_size:
                self._flush()
        self._flush()
        stale = [chunk_id for chunk_id in have if chunk_id not in seen]
        self._target.delete_chunks(stale)
        self._report.removed += len(stale)

    def _embed_text(self, meta: Mapping[str, Any], text: str) -> str | None:
        """The text ingest embedded for this chunk, or None (a failure) if it cannot be rebuilt."""
        prefix = ""
        if self._recipe.embed_titles:
            prefix = title_prefix(
                str(meta.get("title", "")), self._recipe, self._embedder.count_tokens
            )
        embed_text = prefix + text
        if hashlib.sha256(embed_text.encode()).hexdigest()[:32] != meta.get("content_hash"):
            where = f"{meta.get('release_id', '?')} chunk {meta.get('seq', '?')}"
            failure = Failure(where, "its embedded text cannot be rebuilt; ingest it again")
            self._report.failed.append(failure)
            self._progress.failed(failure)
            return None
        return embed_text

    def _flush(self) -> None:
        if not self._pending:
            return
        chunks = [chunk for chunk, _ in self._pending]
        vectors = self._embedder.embed_passages([text for _, text in self._pending])
        self._target.upsert(chunks, vectors)
        self._report.embedded += len(chunks)
        self._pending = []
        self._advance(len(chunks))

    def _advance(self, chunks: int) -> None:
        stored = self._tally.chunks_stored + chunks
        self._tally = dataclasses.replace(self._tally, chunks_stored=stored)
        self._progress.update(self._tally)


def _key(meta: Mapping[str, Any]) -> tuple[str, str]:
    return str(meta.get("content_hash", "")), str(meta.get("release_hash", ""))


def _keys(store: ChromaStore) -> dict[str, tuple[str, str]]:
    return {chunk_id: _key(meta) for chunk_id, meta, _ in store.scan()}
