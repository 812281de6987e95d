"""The operators' page (/admin): upload or re-ingest releases, or sync the web sources, with
progress and a summary; list,
search and delete releases, and see what the store holds, in the interface language. The page
sits behind a login whose password is the admin token (ui.app mounts it so), uploads included.
`AdminHandlers` holds the handlers; `build_admin` lays out the page and wires them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from answer.assistant import Assistant
from retrieval.errors import PresschatError
from ui import page_language as language
from ui.admin_operations import AdminOperations, OnProgress
from ui.locales import ADMIN, Words, admin_words
from ui.stats import store_stats

RELEASE_COLUMNS = ("id", "date", "language", "paragraphs", "title", "source")
SOURCE_COLUMNS = ("url", "last_sync", "last_result")


def summary_text(report: dict[str, Any], w: Words) -> str:
    """The ingest summary line, then each failure, in the interface language."""
    line = w(
        "report",
        added=report["added"],
        updated=report["updated"],
        unchanged=report["unchanged"],
        removed=report["removed"],
        failed=report["failed"],
        files=report["files"],
        embedded=report["chunks_embedded"],
        seconds=f"{report['seconds']:.1f}",
    )
    failures = [f"- {w('failed_item', **f)}" for f in report["failures"]]
    return "\n".join([line, *failures])


class AdminHandlers:
    """The admin page's handlers, bound to one store and the operator's operations. Each gets
    the interface language as its last input (before Gradio's progress tracker)."""

    def __init__(self, assistant: Assistant, operations: AdminOperations) -> None:
        self.assistant = assistant
        self.operations = operations

    @staticmethod
    def _run(
        job: Callable[[OnProgress], dict[str, Any]], progress: gr.Progress, w: Words
    ) -> tuple[str, dict[str, Any]]:
        def report(done: int, total: int) -> None:
            if total:
                progress((done, total), desc=w("embedding"), unit="¶")

        try:
            result = job(report)
        except PresschatError as exc:
            raise gr.Error(str(exc)) from None
        return summary_text(result, w), result

    # Gradio injects progress trackers through exactly this default.
    def ingest_uploads(
        self,
        files: list[str] | None,
        locale: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, dict[str, Any]]:
        """Ingest the uploaded files: the summary and its details."""
        w = admin_words(locale)
        if not files:
            raise gr.Error(w("choose_files"))
        uploads = [(Path(f).name, Path(f).read_bytes()) for f in files]
        return self._run(
            lambda report: self.operations.ingest_uploads(uploads, report), progress, w
        )

    def reingest(
        self,
        locale: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, dict[str, Any]]:
        """Ingest the configured folders again, removing releases gone from them."""
        w = admin_words(locale)
        folders = self.operations.reingest_folders
        if folders is None:
            raise gr.Error(w("no_folders"))
        return self._run(folders, progress, w)

    def sync_sources(
        self,
        locale: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, dict[str, Any], list[list[str]]]:
        """Sync the web sources now: the summary, its details and the sources' table."""
        w = admin_words(locale)
        job = self.operations.sync_sources
        if job is None:
            raise gr.Error(w("no_sources"))
        summary, details = self._run(job, progress, w)
        return summary, details, self.source_rows()

    def source_rows(self) -> list[list[str]]:
        """Each web source with when its last sync finished (UTC) and how it went."""
        return [
            [s.url, s.finished.strftime("%Y-%m-%d %H:%M UTC") if s.finished else "—", s.summary]
            for s in self.operations.source_status()
        ]

    def list_releases(self, query: str) -> list[list[Any]]:
        """Stored releases whose id or title has every word of `query`, newest first."""
        words = (query or "").lower().split()
        rows = []
        for r in self.assistant.index.store.releases():
            if all(w in f"{r.release_id} {r.title}".lower() for w in words):
                date = r.date.isoformat() if r.date else ""
                rows.append([r.release_id, date, r.language, r.paragraphs, r.title, r.source_path])
        return rows

    def delete(self, release_id: str, query: str, locale: str) -> tuple[str, list[list[Any]]]:
        """Delete a release; the message and the release list again."""
        w = admin_words(locale)
        release_id = (release_id or "").strip()
        if not release_id:
            raise gr.Error(w("enter_id"))
        removed = self.operations.delete_release(release_id)
        if not removed:
            raise gr.Error(w("no_release", release_id=release_id))
        return w("deleted", release_id=release_id, count=removed), self.list_releases(query)

    def stats(self) -> dict[str, Any]:
        """What the store holds."""
        return store_stats(self.assistant.index)


def admin_labels(w: Words, reingest_enabled: bool, sync_enabled: bool) -> list[Any]:
    """Updates that give the admin page's fixed components their labels, in `build_admin`'s
    order of `labelled`."""
    return [
        gr.update(
            label=w("interface_language"),
            choices=language.interface_languages(w("browser_language")),
        ),
        gr.update(value=f"## {w('title')}"),
        gr.update(label=w("ingest_tab")),
        gr.update(label=w("release_files")),
        gr.update(value=w("ingest_uploads")),
        gr.update(value=w("reingest"), interactive=reingest_enabled),
        gr.update(value=w("sync_now"), interactive=sync_enabled),
        gr.update(label=w("sources"), headers=[w(f"column_{c}") for c in SOURCE_COLUMNS]),
        gr.update(label=w("summary")),
        gr.update(label=w("releases_tab")),
        gr.update(label=w("search_releases")),
        gr.update(value=w("list")),
        gr.update(headers=[w(f"column_{c}") for c in RELEASE_COLUMNS]),
        gr.update(label=w("delete_id")),
        gr.update(value=w("delete")),
        gr.update(label=w("statistics_tab")),
        gr.update(value=w("refresh")),
        gr.update(label=w("store")),
    ]


def build_admin(assistant: Assistant, operations: AdminOperations) -> gr.Blocks:
    """The admin page, bound to one assistant's store and the operator's ingest."""
    handlers = AdminHandlers(assistant, operations)
    t = language.i18n_for(ADMIN)
    can_reingest = operations.reingest_folders is not None
    can_sync = operations.sync_sources is not None
    private: dict[str, Any] = {"api_visibility": "private"}
    admin = gr.Blocks(title="presschat admin")
    with admin:
        locale = language.locale_box()
        with gr.Row(equal_height=True):
            title = gr.Markdown(f"## {ADMIN['en']['title']}")
            picker = language.language_picker(t("interface_language"), t("browser_language"))
        with gr.Tab(t("ingest_tab")) as ingest_tab:
            files = gr.File(label=t("release_files"), file_count="multiple", elem_id="pc-upload")
            with gr.Row():
                upload = gr.Button(t("ingest_uploads"), variant="primary", elem_id="pc-ingest")
                again = gr.Button(t("reingest"), interactive=can_reingest)
                sync = gr.Button(t("sync_now"), interactive=can_sync, elem_id="pc-sync")
            summary = gr.Markdown(elem_id="pc-ingest-summary")
            sources = gr.Dataframe(
                headers=[ADMIN["en"][f"column_{c}"] for c in SOURCE_COLUMNS],
                label=t("sources"),
                interactive=False,
                wrap=True,
                elem_id="pc-web-sources",
            )
            details = gr.JSON(label=t("summary"))
        with gr.Tab(t("releases_tab")) as releases_tab:
            with gr.Row():
                query = gr.Textbox(label=t("search_releases"), scale=3)
                show = gr.Button(t("list"), scale=1, elem_id="pc-list")
            table = gr.Dataframe(
                headers=[ADMIN["en"][f"column_{c}"] for c in RELEASE_COLUMNS],
                interactive=False,
                wrap=True,
                elem_id="pc-releases",
            )
            with gr.Row():
                doomed = gr.Textbox(label=t("delete_id"), scale=3)
                remove = gr.Button(t("delete"), variant="stop", scale=1, elem_id="pc-delete")
            deleted = gr.Markdown()
        with gr.Tab(t("statistics_tab")) as statistics_tab:
            refresh = gr.Button(t("refresh"), elem_id="pc-refresh")
            numbers = gr.JSON(label=t("store"), elem_id="pc-stats")

        upload.click(
            handlers.ingest_uploads,
            [files, locale],
            [summary, details],
            js=language.WITH_LOCALE,
            **private,
        )
        again.click(
            handlers.reingest, [locale], [summary, details], js=language.WITH_LOCALE, **private
        )
        sync.click(
            handlers.sync_sources,
            [locale],
            [summary, details, sources],
            js=language.WITH_LOCALE,
            **private,
        )
        admin.load(handlers.source_rows, None, [sources], **private)
        show.click(handlers.list_releases, [query], [table], **private)
        query.submit(handlers.list_releases, [query], [table], **private)
        remove.click(
            handlers.delete,
            [doomed, query, locale],
            [deleted, table],
            js=language.WITH_LOCALE,
            **private,
        )
        refresh.click(handlers.stats, None, [numbers], **private)
        labelled = [picker, title, ingest_tab, files, upload, again, sync, sources, details]
        labelled += [releases_tab]
        labelled += [query, show, table, doomed, remove, statistics_tab, refresh, numbers]
        language.wire_language(
            admin,
            picker,
            locale,
            labelled,
            lambda locale: admin_labels(admin_words(locale), can_reingest, can_sync),
        )
    return admin
