"""The seam between the web server and ingest: what an operator may run besides questions.

The composition point (presschat.server), which knows the ingest package, builds an
`AdminOperations`; ui/ only calls it, so ui/ never imports ingest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

OnProgress = Callable[[int, int], None]
"""Called with (paragraphs stored, paragraphs queued so far) while an ingest streams; the
second grows as files are read."""

Upload = tuple[str, bytes]
"""An uploaded release file: its name as the user's machine called it, and its bytes."""


@dataclass(frozen=True)
class SourceStatus:
    """A web source and how its last sync went (`finished` is None before the first)."""

    url: str
    finished: dt.datetime | None = None
    summary: str = ""


@dataclass(frozen=True)
class AdminOperations:
    """Ingest and delete, each waiting for a running ingest. The ingests return the summary as
    `presschat ingest --json` prints it (with its one-line `summary`) and raise PresschatError
    for a bad upload (such as a hidden file name)."""

    ingest_uploads: Callable[[Sequence[Upload], OnProgress | None], dict[str, Any]]
    reingest_folders: Callable[[OnProgress | None], dict[str, Any]] | None
    delete_release: Callable[[str], int]
    """Remove a release; the number of paragraphs removed (0: no such release)."""
    sync_sources: Callable[[OnProgress | None], dict[str, Any]] | None = None
    """Sync the web sources (PRESSCHAT_SOURCES) now; None when none are configured."""
    source_status: Callable[[], list[SourceStatus]] = lambda: []
    """Each web source and its last sync."""
