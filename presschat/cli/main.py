"""The `presschat` command group: settings are read here, once, for every command."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from presschat import __version__
from presschat.cli.common import Parts, fail
from presschat.cli.eval_commands import eval_group
from presschat.cli.question_commands import ask, chat, search
from presschat.cli.serve_command import serve
from presschat.cli.store_commands import ingest, reindex, releases, sync
from retrieval.embedders import bounded_thread_spinning
from retrieval.errors import ConfigError, PresschatError
from retrieval.settings import load_settings


def main() -> None:
    """Entry point of the console script."""
    try:
        cli(standalone_mode=True)
    except PresschatError as exc:  # raised outside a command; commands handle their own
        fail(exc)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="presschat")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides PRESSCHAT_DATA_DIR.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, verbose: int) -> None:
    """Ask questions about press releases: ingest them, search, ask, chat, or serve the web
    chat, widget and API."""
    bounded_thread_spinning()  # before any command loads an OpenMP engine
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(level)  # bm25s sets DEBUG on its logger when imported
    overrides = {"data_dir": data_dir} if data_dir else {}
    try:
        ctx.obj = Parts(load_settings(**overrides))
    except ConfigError as exc:
        fail(exc)


for command in (ingest, sync, reindex, releases, search, ask, chat, eval_group, serve):
    cli.add_command(command)
