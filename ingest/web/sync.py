"""One ingest run over files and web sources together: the fetcher, the state file and the
pipeline wired up, and the cost of the run (requests, 304s, bytes) added to its report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest.embedding_worker import EmbeddingWorker
from ingest.pipeline import Ingestor, IngestReport, Progress
from ingest.web.fetch import Fetcher
from ingest.web.sources import WebReader
from ingest.web.state import WebState
from retrieval.index import Index


def ingest_sources(
    index: Index,
    paths: Sequence[Path],
    urls: Sequence[str],
    *,
    prune: bool = False,
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
    worker: EmbeddingWorker | None = None,
) -> IngestReport:
    """Ingest files, folders and web sources (feeds, sitemaps, pages) into the index's store.

    The state file is saved only after the pipeline has stored what was fetched, so a killed
    run costs at most full downloads next time, never a page skipped but not stored. A `worker`
    embeds in a child process (`Ingestor.for_index`).
    """
    settings = index.settings
    state = WebState(settings.web_state_path)
    stored = (
        {
            rid
            for rid, s in index.store.release_states().items()
            if s.chunks == s.expected_chunks and len(s.release_hashes) == 1
        }
        if urls
        else set()
    )
    own = fetcher is None
    fetcher = fetcher or Fetcher.from_settings(settings, robots_cache=state.robots)
    try:
        reader = WebReader(fetcher, state, stored, max_pages=settings.fetch_max_pages)
        report = Ingestor.for_index(index, worker=worker).ingest(
            paths, prune=prune, progress=progress, items=reader.read(urls)
        )
    finally:
        if own:
            fetcher.close()
    if urls:
        state.save()
    report.requests = fetcher.counts.requests
    report.not_modified = fetcher.counts.not_modified
    report.bytes_downloaded = fetcher.counts.bytes_downloaded
    return report
