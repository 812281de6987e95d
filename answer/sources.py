"""Where an answer's sources come from: the question's date words ("in March 2013", "last
week", "в августе 2025", "2025 жылғы тамызда") turned into a date range, and the conversation
before the question (a follow-up is searched with the asker's previous question, unless the
conversation has moved on), and what the question asks for (a paragraph that states a figure or
a date comes first for a question for one)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from answer.answerability import figures_for
from answer.grounding import Facts, SourceText
from answer.questions import asks_for_a_figure, has_subject
from answer.types import Turn
from retrieval.dates import MONTHS, asks_for_a_date, states_a_date
from retrieval.index import Index
from retrieval.types import Hit, SearchFilters

_KAZAKH_LOCATIVE = ("да", "де", "та", "те", "ында", "інде", "нда", "нде")

_YEAR = r"(?P<year>(?:19|20)\d{2})"
_MONTH_YEAR = re.compile(rf"(?P<month>[^\W\d_]+)\.?\s+(?:(?P<day>\d{{1,2}}),?\s+)?{_YEAR}\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>[^\W\d_]+)\s+{_YEAR}\b")
_YEAR_MONTH_KK = re.compile(rf"{_YEAR}\s*(?:ж\.?|жылғы|жылдың)\s+(?P<month>[^\W\d_]+)")
_YEAR_ALONE = (
    re.compile(rf"\b(?:in|during|throughout|в|во|за)\s+{_YEAR}\b(?!\s*[-–/]\s*\d)"),
    re.compile(rf"{_YEAR}\s*жыл(?:ы|да)\b"),
)
# Words that open a range before a date: inclusive ("since", "until") or exclusive ("after",
# "before"). Matched at the end of the text that precedes a date.
_OPENING = re.compile(
    r"\b(?P<word>since|from|starting|after|later than|until|till|through|by|before|"
    r"earlier than|начиная с|с|после|до|по)\s+(?:the\s+)?(?:\w+\s+)?$"
)
_KAZAKH_OPENING = re.compile(
    r"^\s*(?:жыл\w*\s+|\w*(?:дан|ден|тан|тен|ға|ге|қа|ке)\s+)?(?P<word>бастап|кейін|дейін|бұрын)"
)
_AFTER = {"after", "later than", "после", "кейін"}
_SINCE = {"since", "from", "starting", "начиная с", "с", "бастап"}
_BEFORE = {"before", "earlier than", "до", "бұрын"}
_UNTIL = {"until", "till", "through", "by", "по", "дейін"}


def _week(today: dt.date, weeks_back: int) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday() + 7 * weeks_back)
    return monday, monday + dt.timedelta(days=6)


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _months_back(today: dt.date, back: int) -> tuple[dt.date, dt.date]:
    index = today.year * 12 + today.month - 1 - back
    return _month(index // 12, index % 12 + 1)


_RELATIVE: list[tuple[re.Pattern[str], Callable[[dt.date], tuple[dt.date, dt.date]]]] = [
    (re.compile(r"\b(today|сегодня|бүгін)\b"), lambda t: (t, t)),
    (
        re.compile(r"\b(yesterday|вчера|кеше)\b"),
        lambda t: (t - dt.timedelta(days=1), t - dt.timedelta(days=1)),
    ),
    (
        re.compile(r"\b(last|past|previous) week\b|на прошлой неделе|өткен апта"),
        lambda t: _week(t, 1),
    ),
    (re.compile(r"\bthis week\b|на этой неделе|осы апта"), lambda t: _week(t, 0)),
    (
        re.compile(r"\b(last|past|previous) month\b|в прошлом месяце|өткен ай"),
        lambda t: _months_back(t, 1),
    ),
    (re.compile(r"\bthis month\b|в этом месяце|осы ай"), lambda t: _months_back(t, 0)),
    (
        re.compile(r"\b(last|past|previous) year\b|в прошлом году|былтыр|өткен жыл"),
        lambda t: (dt.date(t.year - 1, 1, 1), dt.date(t.year - 1, 12, 31)),
    ),
    (
        re.compile(r"\bthis year\b|в этом году|биыл|осы жыл"),
        lambda t: (dt.date(t.year, 1, 1), dt.date(t.year, 12, 31)),
    ),
]


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in MONTHS:
        return MONTHS[word]
    for suffix in _KAZAKH_LOCATIVE:
        if word.endswith(suffix) and word[: -len(suffix)] in MONTHS:
            return MONTHS[word[: -len(suffix)]]
    return None


def dates_in_question(question: str, today: dt.date) -> SearchFilters | None:
    """The date range a question asks about, or None when it names none.

    "in March 2013" gives that month; "since/after/before/until <date>" an open range ("after"
    and "before" exclude the date named); "last week", "в прошлом году" and the like are
    counted back from `today`.
    """
    text = question.lower()
    for pattern in (_YEAR_MONTH_KK, _DAY_MONTH_YEAR, _MONTH_YEAR):
        for match in pattern.finditer(text):
            month = _month_number(match["month"])
            if month is None:
                continue
            year = int(match["year"])
            day = match.groupdict().get("day")
            if day and 1 <= int(day) <= calendar.monthrange(year, month)[1]:
                # A release often comes out a day or two after the event it reports.
                exact = dt.date(year, month, int(day))
                period = (exact - dt.timedelta(days=1), exact + dt.timedelta(days=3))
            else:
                period = _month(year, month)
            return _open_range(text, match, period)
    for pattern in _YEAR_ALONE:
        if found := pattern.search(text):
            year = int(found["year"])
            return _open_range(text, found, (dt.date(year, 1, 1), dt.date(year, 12, 31)))
    for found in re.finditer(_YEAR, text):
        year = int(found["year"])
        bounded = _open_range(text, found, (dt.date(year, 1, 1), dt.date(year, 12, 31)))
        if bounded.since is None or bounded.until is None:  # only a range word makes a bare
            return bounded  # year a date: "since 2015", not "$2013"
    for pattern, relative in _RELATIVE:
        if pattern.search(text):
            start, end = relative(today)
            return SearchFilters(since=start, until=end)
    return None


def _open_range(text: str, match: re.Match[str], period: tuple[dt.date, dt.date]) -> SearchFilters:
    """The period itself, or the open range a word before (or, in Kazakh, after) it opens."""
    start, end = period
    before = _OPENING.search(text[: match.start()])
    after = _KAZAKH_OPENING.search(text[match.end() :])
    opening = before or after
    word = opening["word"] if opening else ""
    one_day = dt.timedelta(days=1)
    if word in _AFTER:
        return SearchFilters(since=end + one_day)
    if word in _SINCE:
        return SearchFilters(since=start)
    if word in _BEFORE:
        return SearchFilters(until=start - one_day)
    if word in _UNTIL:
        return SearchFilters(until=end)
    return SearchFilters(since=start, until=end)


def search_within_dates(
    search: Callable[[str, int, SearchFilters], Sequence[Hit]],
    text: str,
    k: int,
    explicit: SearchFilters,
    question: str,
    today: dt.date,
) -> tuple[Sequence[Hit], SearchFilters]:
    """`search` within the question's date words and the explicit filters, and the filters it
    searched within. Date words that leave nothing, or that kept out what the question names
    (`_dates_misread`), are dropped (the explicit filters stay): the year may be an event's
    rather than a release's ("What was Warsaw's population in 1901?", "What PCB level did
    his October 2009 tests show?", "income for 2006 through 2009"), or the releases undated. A
    date the sources then lack is still noticed: answering checks the question's years
    against the sources' dates (`is_answerable`)."""
    narrowed = combine_filters(explicit, dates_in_question(question, today))
    hits = search(text, k, narrowed)
    if narrowed == explicit:
        return hits, narrowed
    wider = search(text, k, explicit)
    if hits and not _dates_misread(question, hits, wider):
        return hits, narrowed
    return wider, explicit


