"""The composition point of the web server: settings in, a FastAPI app out.

Builds the index, the assistant and the operator's ingest from settings (or takes them from the
caller, as tests do) and hands them to `ui.app.create_app`. This is the one place that knows
both `ingest` and `ui`.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from ingest.pipeline import Ingestor
from retrieval.assistant import Assistant
from retrieval.settings import Settings
from ui.api import OnProgress, Operations
from ui.app import create_app

log = logging.getLogger(__name__)


class _CallbackProgress:
    """Ingest progress passed on as (done, total) calls."""

    def __init__(self, report: OnProgress | None) -> None:
        self._report = report
        self._total = 0
        self._done = 0

    def start(self, total: int) -> None:
        self._total = total
        if self._report:
            self._report(0, total)

    def advance(self, done: int) -> None:
        self._done += done
        if self._report:
            self._report(self._done, self._total)


def operations_for(assistant: Assistant, settings: Settings) -> Operations:
    """Ingest of uploaded files and of the configured folders, one run at a time (two runs over
    the same files would race to write the same releases)."""
    ingestor = Ingestor.for_index(assistant.index)
    lock = threading.Lock()

    def ingest_files(paths: Sequence[Path], report: OnProgress | None) -> dict[str, Any]:
        with lock:
            return ingestor.ingest(paths, progress=_CallbackProgress(report)).as_dict()

    def reingest_folders(report: OnProgress | None) -> dict[str, Any]:
        with lock:
            result = ingestor.ingest(
                settings.ingest_paths, prune=True, progress=_CallbackProgress(report)
            )
            return result.as_dict()

    return Operations(
        ingest_files=ingest_files,
        reingest_folders=reingest_folders if settings.ingest_paths else None,
        upload_dir=settings.upload_dir,
    )


def storage_secret(settings: Settings) -> str:
    """The key that encrypts conversations kept in browsers; made once per data directory so
    that chats survive server restarts."""
    path = settings.data_dir / "browser-state.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def build_server(settings: Settings, *, assistant: Assistant | None = None) -> FastAPI:
    """The whole web server for these settings."""
    assistant = assistant or Assistant.from_settings(settings)
    return create_app(
        assistant,
        settings,
        operations=operations_for(assistant, settings),
        storage_secret=storage_secret(settings),
    )
