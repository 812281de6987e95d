"""What every command shares: the parts built lazily from settings, and errors turned into
messages and exit codes (the edge where library errors become CLI errors)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, cast

import click

from answer.assistant import Assistant
from retrieval.errors import ConfigError, PresschatError, RequestError
from retrieval.index import Index
from retrieval.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def counted(n: int, noun: str) -> str:
    """ "1 release", "2,000 releases"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def fail(exc: PresschatError) -> NoReturn:
    """Print the error; exit 2 for a bad setting or request (usage), 1 for anything else."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(2 if isinstance(exc, ConfigError | RequestError) else 1)


def handle_errors(func: F) -> F:
    """Turn presschat's errors raised inside a command into a message and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PresschatError as exc:
            fail(exc)

    return cast(F, wrapper)


class Parts:
    """The settings, and the index and assistant built from them on first use (so that
    `--help` or a bad option never loads a model)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._index: Index | None = None
        self._assistant: Assistant | None = None

    def index(self) -> Index:
        """The index the settings name."""
        if self._index is None:
            self._index = Index.from_settings(self.settings)
        return self._index

    def assistant(self) -> Assistant:
        """The assistant the settings name, on the same index."""
        if self._assistant is None:
            self._assistant = Assistant.from_settings(self.settings, index=self.index())
        return self._assistant


def parts(ctx: click.Context) -> Parts:
    """The parts the `presschat` group set up for this run."""
    found = ctx.find_object(Parts)
    assert found is not None, "the cli group sets the parts"
    return found


def filter_options(func: F) -> F:
    """--since, --until and --lang, as search, ask and chat take them."""
    func = click.option("--lang", help="Only releases in this language (en, ru, kk).")(func)
    func = click.option("--until", help="Only releases on or before this date.")(func)
    return click.option("--since", help="Only releases on or after this date (2025-08-31).")(func)
