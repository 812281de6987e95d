"""The operators' page (/admin): upload or re-ingest releases with progress and a summary, list,
search and delete releases, and see what the store holds. The page sits behind a login whose
password is the admin token (ui.app mounts it so), uploads included."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from answer.assistant import Assistant
from retrieval.errors import PresschatError
from ui.admin_operations import AdminOperations, OnProgress
from ui.stats import store_stats

RELEASE_HEADERS = ["id", "date", "language", "paragraphs", "title", "source"]


def summary_text(report: dict[str, Any]) -> str:
    """The ingest summary line, then each failure."""
    failures = [f"- failed: {f['where']}: {f['reason']}" for f in report["failures"]]
    return "\n".join([report["summary"], *failures])


def build_admin(assistant: Assistant, operations: AdminOperations) -> gr.Blocks:
    """The admin page, bound to one assistant's store and the operator's ingest."""
    store = assistant.index.store

    def progress_reporter(progress: gr.Progress) -> OnProgress:
        def report(done: int, total: int) -> None:
            if total:
                progress((done, total), desc="Embedding paragraphs", unit="paragraphs")

        return report

    def run(
        job: Callable[[OnProgress], dict[str, Any]], progress: gr.Progress
    ) -> tuple[str, dict[str, Any]]:
        try:
            report = job(progress_reporter(progress))
        except PresschatError as exc:
            raise gr.Error(str(exc)) from None
        return summary_text(report), report

    # Gradio injects progress trackers through exactly this default.
    def ingest_uploads(
        files: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, dict[str, Any]]:
        if not files:
            raise gr.Error("Choose one or more release files first.")
        uploads = [(Path(f).name, Path(f).read_bytes()) for f in files]
        return run(lambda report: operations.ingest_uploads(uploads, report), progress)

    def reingest(
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, dict[str, Any]]:
        folders = operations.reingest_folders
        if folders is None:
            raise gr.Error("No folders are configured: set PRESSCHAT_INGEST_PATHS.")
        return run(folders, progress)

    def list_releases(query: str) -> list[list[Any]]:
        words = (query or "").lower().split()
        rows = []
        for r in sorted(store.releases(), key=lambda r: (r.date is not None, r.date), reverse=True):
            row = [
                r.release_id,
                r.date.isoformat() if r.date else "",
                r.language,
                r.paragraphs,
                r.title,
                r.source_path,
            ]
            if all(w in f"{r.release_id} {r.title}".lower() for w in words):
                rows.append(row)
        return rows

    def delete(release_id: str, query: str) -> tuple[str, list[list[Any]]]:
        release_id = (release_id or "").strip()
        if not release_id:
            raise gr.Error("Enter the id of the release to delete.")
        removed = operations.delete_release(release_id)
        if not removed:
            raise gr.Error(f"No release with id {release_id!r}.")
        return f"Deleted {release_id} ({removed} paragraphs).", list_releases(query)

    def stats() -> dict[str, Any]:
        return store_stats(assistant.index)

    private: dict[str, Any] = {"api_visibility": "private"}
    admin = gr.Blocks(title="presschat admin")
    with admin:
        gr.Markdown("## presschat admin")
        with gr.Tab("Ingest"):
            files = gr.File(label="Release files", file_count="multiple", elem_id="pc-upload")
            with gr.Row():
                upload = gr.Button("Ingest uploaded files", variant="primary")
                again = gr.Button(
                    "Re-ingest configured folders",
                    interactive=operations.reingest_folders is not None,
                )
            summary = gr.Markdown(elem_id="pc-ingest-summary")
            details = gr.JSON(label="Summary")
        with gr.Tab("Releases"):
            with gr.Row():
                query = gr.Textbox(label="Search titles and ids", scale=3)
                show = gr.Button("List", scale=1)
            table = gr.Dataframe(
                headers=RELEASE_HEADERS, interactive=False, wrap=True, elem_id="pc-releases"
            )
            with gr.Row():
                doomed = gr.Textbox(label="Release id to delete", scale=3)
                remove = gr.Button("Delete release", variant="stop", scale=1)
            deleted = gr.Markdown()
        with gr.Tab("Statistics"):
            refresh = gr.Button("Refresh")
            numbers = gr.JSON(label="Store", elem_id="pc-stats")

        upload.click(ingest_uploads, [files], [summary, details], **private)
        again.click(reingest, None, [summary, details], **private)
        show.click(list_releases, [query], [table], **private)
        query.submit(list_releases, [query], [table], **private)
        remove.click(delete, [doomed, query], [deleted, table], **private)
        refresh.click(stats, None, [numbers], **private)
    return admin
