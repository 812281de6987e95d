"""Commands that change or show what the store holds: ingest, releases list|show|delete."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from ingest.pipeline import Ingestor
from presschat.cli.common import handle_errors, parts
from retrieval.serialize import summary_to_dict


class _Bar:
    """tqdm progress bar on stderr while chunks are embedded and written."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar: tqdm[Any] | None = None

    def start(self, total: int) -> None:
        if self._enabled and total:
            self._bar = tqdm(
                total=total,
                unit="par",
                desc="embedding",
                file=sys.stderr,
                mininterval=0.5,
                dynamic_ncols=True,
            )

    def advance(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove releases that are gone from these paths.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@handle_errors
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], prune: bool, as_json: bool, quiet: bool
) -> None:
    """Read release files and folders into the store (again: only what changed).

    Formats: gov.kz text exports (.txt), JSON Lines (.jsonl, .jsonl.gz), JSON, HTML pages,
    Markdown and plain text. Exits 1 if any input failed; the rest is still ingested.
    """
    index = parts(ctx).index()
    bar = _Bar(enabled=not quiet)
    try:
        report = Ingestor.for_index(index).ingest(paths, prune=prune, progress=bar)
    finally:
        bar.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for failure in report.failed:
            click.echo(f"failed: {failure.where}: {failure.reason}", err=True)
        click.echo(report.summary_line())
    if not report.ok:
        sys.exit(1)


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
    click.echo(f"{len(summaries)} releases")


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
    removed = parts(ctx).index().store.delete_release(release_id)
    if not removed:
        raise click.ClickException(f"no release with id {release_id!r}")
    click.echo(f"deleted {release_id} ({removed} chunks)")