def _dates_misread(question: str, within: Sequence[Hit], wider: Sequence[Hit]) -> bool:
    """Whether the best paragraph found without the date words comes clearly closer to the
    question (`DATES_MISREAD_MARGIN`) and holds a name the question asks about that none found
    within them holds: "Cohen" outside 2006-2009, other cases within (one of another Aaron). A
    question that names nothing but its dates ("What did the ministry announce in September
    2025?") keeps them, and so does one whose names are written in another script than the
    paragraphs within them ("Что МИД сообщил в августе 2025 года?" over an English release)."""
    if not wider or wider[0].score - within[0].score <= DATES_MISREAD_MARGIN:
        return False
    outside = SourceText.of(wider[0])
    inside = [SourceText.of(hit) for hit in within]
    # A name a paragraph within cannot be read for (another script) counts as held by it.
    return any(
        outside.has_name(name) and not any(v.has_name(name) or not v.checks(name) for v in inside)
        for name in Facts.of(question).names
    )


# How much closer (cosine) the best paragraph found without the question's date words must
# come to it than the best found within them for the date words to be dropped. On the dev sets
# every question whose date is a release's found its best paragraph within the date (0.0);
# dates of the events a later release reports came 0.016-0.066 closer outside (BENCHMARKS.md,
# "Dates that are an event's").
DATES_MISREAD_MARGIN = 0.04


