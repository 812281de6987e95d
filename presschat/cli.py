"""The `presschat` command: the edge where settings are read, parts are built and errors become
messages and exit codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import click
from tqdm import tqdm

from ingest.pipeline import Failure, Ingestor, IngestReport, Tally
from presschat import __version__
from retrieval.assistant import Assistant
from retrieval.dates import parse_date
from retrieval.errors import ConfigError, PresschatError
from retrieval.evaluation import Question, evaluate_answers, evaluate_retrieval, load_questions
from retrieval.index import Index
from retrieval.serialize import answer_to_dict, hit_to_dict, parse_history
from retrieval.settings import Settings, load_settings
from retrieval.types import Answer, AnswerDone, AnswerToken, SearchFilters, SourcesFound, Turn

F = TypeVar("F", bound=Callable[..., Any])


def main() -> None:
    """Entry point of the console script."""
    try:
        cli(standalone_mode=True)
    except PresschatError as exc:  # raised outside a command (settings); see _fail for the rest
        _fail(exc)


def _fail(exc: PresschatError) -> NoReturn:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2 if isinstance(exc, ConfigError) else 1)


def _handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PresschatError as exc:
            _fail(exc)

    return cast(F, wrapper)


class _State:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._index: Index | None = None
        self._assistant: Assistant | None = None

    def index(self) -> Index:
        if self._index is None:
            self._index = Index.from_settings(self.settings)
        return self._index

    def assistant(self) -> Assistant:
        if self._assistant is None:
            self._assistant = Assistant.from_settings(self.settings, index=self.index())
        return self._assistant


def _state(ctx: click.Context) -> _State:
    state = ctx.find_object(_State)
    assert state is not None, "the cli group sets the state"
    return state


def _lower(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return value.strip().lower() if value else None


def _date_option(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="presschat")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides PRESSCHAT_DATA_DIR.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, verbose: int) -> None:
    """Ask questions about press releases: ingest them, search, ask, chat, or serve the web
    chat, widget and API."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    overrides = {"data_dir": data_dir} if data_dir else {}
    try:
        ctx.obj = _State(load_settings(**overrides))
    except ConfigError as exc:
        _fail(exc)


# -- ingest ------------------------------------------------------------------------------------


