"""The composition point of the web server: settings in, a FastAPI app out.

Builds the index, the assistant and the operator's ingest from settings (or takes them from the
caller, as tests do) and hands them to `ui.app.create_app`. This is the one place that knows
both `ingest` and `ui`.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from answer.assistant import Assistant
from ingest.pipeline import Failure, Ingestor, IngestReport, Tally
from ingest.web.sync import ingest_sources
from retrieval.errors import PresschatError
from retrieval.settings import Settings
from ui.admin_operations import AdminOperations, OnProgress, SourceStatus, Upload
from ui.app import create_app

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 5
"""Seconds open connections get to end after SIGTERM before they are cut; streamed answers end
at their next token well within it (service managers kill after 10-30 s)."""
SHUTTING_DOWN = "the server is shutting down"


class _CallbackProgress:
    """Ingest progress passed on as (chunks stored, chunks queued so far) calls."""

    def __init__(self, report: OnProgress | None) -> None:
        self._report = report

    def update(self, tally: Tally) -> None:
        if self._report:
            self._report(tally.chunks_stored, tally.chunks_queued)

    def failed(self, failure: Failure) -> None:
        log.info("ingest failed: %s: %s", failure.where, failure.reason)  # the summary lists it


def save_uploads(files: Sequence[Upload], upload_dir: Path) -> list[Path]:
    """Keep uploaded release files under their own (base) names, so that uploading a corrected
    file again updates its releases instead of adding copies."""
    names = []
    for filename, _ in files:
        name = Path(filename.replace("\\", "/")).name
        if not name or name.startswith("."):
            raise PresschatError(f"bad file name {filename!r}")
        names.append(name)
    upload_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, (_, content) in zip(names, files, strict=True):
        target = upload_dir / name
        target.write_bytes(content)
        saved.append(target)
    return saved


class SourceSync:
    """Syncs the web sources (PRESSCHAT_SOURCES) under the ingest lock, one at a time: on demand,
    and every PRESSCHAT_SYNC_INTERVAL minutes in a background thread once `start`ed; remembers
    how each source's last sync went (in memory: a restart shows "never" until the next)."""

    def __init__(self, assistant: Assistant, settings: Settings, lock: threading.Lock) -> None:
        self._index = assistant.index
        self._settings = settings
        self._lock = lock
        self._status = {url: SourceStatus(url) for url in settings.sources}
        self._stop = threading.Event()

    def status(self) -> list[SourceStatus]:
        """Each source and its last sync, in the configured order."""
        return list(self._status.values())

    def run(self, report: OnProgress | None = None) -> dict[str, Any]:
        """Sync every source now (after a running ingest); the summary of all of them."""
        total = IngestReport()
        with self._lock:
            for url in self._settings.sources:
                result = ingest_sources(self._index, [], [url], progress=_CallbackProgress(report))
                self._status[url] = SourceStatus(
                    url, dt.datetime.now(dt.UTC), result.summary_line()
                )
                total.add(result)
        return total.as_dict()

    def start(self) -> None:
        """Sync now and then every sync_interval minutes, in a daemon thread (0: never)."""
        if self._settings.sync_interval > 0 and self._settings.sources:
            threading.Thread(target=self._loop, name="presschat-sync", daemon=True).start()

    def stop(self) -> None:
        """End the background syncs after the one running, if any."""
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run()
            except Exception:  # a broken run must not end the schedule; the next may work
                log.exception("scheduled sync of the web sources failed")
            self._stop.wait(self._settings.sync_interval * 60)


def operations_for(
    assistant: Assistant,
    settings: Settings,
    *,
    lock: threading.Lock | None = None,
    syncer: SourceSync | None = None,
) -> AdminOperations:
    """Ingest of uploaded files, of the configured folders and of the web sources, one run at a
    time (two runs over the same files would race to write the same releases): a `syncer`
    passed in must hold the same `lock`. Uploads are written under the lock, so a second upload
    of a file never changes it while an ingest reads it."""
    ingestor = Ingestor.for_index(assistant.index)
    lock = lock or threading.Lock()
    syncer = syncer or SourceSync(assistant, settings, lock)

    def ingest_uploads(files: Sequence[Upload], report: OnProgress | None) -> dict[str, Any]:
        with lock:
            saved = save_uploads(files, settings.upload_dir)
            return ingestor.ingest(saved, progress=_CallbackProgress(report)).as_dict()

    def reingest_folders(report: OnProgress | None) -> dict[str, Any]:
        with lock:
            result = ingestor.ingest(
                settings.ingest_paths, prune=True, progress=_CallbackProgress(report)
            )
            return result.as_dict()

    def delete_release(release_id: str) -> int:
        with lock:  # not in the middle of an ingest that may be writing the same release
            removed = assistant.index.store.delete_release(release_id)
            assistant.index.refresh()
            return removed

    return AdminOperations(
        ingest_uploads=ingest_uploads,
        reingest_folders=reingest_folders if settings.ingest_paths else None,
        delete_release=delete_release,
        sync_sources=syncer.run if settings.sources else None,
        source_status=syncer.status,
    )


def storage_secret(settings: Settings) -> str:
    """The key Gradio uses for the conversations kept in browsers, made once per data directory
    so that chats stay readable across server restarts. (Gradio hands it to the page, so it
    keeps stored chats from being casual plain text, not secret from the user.)"""
    path = settings.data_dir / "browser-state.key"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:  # created readable by the owner only, and by one process when several start at once
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(32))
    for _ in range(50):  # another process may be writing it right now
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
        time.sleep(0.01)
    raise PresschatError(f"{path} is empty: delete it and start again")


def build_server(settings: Settings, *, assistant: Assistant | None = None) -> FastAPI:
    """The whole web server for these settings."""
    assistant = assistant or Assistant.from_settings(settings)
    lock = threading.Lock()
    syncer = SourceSync(assistant, settings, lock)
    app = create_app(
        assistant,
        settings,
        operations=operations_for(assistant, settings, lock=lock, syncer=syncer),
        storage_secret=storage_secret(settings),
    )
    app.state.source_sync = syncer  # the server stops it at shutdown
    syncer.start()
    return app


class _StoppingServer(uvicorn.Server):
    """uvicorn that stops the assistant's answers as soon as shutdown begins. (uvicorn runs the
    app's shutdown handlers only after open responses have ended, too late to end them.)"""

    def __init__(self, config: uvicorn.Config, assistant: Assistant) -> None:
        super().__init__(config)
        self._assistant = assistant

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._assistant.stop(SHUTTING_DOWN)
        syncer = getattr(getattr(self.config.app, "state", None), "source_sync", None)
        if isinstance(syncer, SourceSync):
            syncer.stop()
        await super().shutdown(sockets)


def run_server(app: FastAPI, assistant: Assistant, *, host: str, port: int) -> None:
    """Serve `app` until SIGINT or SIGTERM; then answers being written end with an error
    saying the server is shutting down, and the process exits within a few seconds."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    # What is built by now (the models, the store's client: ~400k objects) lives as long as
    # the server. Out of the cyclic collector's sight, a full collection takes ~10 ms instead
    # of ~160 ms, a pause that every request in flight waited for.
    gc.freeze()
    _StoppingServer(config, assistant).run()