def combine_filters(explicit: SearchFilters, detected: SearchFilters | None) -> SearchFilters:
    """Both restrictions at once; the caller's explicit filters win if the two do not overlap."""
    if detected is None:
        return explicit
    since = max((d for d in (explicit.since, detected.since) if d), default=None)
    until = min((d for d in (explicit.until, detected.until) if d), default=None)
    if since and until and since > until:
        return explicit
    return SearchFilters(since=since, until=until, language=explicit.language)


def search_text(standalone: str, history: Sequence[Turn]) -> str:
    """What to search with: the standalone question, and for a follow-up also the asker's
    previous question, so that a follow-up (rewritten or not) finds its release by the names
    asked about before."""
    previous = _previous_question(history)
    return f"{standalone}\n{previous}" if previous and previous not in standalone else standalone


def _previous_question(history: Sequence[Turn]) -> str:
    """The asker's last question in the conversation ("" if none)."""
    return next((t.content for t in reversed(history) if t.role == "user"), "")


# A question for a figure or a date is answered by a paragraph that states one; the nearest
# paragraph is often the release's first, which names the case and not the figure asked for.
# Of the first ANSWER_POOL paragraphs found, those that state what is asked come first
# (`by_what_is_asked`; BENCHMARKS.md, "Paragraphs that state what is asked").
ANSWER_POOL = 10
# Only paragraphs of the releases among the first LEADING found move up.
LEADING = 3

# "how many pounds", "how many of the liens", "how much uranium": the thing counted, whose word
# follows the figure that answers ("147 pounds", "five of the seven liens"). "how much did ..."
# asks for money.
_AUXILIARY = "did|does|do|was|is|were|are|has|had|have|will|would"
_COUNTED = re.compile(
    r"\bhow (?:many (?:of (?:the|his|her|its|their|these|those) )?|much "
    rf"(?!(?:{_AUXILIARY}|could|can|should|money|in|of|more|less)\b))(?P<thing>[^\W\d_]{{3,}})",
    re.IGNORECASE,
)
_ASKS_FOR_MONEY = re.compile(rf"\bhow much (?:{_AUXILIARY})\b", re.IGNORECASE)
_MONEY = re.compile(
    r"[$€£₸]\s?\d|\d\s*(?:dollars|долларов|доллар\w*|тенге|теңге|евро|euros?)\b", re.IGNORECASE
)


def by_what_is_asked(question: str, hits: Sequence[Hit], k: int) -> list[Hit]:
    """The k hits to show, those that state what the question asks for first, each group in
    its own order: for a count or an amount of a named thing ("how many pounds"), a figure
    followed by that thing's word, then any figure the question does not state
    (`figures_for`; "how much did ..." asks for money: an amount of money first); for a date
    ("when", "когда", "қашан"), a date with its month, or hours ("from 9:00"). Only paragraphs
    of the releases among the first `LEADING` move up (whatever k is): a figure in another
    release found further down answers another case. Other questions keep the order."""
    if asks_for_a_figure(question):
        rank = _figure_rank
    elif asks_for_a_date(question):
        rank = _date_rank
    else:
        return list(hits[:k])
    releases = {hit.release_id for hit in hits[:LEADING]}
    return sorted(
        hits, key=lambda hit: -rank(hit.text, question) if hit.release_id in releases else 0
    )[:k]


