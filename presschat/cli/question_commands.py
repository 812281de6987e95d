"""Commands that ask: search, ask and chat."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import click

from answer.assistant import Assistant
from answer.request import AskRequest, read_ask_request
from answer.types import Answer, AnswerDone, AnswerToken, SourcesFound, Turn, answer_to_dict
from presschat.cli.common import counted, filter_options, handle_errors, parts
from retrieval.dates import date_span
from retrieval.errors import PresschatError, RequestError
from retrieval.filters import read_filters, read_query
from retrieval.index import Index
from retrieval.language import detect_language, releases_by_language
from retrieval.serialize import hit_to_dict
from retrieval.types import ReleaseSummary, SearchFilters
from ui.locales import CHAT, Words


@click.command()
@click.argument("query")
@click.option(
    "-k", "--k", "k", type=click.IntRange(1, 200), help="How many paragraphs (default 10)."
)
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.pass_context
@handle_errors
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
    filters = read_filters(since, until, lang)
    index = parts(ctx).index()
    hits = index.search(read_query(query), k, filters)
    if as_json:
        click.echo(json.dumps([hit_to_dict(h) for h in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        click.echo("No matching paragraphs.")
        _echo_filters_held(index, filters)
    for rank, hit in enumerate(hits, start=1):
        date = hit.date.isoformat() if hit.date else "undated"
        click.echo(
            f"{rank:>2}. [{hit.score:.3f}] {date}  {hit.title}  (paragraph {hit.paragraph + 1})"
        )
        if hit.url:
            click.echo(f"    {hit.url}")
        click.echo(textwrap.indent(textwrap.fill(_shorten(hit.text, 400), 96), "    "))


def _echo_filters_held(index: Index, filters: SearchFilters) -> None:
    """Why filters may have found nothing: the languages and dates the store holds."""
    if filters.language or filters.since or filters.until:
        releases = index.store.releases()  # one scan of the store for both hints
        if filters.language:
            click.echo(_languages_held(releases, filters.language))
        if filters.since or filters.until:
            click.echo(_dates_held(releases))


def _languages_held(releases: list[ReleaseSummary], asked: str) -> str:
    """Why a language filter may have found nothing: the languages the store's releases are in."""
    held = releases_by_language(releases)
    if asked in held:
        are = "is" if held[asked] == 1 else "are"
        return f"({counted(held[asked], 'release')} {are} in '{asked}'; none of them matched.)"
    listed = ", ".join(f"{code} ({n:,})" for code, n in held.most_common()) or "none"
    return f"No release is in '{asked}'. Releases by language: {listed}."


def _dates_held(releases: list[ReleaseSummary]) -> str:
    """Why a date filter may have found nothing: the dates the store's releases span."""
    span = date_span(releases)
    if span is None:
        return "No release in the store has a date."
    return f"The releases are dated {span[0].isoformat()} to {span[1].isoformat()}."


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def read_history_option(value: str) -> Any:
    """The --history value as JSON data: the text itself when it is a JSON list, else the
    JSON file it names. AskRequest checks the turns."""
    text = value
    if not value.lstrip().startswith("["):
        path = Path(value)
        if not path.is_file():
            raise RequestError(f"--history: {value!r} is neither a JSON list nor a file")
        text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RequestError(f"--history: invalid JSON ({exc.msg})") from None


@click.command()
@click.argument("question")
@filter_options
@click.option("--history", help="Earlier turns: a JSON list of {role, content}, or a file.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer contract as JSON.")
@click.pass_context
@handle_errors
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
    request = read_ask_request(
        question,
        read_history_option(history) if history else [],
        {"since": since, "until": until, "lang": lang},
    )
    assistant = parts(ctx).assistant()
    if as_json:
        answer = assistant.ask(request.question, request.turns(), request.search_filters())
        click.echo(json.dumps(answer_to_dict(answer), indent=2, ensure_ascii=False))
        return
    _stream_answer(assistant, request)


