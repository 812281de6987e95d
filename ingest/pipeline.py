"""Ingesting release files into the store, exactly and idempotently.

A release is rewritten only when its fingerprint (`release_hash`) differs from what the store
holds, or when the store holds only part of it (a run killed half-way). Rewriting upserts the
chunks under deterministic ids first and deletes leftovers second, and reuses the stored vector
of every chunk whose text did not change, so an interrupted or repeated run converges on the
same store without duplicates and without embedding anything twice.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ingest.chunking import chunk_release, release_hash
from ingest.files import SourceFile, find_files, read_releases
from retrieval.embedders import Embedder, Vectors
from retrieval.errors import ReadError
from retrieval.index import ChunkingRecipe, Index
from retrieval.store import ChromaStore, ReleaseState, StoredChunk, chunk_record
from retrieval.types import Chunk, Release

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Where ingest reports embedding progress (the CLI draws a bar)."""

    def start(self, total: int) -> None:
        """Embedding is about to start; `total` chunks need writing."""

    def advance(self, done: int) -> None:
        """`done` more chunks are written."""


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass


@dataclass(frozen=True)
class Failure:
    """An input that could not be ingested, and why."""

    where: str
    reason: str


@dataclass
class IngestReport:
    """What an ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    files: int = 0
    chunks_written: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every input was ingested."""
        return not self.failed

    def summary_line(self) -> str:
        """One line for people: the CLI prints it, the admin page and the API show it."""
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {self.unchanged}, removed {len(self.removed)}, "
            f"failed {len(self.failed)} — {self.files} files, "
            f"{self.chunks_embedded} paragraphs embedded in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, with the summary line."""
        return {
            "summary": self.summary_line(),
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "failed": len(self.failed),
            "files": self.files,
            "chunks_written": self.chunks_written,
            "chunks_embedded": self.chunks_embedded,
            "seconds": round(self.seconds, 3),
            "failures": [{"where": f.where, "reason": f.reason} for f in self.failed],
            "removed_ids": self.removed,
        }


@dataclass(frozen=True)
class _Pending:
    release: Release
    release_hash: str
    chunks: list[Chunk]
    is_new: bool


