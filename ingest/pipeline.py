"""Ingesting release files into the store, exactly and idempotently.

A release is rewritten only when its fingerprint (`release_hash`) differs from what the store
holds, or when the store holds only part of it (a run killed half-way). Rewriting upserts the
chunks under deterministic ids first and deletes leftovers second, and reuses the stored vector
of every chunk whose text did not change, so an interrupted or repeated run converges on the
same store without duplicates and without embedding anything twice.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.chunking import chunk_release, release_hash
from ingest.embedding_worker import EmbeddingWorker, vectors_of
from ingest.files import DEFAULT_MAX_BYTES, SourceFile, find_files, read_releases
from ingest.report import Failure, IngestReport, Progress, SilentProgress, Tally
from retrieval.chroma_rows import ReleaseState, StoredChunk, chunk_id, chunk_record
from retrieval.embedders import Embedder, Vectors
from retrieval.errors import ReadError
from retrieval.index import ChunkingRecipe, Index
from retrieval.store import ChromaStore
from retrieval.types import Chunk, Release

log = logging.getLogger(__name__)

__all__ = ["Failure", "IngestReport", "Ingestor", "Progress", "PruneScope", "Tally", "Unchanged"]


@dataclass(frozen=True)
class Unchanged:
    """A release its source knows to be unchanged without reading it (a web page that answered
    "not modified"): counted as unchanged and never pruned."""

    release_id: str


@dataclass(frozen=True)
class PruneScope:
    """With --prune, stored releases whose id starts with `prefix` (a sitemap's host and path)
    and that `listed` (the sitemap's pages) lacks are gone from their source."""

    prefix: str
    listed: frozenset[str]


SourceItem = Release | ReadError | Unchanged | PruneScope
"""What a source other than files (ingest.web) gives the pipeline, as it goes."""


@dataclass(eq=False)
class _Pending:
    """A release being written; a long one spans several batches."""

    release: Release
    release_hash: str
    chunks: list[Chunk]
    is_new: bool
    looked_up: bool = False  # stored chunks fetched (for reuse and for removing leftovers)
    stale_ids: set[str] = field(default_factory=set)
    reusable: dict[str, Vectors] = field(default_factory=dict)


@dataclass(eq=False)
class _Batch:
    """Chunks to write together, with their vectors: reused, embedded, or being embedded."""

    chunks: Sequence[tuple[_Pending, Chunk]]
    records: list[StoredChunk]
    vectors: dict[str, Vectors]  # content hash -> vector
    embedding: list[tuple[list[str], Future[Vectors]]]  # content hashes, their vectors to come
    embedded: int


class Ingestor:
    """Reads release files and brings the store in line with them, release by release.

    Chunks are written in batches of at most `write_batch_chunks` chunks and about
    `write_batch_chars` characters (long chunks take longer to embed) as soon as they are
    embedded, so a run stores work from its first seconds and a killed run loses one batch
    (two with a `worker`: one embedding, one being written). With a worker, the run stops its
    child process when it has stored its last batch.
    """

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        recipe: ChunkingRecipe,
        *,
        embed_batch_size: int = 128,
        write_batch_chunks: int = 128,
        write_batch_chars: int = 64_000,
        max_file_bytes: int = DEFAULT_MAX_BYTES,
        after_changes: Callable[[], None] | None = None,
        worker: EmbeddingWorker | None = None,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._recipe = recipe
        self._embed_batch = embed_batch_size
        self._write_batch = write_batch_chunks
        self._write_chars = write_batch_chars
        self._max_file_bytes = max_file_bytes
        self._after_changes = after_changes
        self._worker = worker
        self._in_flight: _Batch | None = None

    @classmethod
    def for_index(cls, index: Index, *, worker: EmbeddingWorker | None = None) -> Ingestor:
        """An ingestor writing into the index's store with its embedder and recipe; a run that
        changed the store brings the index's keyword index in line before it returns. With a
        `worker` (the same embedder in a child process), each batch is written while the next
        one is embedded."""
        return cls(
            index.store,
            index.embedder,
            index.recipe,
            embed_batch_size=index.settings.embed_batch_size,
            max_file_bytes=index.settings.max_file_mb * 2**20,
            after_changes=index.refresh,
            worker=worker,
        )

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        progress: Progress | None = None,
        items: Iterable[SourceItem] = (),
    ) -> IngestReport:
        """Ingest files and folders, then the releases of other sources (web pages); with
        `prune`, drop releases that vanished from them."""
        started = time.perf_counter()
        run = _Run(progress or SilentProgress())
        roots = [Path(p).expanduser().resolve() for p in paths]
        states = self._store.release_states()
        seen: dict[str, str] = {}
        unreadable: set[str] = set()
        missing_roots: set[Path] = set()
        scopes: list[PruneScope] = []
        batch: list[tuple[_Pending, Chunk]] = []
        batch_chars = 0
        self._in_flight = None

        def take(release: Release) -> None:
            nonlocal batch, batch_chars
            run.tell(releases=1)
            if release.release_id in seen:
                run.fail(
                    release.source_path,
                    f"duplicate release id {release.release_id!r} (first in "
                    f"{seen[release.release_id]}); this copy was skipped",
                )
                return
            seen[release.release_id] = release.source_path
            fingerprint = release_hash(release, self._recipe)
            state = states.get(release.release_id)
            if state is not None and state.is_complete(fingerprint):
                run.report.unchanged += 1
                return
            chunks = chunk_release(
                release, self._recipe, self._embedder.count_tokens, self._embedder.token_ends
            )
            pending = _Pending(release, fingerprint, chunks, state is None)
            run.tell(chunks_queued=len(chunks))
            for chunk in chunks:
                batch.append((pending, chunk))
                batch_chars += len(chunk.embed_text)
                if len(batch) >= self._write_batch or batch_chars >= self._write_chars:
                    self._write(batch, states, run)
                    batch, batch_chars = [], 0

        for item in find_files(roots):
            if isinstance(item, ReadError):
                run.fail(item.where, item.reason)
                missing_roots.add(Path(item.where).expanduser().resolve())
                continue
            run.report.files += 1
            run.tell(files=1)
            for release in self._read(item, run, unreadable):
                take(release)
        for entry in items:
            if isinstance(entry, Release):
                take(entry)
            elif isinstance(entry, ReadError):
                run.fail(entry.where, entry.reason)
            elif isinstance(entry, Unchanged):
                if entry.release_id not in seen:
                    seen[entry.release_id] = entry.release_id
                    run.report.unchanged += 1
            else:
                scopes.append(entry)
        if batch:
            self._write(batch, states, run)
        if self._in_flight is not None:
            self._store_batch(self._in_flight, states, run)
            self._in_flight = None
        if self._worker is not None:
            self._worker.close()  # its memory is free for the keyword index (after_changes)
        if prune:
            # A path that is missing (an unmounted share, a typo) says nothing about what is
            # gone from it: never prune under it.
            present = [root for root in roots if root not in missing_roots]
            run.report.removed = self._prune(present, states, seen, unreadable)
            run.report.removed += self._prune_scopes(scopes, states, seen)
        changed = run.report.chunks_written or run.report.removed
        if changed and self._after_changes is not None:
            self._after_changes()
        run.report.seconds = time.perf_counter() - started
        return run.report

    def _read(self, item: SourceFile, run: _Run, unreadable: set[str]) -> Iterator[Release]:
        """The file's releases as they are read; failures are reported as they happen."""
        try:
            for result in read_releases(item.path, max_bytes=self._max_file_bytes):
                if isinstance(result, ReadError):
                    run.fail(result.where, result.reason)
                    unreadable.add(str(item.path))
                else:
                    yield result
        except ReadError as exc:
            run.fail(exc.where, exc.reason)
            unreadable.add(str(item.path))
        except RecursionError:
            run.fail(str(item.path), "cannot read: nested too deeply")
            unreadable.add(str(item.path))
        except Exception as exc:  # one odd file must not stop the run or lose the others
            log.debug("unexpected error reading %s", item.path, exc_info=True)
            run.fail(str(item.path), f"cannot read: {type(exc).__name__}: {exc}")
            unreadable.add(str(item.path))

    def _write(
        self, batch: Sequence[tuple[_Pending, Chunk]], states: dict[str, ReleaseState], run: _Run
    ) -> None:
        """Embed and store the batch; with a worker, store the one before while it embeds."""
        prepared = self._prepare(batch)
        if self._worker is None:
            self._store_batch(prepared, states, run)
            return
        if self._in_flight is not None:
            self._store_batch(self._in_flight, states, run)
        self._in_flight = prepared

    def _prepare(self, batch: Sequence[tuple[_Pending, Chunk]]) -> _Batch:
        releases = list({id(p): p for p, _ in batch}.values())
        self._look_up([p for p in releases if not p.is_new and not p.looked_up])

        records: list[StoredChunk] = []
        vectors: dict[str, Vectors] = {}  # content hash -> vector
        to_embed: dict[str, str] = {}  # content hash -> text; a repeated paragraph embeds once
        for item, chunk in batch:
            records.append(chunk_record(item.release, chunk, item.release_hash, len(item.chunks)))
            vector = item.reusable.get(chunk.content_hash)
            if vector is not None:
                vectors[chunk.content_hash] = vector
            else:
                to_embed[chunk.content_hash] = chunk.embed_text
        hashes = list(to_embed)
        embedding: list[tuple[list[str], Future[Vectors]]] = []
        for start in range(0, len(hashes), self._embed_batch):
            part = hashes[start : start + self._embed_batch]
            texts = [to_embed[h] for h in part]
            if self._worker is not None:
                embedding.append((part, self._worker.submit(texts)))
            else:
                vectors.update(zip(part, self._embedder.embed_passages(texts), strict=True))
        return _Batch(batch, records, vectors, embedding, len(hashes))

    def _store_batch(self, batch: _Batch, states: dict[str, ReleaseState], run: _Run) -> None:
        for part, future in batch.embedding:
            batch.vectors.update(zip(part, vectors_of(future), strict=True))
        records = batch.records
        self._store.upsert(
            records, np.stack([batch.vectors[str(r.metadata["content_hash"])] for r in records])
        )
        run.report.chunks_written += len(records)
        run.report.chunks_embedded += batch.embedded
        for item, chunk in batch.chunks:
            if chunk is item.chunks[-1]:
                self._finish(item, states, run.report)
        run.tell(chunks_stored=len(records))

    def _look_up(self, releases: Sequence[_Pending]) -> None:
        """Fetch what is stored of releases being rewritten: vectors to reuse, ids to remove."""
        if not releases:
            return
        by_id = {p.release.release_id: p for p in releases}
        for stored_id, meta, _, vector in self._store.chunks_of(list(by_id), with_vectors=True):
            item = by_id[str(meta["release_id"])]
            item.stale_ids.add(stored_id)
            if vector is not None:
                item.reusable[str(meta["content_hash"])] = vector
        for item in releases:
            item.looked_up = True

    def _finish(
        self, item: _Pending, states: dict[str, ReleaseState], report: IngestReport
    ) -> None:
        """The release's last chunk is stored: remove leftovers of its previous version."""
        release_id = item.release.release_id
        written = {chunk_id(release_id, c.seq) for c in item.chunks}
        # Leftovers of the previous version go only after the new version is fully written.
        self._store.delete_chunks(sorted(item.stale_ids - written))
        (report.added if item.is_new else report.updated).append(release_id)
        states[release_id] = ReleaseState(
            frozenset({item.release_hash}),
            len(item.chunks),
            len(item.chunks),
            item.release.source_path,
        )
        item.reusable.clear()

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

    def _prune_scopes(
        self, scopes: Sequence[PruneScope], states: dict[str, ReleaseState], seen: dict[str, str]
    ) -> list[str]:
        removed = []
        for release_id in sorted(states):
            if release_id in seen:
                continue
            covering = [s for s in scopes if release_id.startswith(s.prefix)]
            if covering and not any(release_id in s.listed for s in covering):
                self._store.delete_release(release_id)
                removed.append(release_id)
        return removed


class _Run:
    """The report of a run in progress, and the tally told to its Progress."""

    def __init__(self, progress: Progress) -> None:
        self.report = IngestReport()
        self._progress = progress
        self._tally = Tally()

    def tell(self, **more: int) -> None:
        """Add to the tally and pass it on."""
        counts = {name: getattr(self._tally, name) + n for name, n in more.items()}
        self._tally = dataclasses.replace(self._tally, **counts)
        self._progress.update(self._tally)

    def fail(self, where: str, reason: str) -> None:
        """Record a failure and report it at once, on one line whatever the input held."""
        failure = Failure(_one_line(where), _one_line(reason))
        self.report.failed.append(failure)
        self._progress.failed(failure)
        self.tell(failed=1)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str, limit: int = 500) -> str:
    """Text with line breaks and other control characters escaped, at most `limit` long."""
    text = _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