def _figure_rank(text: str, question: str) -> int:
    if not figures_for(text, question):
        return 0
    if counted := _COUNTED.search(question):
        stem = re.escape(counted["thing"][:5].lower())
        return 2 if re.search(rf"\d[\d,.]*\s+(?:[\w-]+\s+){{0,2}}{stem}", text.lower()) else 1
    return 2 if _ASKS_FOR_MONEY.search(question) and _MONEY.search(text) else 1


def _date_rank(text: str, question: str) -> int:
    return 1 if states_a_date(text) else 0


class Found(NamedTuple):
    """The paragraphs an answer is written from, the filters they were found within, and
    whether the question was taken as a new topic (the conversation before it does not bear
    on it)."""

    hits: list[Hit]
    filters: SearchFilters
    moved_on: bool = False


def find_sources(
    index: Index,
    question: str,
    history: Sequence[Turn],
    k: int,
    filters: SearchFilters,
    today: dt.date,
) -> Found:
    """The paragraphs an answer is written from, the filters they were found within, and
    whether the question is a new topic (`Found`).

    The question is searched together with the asker's previous one (`search_text`), within
    its date words (`search_within_dates`), unless the conversation has moved on
    (`_moved_on`): then it is searched alone, and `moved_on` says so. A follow-up that names
    nothing of its own ("How long was he sentenced?") is about the release that search puts
    first: its first k - 1 sources are that release's paragraphs ranked by the follow-up
    alone, and the last is the search's best other paragraph, in case the conversation moved
    on. (The joint search alone ranks the paragraph that answered the previous question first:
    BENCHMARKS.md.) A follow-up of question words only ("How many?") has nothing to rank by and
    keeps the joint ranking. For a question for a figure or a date the k are the first of
    `ANSWER_POOL` found, those that state one first (`by_what_is_asked`)."""
    asks = asks_for_a_figure(question) or asks_for_a_date(question)
    pool = max(k, ANSWER_POOL) if asks else k
    text = search_text(question, history)
    hits, effective = search_within_dates(index.search, text, pool, filters, question, today)
    if not hits or text == question:
        return Found(by_what_is_asked(question, hits, k), effective)
    if not has_subject(question):  # "How many?": nothing of its own to search by
        return Found(by_what_is_asked(question, hits, k), effective)
    alone, alone_filters = search_within_dates(
        index.search, question, pool, filters, question, today
    )
    named = bool(Facts.of(question).names)
    if _moved_on(index, question, _conversation_release(index, named, history, hits), alone):
        return Found(by_what_is_asked(question, alone, k), alone_filters, moved_on=True)
    if named:
        return Found(by_what_is_asked(question, hits, k), effective)
    release = index.search_release(question, hits[0].release_id, pool, effective, scored_by=text)
    release = by_what_is_asked(question, release, max(1, k - 1))
    chosen = {hit.chunk_id for hit in release}
    return Found((release + [hit for hit in hits if hit.chunk_id not in chosen])[:k], effective)


# How much closer (cosine) the question alone must come to a paragraph of another release
# than to any paragraph of the release the conversation is about, for the conversation to have
# moved on. On presschat_dev and doj_dev, follow-ups came at most 0.035 closer to another
# release; a question about something new asked after another question came 0.04-0.16 closer
# to its own for most (BENCHMARKS.md, "A new question in a conversation").
MOVED_ON_MARGIN = 0.05


def _conversation_release(
    index: Index, named: bool, history: Sequence[Turn], joint: Sequence[Hit]
) -> str:
    """The release the conversation was about: the joint search's first; for a question that
    names something (`named`: "What did the Kazakh and Tajik ministers agree ...?"), which the
    joint search finds by its own names, the one the asker's previous question finds first
    alone."""
    previous = _previous_question(history)
    found = index.search(previous, 1) if previous and named else []
    return (found or joint)[0].release_id


def _moved_on(index: Index, question: str, release: str, alone: Sequence[Hit]) -> bool:
    """Whether a question asked after another one is about something else: searched alone it
    finds another release first than the one the conversation was about, and comes clearly
    closer to that than to any paragraph of that release."""
    if not alone or alone[0].release_id == release:
        return False
    held = index.search_release(question, release, 1)
    return not held or alone[0].score - held[0].score > MOVED_ON_MARGIN