# What the reader compares: a marker moved before the full stop ("... көздейді. [1]" shown as
# "... көздейді [1].") changes nothing worth printing again.
_WORDS_AND_MARKERS = re.compile(r"\[\d+\]|\w+")
_WORDS = re.compile(r"\w+")
_MARKER = re.compile(r"\[[\d,\s]+\]")
# The lines `ask` and `chat` print around an answer, in the answer's language.
_ANSWER_LINES = {
    "en": {
        "withdrawn": "(Not an answer: the text above did not hold up against the sources.)",
        "checked": "With its citations checked:",
        "searching_for": "(searching for: {question})",
        "paragraph": CHAT["en"]["paragraph"],  # as the web chat words it
        "undated": "undated",
    },
    "ru": {
        "withdrawn": "(Это не ответ: текст выше не подтвердился источниками.)",
        "checked": "С проверенными ссылками:",
        "searching_for": "(ищу: {question})",
        "paragraph": CHAT["ru"]["paragraph"],
        "undated": "без даты",
    },
    "kk": {
        "withdrawn": "(Бұл жауап емес: жоғарыдағы мәтін дереккөздермен расталмады.)",
        "checked": "Сілтемелері тексерілген жауап:",
        "searching_for": "(іздеу: {question})",
        "paragraph": CHAT["kk"]["paragraph"],
        "undated": "күні жоқ",
    },
}


def _shown_in(text: str, streamed: str) -> bool:
    """Whether the streamed text holds the text's words in order (the checks drop markers,
    sentences and clauses such as "according to [1]"; they add none)."""
    shown = iter(_WORDS.findall(_MARKER.sub(" ", streamed)))
    return all(word in shown for word in _WORDS.findall(_MARKER.sub(" ", text)))


def _stream_answer(assistant: Assistant, request: AskRequest) -> Answer:
    streamed = ""
    answer: Answer | None = None
    asked = Words(_ANSWER_LINES, detect_language(request.question))
    for event in assistant.stream(request.question, request.turns(), request.search_filters()):
        if isinstance(event, SourcesFound) and event.standalone_question != request.question:
            searched = asked("searching_for", question=event.standalone_question)
            click.secho(searched, dim=True, err=True)
        elif isinstance(event, AnswerToken):
            streamed += event.text
            click.echo(event.text, nl=False)
        elif isinstance(event, AnswerDone):
            answer = event.answer
    assert answer is not None
    words = Words(_ANSWER_LINES, answer.language)
    # Nothing (or a held-back refusal token) was shown, or a refusal or a quoted sentence
    # replaces what was: a terminal cannot erase it, so the reader is told it is not the answer.
    if answer.refused or not _shown_in(answer.text, streamed):
        if streamed:
            click.echo()
            click.secho(words("withdrawn"), dim=True)
        click.echo(answer.text, nl=False)
    elif _WORDS_AND_MARKERS.findall(answer.text) not in (
        _WORDS_AND_MARKERS.findall(streamed),
        _WORDS_AND_MARKERS.findall(streamed.rsplit("\n\n", 1)[-1]),  # a Kazakh statement
    ):
        # The checks re-pointed markers or dropped a sentence ("This is stated in the press
        # release [1]."): show the text the citations belong to. One streamed last, as its own
        # paragraph (the answer said in Kazakh after the English one), is shown already.
        click.echo()
        click.secho(words("checked"), dim=True)
        click.echo(answer.text, nl=False)
    click.echo()
    if answer.refused and not answer.sources:  # nothing found: the filters may be why
        _echo_filters_held(assistant.index, request.search_filters())
    for c in answer.citations:
        date = c.date.isoformat() if c.date else words("undated")
        click.echo(
            f"  [{c.number}] {c.title} — {date}, {words('paragraph', number=c.paragraph + 1)}"
            + (f" — {c.url}" if c.url else "")
        )
        if c.quote:  # the sentence the answer cites the paragraph for
            click.secho(
                textwrap.fill(
                    f"“{c.quote}”", 96, initial_indent=" " * 6, subsequent_indent=" " * 7
                ),
                dim=True,
            )
    return answer


@click.command()
@filter_options
@click.pass_context
@handle_errors
def chat(ctx: click.Context, since: str | None, until: str | None, lang: str | None) -> None:
    """Ask questions one after another; follow-ups use the conversation. /new starts over,
    /quit (or Ctrl-D) leaves."""
    filters = {"since": since, "until": until, "lang": lang}
    read_filters(since, until, lang)  # bad filters fail before the model loads
    assistant = parts(ctx).assistant()
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
            turns = [{"role": t.role, "content": t.content} for t in history]
            request = read_ask_request(question, turns[-50:], filters)
            answer = _stream_answer(assistant, request)
        except PresschatError as exc:  # keep the session alive; the next question may work
            click.echo(f"error: {exc}", err=True)
            continue
        history += [Turn("user", question), Turn("assistant", answer.text)]