class Ingestor:
    """Reads release files and brings the store in line with them."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        recipe: ChunkingRecipe,
        *,
        embed_batch_size: int = 32,
        write_batch_chunks: int = 512,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._recipe = recipe
        self._embed_batch = embed_batch_size
        self._write_batch = write_batch_chunks

    @classmethod
    def for_index(cls, index: Index) -> Ingestor:
        """An ingestor writing into the index's store with its embedder and recipe."""
        return cls(
            index.store,
            index.embedder,
            index.recipe,
            embed_batch_size=index.settings.embed_batch_size,
        )

    def ingest(
        self, paths: Iterable[Path], *, prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Ingest files and folders; with `prune`, drop releases that vanished from them."""
        started = time.perf_counter()
        progress = progress or _Silent()
        report = IngestReport()
        roots = [Path(p).expanduser().resolve() for p in paths]
        states = self._store.release_states()
        seen: dict[str, str] = {}
        unreadable: set[str] = set()
        pending: list[_Pending] = []

        missing_roots: set[Path] = set()
        for item in find_files(roots):
            if isinstance(item, ReadError):
                report.failed.append(Failure(item.where, item.reason))
                missing_roots.add(Path(item.where).expanduser().resolve())
                continue
            report.files += 1
            for release in self._read(item, report, unreadable):
                if release.release_id in seen:
                    report.failed.append(
                        Failure(
                            release.source_path,
                            f"duplicate release id {release.release_id!r} (first in "
                            f"{seen[release.release_id]}); this copy was skipped",
                        )
                    )
                    continue
                seen[release.release_id] = release.source_path
                fingerprint = release_hash(release, self._recipe)
                state = states.get(release.release_id)
                if state is not None and state.is_complete(fingerprint):
                    report.unchanged += 1
                    continue
                chunks = chunk_release(release, self._recipe, self._embedder.count_tokens)
                pending.append(_Pending(release, fingerprint, chunks, state is None))

        progress.start(sum(len(p.chunks) for p in pending))
        for batch in _batches(pending, self._write_batch):
            self._write(batch, states, report, progress)
        if prune:
            # A path that is missing (an unmounted share, a typo) says nothing about what is
            # gone from it: never prune under it.
            present = [root for root in roots if root not in missing_roots]
            report.removed = self._prune(present, states, seen, unreadable)
        report.seconds = time.perf_counter() - started
        return report

    def _read(self, item: SourceFile, report: IngestReport, unreadable: set[str]) -> list[Release]:
        releases: list[Release] = []
        try:
            for result in read_releases(item.path):
                if isinstance(result, ReadError):
                    report.failed.append(Failure(result.where, result.reason))
                    unreadable.add(str(item.path))
                else:
                    releases.append(result)
        except ReadError as exc:
            report.failed.append(Failure(exc.where, exc.reason))
            unreadable.add(str(item.path))
        except Exception as exc:  # one odd file must not stop the run or lose the others
            log.exception("unexpected error reading %s", item.path)
            report.failed.append(Failure(str(item.path), f"cannot read: {exc!r}"))
            unreadable.add(str(item.path))
        return releases

    def _write(
        self,
        batch: Sequence[_Pending],
        states: dict[str, ReleaseState],
        report: IngestReport,
        progress: Progress,
    ) -> None:
        stale_ids: set[str] = set()
        reusable: dict[str, Vectors] = {}
        rewritten = [p.release.release_id for p in batch if not p.is_new]
        for chunk_id, meta, _, vector in self._store.chunks_of(rewritten, with_vectors=True):
            stale_ids.add(chunk_id)
            if vector is not None:
                reusable[str(meta["content_hash"])] = vector

        records: list[StoredChunk] = []
        to_embed: dict[str, str] = {}  # content hash -> text; a repeated paragraph embeds once
        waiting: Counter[str] = Counter()  # content hash -> chunks that wait for its vector
        for item in batch:
            for chunk in item.chunks:
                records.append(
                    chunk_record(item.release, chunk, item.release_hash, len(item.chunks))
                )
                if chunk.content_hash not in reusable:
                    to_embed[chunk.content_hash] = chunk.embed_text
                    waiting[chunk.content_hash] += 1
        progress.advance(len(records) - sum(waiting.values()))
        hashes = list(to_embed)
        for start in range(0, len(hashes), self._embed_batch):
            part = hashes[start : start + self._embed_batch]
            embedded = self._embedder.embed_passages([to_embed[h] for h in part])
            reusable.update(zip(part, embedded, strict=True))
            progress.advance(sum(waiting[h] for h in part))
        vectors = np.stack([reusable[str(r.metadata["content_hash"])] for r in records])

        self._store.upsert(records, vectors)
        # Leftovers of the previous version go only after the new version is fully written.
        self._store.delete_chunks(stale_ids - {r.chunk_id for r in records})
        report.chunks_written += len(records)
        report.chunks_embedded += len(hashes)
        for item in batch:
            target = report.added if item.is_new else report.updated
            target.append(item.release.release_id)
            states[item.release.release_id] = ReleaseState(
                frozenset({item.release_hash}),
                len(item.chunks),
                len(item.chunks),
                item.release.source_path,
            )

    def _prune(
        self,
        roots: Sequence[Path],
        states: dict[str, ReleaseState],
        seen: dict[str, str],
        unreadable: set[str],
    ) -> list[str]:
        removed = []
        for release_id, state in sorted(states.items()):
            if release_id in seen or state.source_path in unreadable:
                continue
            source = Path(state.source_path)
            if any(source == root or root in source.parents for root in roots):
                self._store.delete_release(release_id)
                removed.append(release_id)
        return removed


def _batches(pending: Sequence[_Pending], max_chunks: int) -> Iterable[list[_Pending]]:
    batch: list[_Pending] = []
    size = 0
    for item in pending:
        batch.append(item)
        size += len(item.chunks)
        if size >= max_chunks:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