class _Bar:
    """Progress on stderr as ingest streams: chunks stored of those queued so far, with files,
    releases and failures; each failure is printed as it happens (also when quiet)."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar: tqdm[Any] | None = None

    def update(self, tally: Tally) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            self._bar = tqdm(
                total=0,
                unit="par",
                desc="stored",
                file=sys.stderr,
                mininterval=0.5,
                dynamic_ncols=True,
            )
        self._bar.total = tally.chunks_queued
        self._bar.set_postfix_str(
            f"{tally.files} files, {tally.releases} releases, {tally.failed} failed", refresh=False
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


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove releases that are gone from these paths.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@_handle_errors
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], prune: bool, as_json: bool, quiet: bool
) -> None:
    """Read release files and folders into the store (again: only what changed).

    Formats: gov.kz text exports (.txt), JSON Lines (.jsonl, .jsonl.gz), JSON, HTML pages,
    Markdown and plain text. Exits 1 if any input failed; the rest is still ingested.
    """
    index = _state(ctx).index()
    bar = _Bar(enabled=not quiet)
    try:
        report = Ingestor.for_index(index).ingest(paths, prune=prune, progress=bar)
    finally:
        bar.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report: IngestReport) -> None:
    # Failures were printed as they happened (_Bar.failed).
    click.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"unchanged {report.unchanged}, removed {len(report.removed)}, "
        f"failed {len(report.failed)} — {report.files} files, "
        f"{report.chunks_embedded} paragraphs embedded in {report.seconds:.1f} s"
    )


# -- search ------------------------------------------------------------------------------------


@cli.command()
@click.argument("query")
@click.option("--k", "k", type=click.IntRange(1, 200), help="How many paragraphs (default 10).")
@click.option("--since", help="Only releases on or after this date (2025-08-31).")
@click.option("--until", help="Only releases on or before this date.")
@click.option("--lang", callback=_lower, help="Only releases in this language (en, ru, kk).")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.pass_context
@_handle_errors
def search(
    ctx: click.Context,
    query: str,
    k: int | None,
    since: str | None,
    until: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Find the paragraphs that best match QUERY."""
    filters = SearchFilters(_date_option(since), _date_option(until), lang)
    hits = _state(ctx).index().search(query, k, filters)
    if as_json:
        click.echo(json.dumps([hit_to_dict(h) for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        click.echo("No matching paragraphs.")
    for rank, hit in enumerate(hits, start=1):
        date = hit.date.isoformat() if hit.date else "undated"
        click.echo(
            f"{rank:>2}. [{hit.score:.3f}] {date}  {hit.title}  (paragraph {hit.paragraph + 1})"
        )
        if hit.url:
            click.echo(f"    {hit.url}")
        click.echo(textwrap.indent(textwrap.fill(_shorten(hit.text, 400), 96), "    "))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


# -- ask and chat -------------------------------------------------------------------------------


def _filters(since: str | None, until: str | None, lang: str | None) -> SearchFilters:
    return SearchFilters(_date_option(since), _date_option(until), lang)


def _filter_options(func: F) -> F:
    func = click.option(
        "--lang", callback=_lower, help="Only releases in this language (en, ru, kk)."
    )(func)
    func = click.option("--until", help="Only releases on or before this date.")(func)
    return click.option("--since", help="Only releases on or after this date.")(func)


@cli.command()
@click.argument("question")
@_filter_options
@click.option("--history", help="Earlier turns: a JSON list of {role, content}, or a file.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer contract as JSON.")
@click.pass_context
@_handle_errors
def ask(
    ctx: click.Context,
    question: str,
    since: str | None,
    until: str | None,
    lang: str | None,
    history: str | None,
    as_json: bool,
) -> None:
    """Answer QUESTION from the releases, citing the paragraphs it used."""
    turns = parse_history(history) if history else []
    assistant = _state(ctx).assistant()
    filters = _filters(since, until, lang)
    if as_json:
        answer = assistant.ask(question, turns, filters)
        click.echo(json.dumps(answer_to_dict(answer), indent=2, ensure_ascii=False))
        return
    _stream_answer(assistant, question, turns, filters)


def _stream_answer(
    assistant: Assistant, question: str, history: list[Turn], filters: SearchFilters
) -> Answer:
    streamed = ""
    answer: Answer | None = None
    for event in assistant.stream(question, history, filters):
        if isinstance(event, SourcesFound) and event.standalone_question != question:
            click.secho(f"(searching for: {event.standalone_question})", dim=True, err=True)
        elif isinstance(event, AnswerToken):
            streamed += event.text
            click.echo(event.text, nl=False)
        elif isinstance(event, AnswerDone):
            answer = event.answer
    assert answer is not None
    if answer.refused or not streamed:  # nothing (or a held-back refusal token) was shown
        click.echo(answer.text, nl=False)
    click.echo()
    for c in answer.citations:
        date = c.date.isoformat() if c.date else "undated"
        click.echo(
            f"  [{c.number}] {c.title} — {date}, paragraph {c.paragraph + 1}"
            + (f" — {c.url}" if c.url else "")
        )
    return answer


@cli.command()
@_filter_options
@click.pass_context
@_handle_errors
def chat(ctx: click.Context, since: str | None, until: str | None, lang: str | None) -> None:
    """Ask questions one after another; follow-ups use the conversation. /new starts over,
    /quit (or Ctrl-D) leaves."""
    assistant = _state(ctx).assistant()
    filters = _filters(since, until, lang)
    history: list[Turn] = []
    click.echo("Ask about the press releases. /new starts a new conversation, /quit leaves.")
    while True:
        try:
            question = click.prompt("\nyou", prompt_suffix="> ", default="", show_default=False)
        except (EOFError, click.Abort):
            click.echo()
            return
        question = question.strip()
        if question in ("/quit", "/exit"):
            return
        if question == "/new":
            history = []
            click.echo("(new conversation)")
            continue
        if not question:
            continue
        try:
            answer = _stream_answer(assistant, question, history, filters)
        except PresschatError as exc:  # keep the session alive; the next question may work
            click.echo(f"error: {exc}", err=True)
            continue
        history += [Turn("user", question), Turn("assistant", answer.text)]


# -- releases ----------------------------------------------------------------------------------


@cli.group()
def releases() -> None:
    """List, show and delete stored releases."""


@releases.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
@_handle_errors
def releases_list(ctx: click.Context, as_json: bool) -> None:
    """Every stored release, newest first."""
    summaries = _state(ctx).index().store.releases()
    if as_json:
        rows = [
            dataclasses.asdict(s) | {"date": s.date.isoformat() if s.date else None}
            for s in summaries
        ]
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
@_handle_errors
def releases_show(ctx: click.Context, release_id: str, as_json: bool) -> None:
    """One release with its stored paragraphs."""
    found = _state(ctx).index().store.release(release_id)
    if found is None:
        raise click.ClickException(f"no release with id {release_id!r}")
    summary, chunks = found
    if as_json:
        data = dataclasses.asdict(summary) | {
            "date": summary.date.isoformat() if summary.date else None,
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
@_handle_errors
def releases_delete(ctx: click.Context, release_id: str) -> None:
    """Remove a release and all its paragraphs from the store."""
    removed = _state(ctx).index().store.delete_release(release_id)
    if not removed:
        raise click.ClickException(f"no release with id {release_id!r}")
    click.echo(f"deleted {release_id} ({removed} chunks)")


# -- eval --------------------------------------------------------------------------------------


@cli.group("eval")
def eval_group() -> None:
    """Measure retrieval against question sets with gold paragraphs."""


@eval_group.command("retrieval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--k",
    "k",
    default=10,
    show_default=True,
    type=click.IntRange(10, 200),
    help="Paragraphs retrieved per question; the scores look at the top 10.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@_handle_errors
def eval_retrieval(ctx: click.Context, questions: Path, k: int, as_json: bool) -> None:
    """Hits@1/4/10 and MRR@10 of the store on QUESTIONS (JSON Lines), overall, per language
    and per type. Questions without gold paragraphs (type null) are skipped."""
    index = _state(ctx).index()
    report = evaluate_retrieval(load_questions(questions), index.search, k)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    data = report.as_dict()
    click.echo(f"{'group':<24}{'n':>5}{'hits@1':>9}{'hits@4':>9}{'hits@10':>9}{'mrr@10':>9}")
    rows = [("overall", data["overall"])]
    rows += [(f"lang={k}", v) for k, v in data["by_language"].items()]
    rows += [(f"type={k}", v) for k, v in data["by_type"].items()]
    for name, s in rows:
        click.echo(
            f"{name:<24}{s['questions']:>5}{s['hits@1']:>9.3f}{s['hits@4']:>9.3f}"
            f"{s['hits@10']:>9.3f}{s['mrr@10']:>9.3f}"
        )
    click.echo(
        f"({report.skipped} questions without gold paragraphs skipped; "
        f"store: {index.store.collection_name})"
    )


@eval_group.command("answers")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@_handle_errors
def eval_answers(ctx: click.Context, questions: Path, as_json: bool, quiet: bool) -> None:
    """Answer correctness, citation precision and recall, refusal rate on null questions and
    false-refusal rate on answerable ones, overall, per language and per type."""
    assistant = _state(ctx).assistant()
    loaded = load_questions(questions)
    with tqdm(total=len(loaded), unit="q", desc="answering", file=sys.stderr, disable=quiet) as bar:

        def ask_one(question: Question) -> Answer:
            answer = assistant.ask(question.question, question.turns(), question.filters)
            bar.update(1)
            return answer

        report = evaluate_answers(loaded, ask_one)
    data = report.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    columns = (
        "correct",
        "citation_precision",
        "citation_recall",
        "refusal_on_null",
        "false_refusal",
    )
    click.echo(f"{'group':<24}{'ans':>5}{'null':>5}" + "".join(f"{c[:12]:>14}" for c in columns))
    rows = [("overall", data["overall"])]
    rows += [(f"lang={k}", v) for k, v in data["by_language"].items()]
    rows += [(f"type={k}", v) for k, v in data["by_type"].items()]
    for name, s in rows:
        cells = "".join(f"{'-' if s[c] is None else f'{s[c]:.3f}':>14}" for c in columns)
        click.echo(f"{name:<24}{s['answerable']:>5}{s['null']:>5}{cells}")


# -- serve -------------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
@_handle_errors
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web chat (/), the admin page (/admin), the widget (/widget.js) and the HTTP
    API (/api, docs at /docs)."""
    import uvicorn

    from presschat.server import build_server

    state = _state(ctx)
    hosts = state.settings.allowed_hosts
    if host not in ("127.0.0.1", "localhost", "::1") and "*" not in hosts:
        click.echo(
            f"note: only requests to {', '.join(hosts)} are answered; set "
            "PRESSCHAT_ALLOWED_HOSTS to the names users type (e.g. presschat.intranet.example)",
            err=True,
        )
    assistant = state.assistant()
    click.echo("loading the models…", err=True)
    assistant.index.embedder.embed_query("warm up")
    load = getattr(assistant.generator, "load", None)
    if callable(load):
        load()
    app = build_server(state.settings, assistant=assistant)
    count = assistant.index.store.count()
    click.echo(f"presschat: {count} paragraphs; chat on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
