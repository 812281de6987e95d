"""Commands that change or show what the store holds: ingest, sync, reindex, releases."""

from __future__ import annotations

import dataclasses
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from ingest.embedding_worker import EmbeddingWorker
from ingest.pipeline import Failure, IngestReport, Tally
from ingest.reindex import ReindexReport
from ingest.reindex import reindex as run_reindex
from ingest.web.sources import is_web_url
from ingest.web.sync import ingest_sources
from presschat.cli.common import counted, handle_errors, parts
from retrieval.embedders import few_cached_kernels
from retrieval.index import Index
from retrieval.serialize import summary_to_dict


class _Bar:
    """Progress on stderr as ingest streams: chunks stored of those queued so far, with files,
    releases and failures; each failure is printed as it happens (also when quiet)."""

    def __init__(self, enabled: bool, what: str = "stored") -> None:
        self._enabled = enabled
        self._what = what
        self._bar: tqdm[Any] | None = None

    def update(self, tally: Tally) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            self._bar = tqdm(
                total=0,
                unit="par",
                desc=self._what,
                file=sys.stderr,
                mininterval=0.5,
                dynamic_ncols=True,
            )
        self._bar.total = tally.chunks_queued
        if tally.files or tally.releases:  # a reindex reads no files: nothing to count there
            self._bar.set_postfix_str(
                f"{tally.files} files, {tally.releases} releases, {tally.failed} failed",
                refresh=False,
            )
        self._bar.update(tally.chunks_stored - self._bar.n)

    def failed(self, failure: Failure) -> None:
        line = f"failed: {failure.where}: {failure.reason}"
        if self._bar is not None:
            self._bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--prune", is_flag=True, help="Remove releases that are gone from these sources.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@handle_errors
def ingest(
    ctx: click.Context, sources: tuple[str, ...], prune: bool, as_json: bool, quiet: bool
) -> None:
    """Read release files, folders and web sources into the store (again: only what changed).

    Formats: gov.kz text exports (.txt), JSON Lines (.jsonl, .jsonl.gz), JSON, HTML pages,
    Markdown and plain text. http(s) URLs name an RSS or Atom feed, a sitemap (index) or an
    article page; --prune with a sitemap removes releases of pages gone from it (a feed never
    prunes). Exits 1 if any input failed; the rest is still ingested.
    """
    paths = [Path(s) for s in sources if not is_web_url(s)]
    urls = [s for s in sources if is_web_url(s)]
    _run_ingest(ctx, paths, urls, prune=prune, as_json=as_json, quiet=quiet)


@click.command()
@click.option("--prune", is_flag=True, help="Remove releases of pages gone from a sitemap.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@handle_errors
def sync(ctx: click.Context, prune: bool, as_json: bool, quiet: bool) -> None:
    """Ingest the web sources in PRESSCHAT_SOURCES once (for cron); exits 1 if any failed."""
    urls = parts(ctx).settings.sources
    if not urls:
        raise click.UsageError("no sources: set PRESSCHAT_SOURCES to feed, sitemap or page URLs")
    _run_ingest(ctx, [], urls, prune=prune, as_json=as_json, quiet=quiet)


def _run_ingest(
    ctx: click.Context,
    paths: list[Path],
    urls: list[str],
    *,
    prune: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    few_cached_kernels()
    index = parts(ctx).index()
    if index.upgrade is not None:
        click.echo(
            f"the store answers from {index.upgrade.source}; re-embedding it into "
            f"{index.upgrade.target} first (see `presschat reindex`)",
            err=True,
        )
        if not _reindex(index, quiet=quiet).complete:
            sys.exit(1)
    bar = _Bar(enabled=not quiet)
    settings = index.settings
    worker = (
        EmbeddingWorker(settings)
        if settings.ingest_worker and settings.embedder != "fake"
        else None
    )
    try:
        report: IngestReport = ingest_sources(
            index, paths, urls, prune=prune, progress=bar, worker=worker
        )
    finally:
        bar.close()
        if worker is not None:
            worker.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:  # failures were printed as they happened (_Bar.failed)
        click.echo(report.summary_line())
    if not report.ok:
        sys.exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@handle_errors
def reindex(ctx: click.Context, as_json: bool, quiet: bool) -> None:
    """Re-embed the stored paragraphs with the embedder the settings name (after changing
    PRESSCHAT_EMBEDDER, or upgrading presschat), without the source files.

    The chat keeps answering from the earlier embedder's collection until the new one is
    complete, then switches to it. An interrupted run resumes where it stopped. The earlier
    collection is kept; switching back to its embedder needs no reindex.
    """
    few_cached_kernels()
    index = parts(ctx).index()
    if index.upgrade is None:
        click.echo(f"nothing to reindex: {index.store.collection_name} answers and is complete")
        return
    report = _reindex(index, quiet=quiet or as_json)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report) | {"complete": report.complete}, indent=2))
    if not report.complete:
        sys.exit(1)


def _reindex(index: Index, *, quiet: bool) -> ReindexReport:
    """Fill the collection the settings name from the one answering now; switch when done."""
    upgrade = index.upgrade
    assert upgrade is not None
    embedder, target = index.upgrade_parts()
    bar = _Bar(enabled=not quiet, what="reindexed")
    try:
        report = run_reindex(
            index.store,
            target,
            embedder,
            index.recipe,
            batch_size=index.settings.embed_batch_size,
            progress=bar,
        )
    finally:
        bar.close()
    if not quiet:
        click.echo(report.summary_line())
    if report.complete and index.switch_if_upgraded():
        index.refresh()  # the new collection's keyword index, built here, not at a first search
    return report


@click.group()
def releases() -> None:
    """List, show and delete stored releases."""


@releases.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
@handle_errors
def releases_list(ctx: click.Context, as_json: bool) -> None:
    """Every stored release, newest first."""
    summaries = parts(ctx).index().store.releases()
    if as_json:
        rows = [summary_to_dict(s) for s in summaries]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for s in summaries:
        date = s.date.isoformat() if s.date else "undated   "
        click.echo(f"{date}  {s.language:<3} {s.chunks:>4} ch  {s.release_id}  {s.title[:70]}")
    click.echo(counted(len(summaries), "release"))


@releases.command("show")
@click.argument("release_id")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
@handle_errors
def releases_show(ctx: click.Context, release_id: str, as_json: bool) -> None:
    """One release with its stored paragraphs."""
    found = parts(ctx).index().store.release(release_id)
    if found is None:
        raise click.ClickException(f"no release with id {release_id!r}")
    summary, chunks = found
    if as_json:
        data = summary_to_dict(summary) | {
            "chunks": [{"paragraph": p, "text": t} for p, t in chunks],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(summary.title)
    click.echo(f"id: {summary.release_id}")
    click.echo(
        f"date: {summary.date or 'undated'}   language: {summary.language}   site: {summary.site}"
    )
    click.echo(f"url: {summary.url or '-'}\nsource: {summary.source_path}\n")
    for paragraph, text in chunks:
        click.echo(f"[{paragraph + 1}] " + textwrap.fill(text, 96, subsequent_indent="    "))


@releases.command("delete")
@click.argument("release_id")
@click.pass_context
@handle_errors
def releases_delete(ctx: click.Context, release_id: str) -> None:
    """Remove a release and all its paragraphs from the store."""
    index = parts(ctx).index()
    removed = index.store.delete_release(release_id)
    if not removed:
        raise click.ClickException(f"no release with id {release_id!r}")
    index.refresh()
    click.echo(f"deleted {release_id} ({removed} chunks)")
