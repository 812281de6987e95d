"""The date range a question's date words name ("in March 2013", "last week", "в августе 2025",
"2025 жылғы тамызда"), and a search within it that drops date words which are an event's rather
than a release's; answers that name a day or month their sources do not, or say yes to a day
their sources leave out."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence

from answer.attribution import CITATION_MARKER
from answer.grounding import Facts, SourceText
from answer.questions import OPENS_WITH_YES, asks_for_a_fact, offers_a_choice
from retrieval.dates import MONTHS, days_and_months
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


def states_another_day(answer: str, question: str, sources: Sequence[Hit]) -> bool:
    """Whether an answer names a day of the week or a month (`days_and_months`) that neither the
    question nor the sources it cites (all of them if it cites none; their text, title and date)
    name: "open on Saturdays and Sundays" from a paragraph that says "on weekdays", which the
    word checks cannot see in a Russian answer over an English paragraph."""
    stated = days_and_months(answer) - days_and_months(question, loose=True)
    if not stated:
        return False
    held = set().union(*(_days_and_months_of(hit) for hit in _cited(answer, sources)))
    return not stated <= held


_WEEK = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
# An answer that says no: a word in English or Russian, in Kazakh also a verb's negative ending
# ("істемейді", does not work; "болмайды").
_NO = re.compile(
    r"\b(?:no|not|never|closed|нет|не|закрыт\w*|выходн\w*|жоқ|емес|демалыс\w*)\b|n't\b"
    r"|\w(?:ма|ме|ба|бе|па|пе)(?:йды|йді|йтын|йтін|ған|ген)\b",
    re.IGNORECASE,
)


def affirms_another_day(answer: str, question: str, sources: Sequence[Hit]) -> bool:
    """Whether an answer to a yes-or-no question about a day of the week says yes (it says no
    nowhere: `_NO`) while the sources it cites name days and not that one: "Консулдық орталық
    жексенбі күні жұмыс істей ме?" (does it work on Sunday?) answered "Жаңында жұмыс істей. [1]"
    over "open on weekdays" (session 29). `states_another_day` cannot see it: the answer names
    no day. An answer naming other days ("It is open on weekdays [1].") says which days it is;
    whether those are the sources' is `states_another_day`'s to check."""
    if asks_for_a_fact(question) or offers_a_choice(question) or _NO.search(answer):
        return False
    asked = _weekdays(question)
    if _weekdays(answer) - asked:
        return False
    held = set().union(*(_days_and_months_of(hit) for hit in _cited(answer, sources))) & _WEEK
    return bool(asked and held and not asked & held)


# A question for a length of time or a distance, and the units an answer gives it in ("18
# months", "18 айы", "life", "time served", "40 miles"), or the years it spans ("until 2012").
_ASKS_HOW_LONG = re.compile(
    r"\bhow long\b|\bкак долго\b|\bсколько (?:лет|месяцев|дней|времени)\b|"
    r"\b(?:қанша|неше) (?:жыл\w*|ай(?:ға|да|лық)?|уақыт\w*)\b",
    re.IGNORECASE,
)
_LENGTH = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|life|lifetime|time served|"
    r"probation|miles?|feet|foot|meters?|metres?|kilomet\w+|km|inch\w*|лет|год\w*|месяц\w*|"
    r"недел\w*|дн(?:я|ей)|день|час\w*|пожизненн\w*|жыл\w*|ай(?:ы|ға|лық|дан|ды)?|апта\w*|"
    r"күн\w*|сағат\w*|өмір\w*|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def lacks_the_asked_length(answer: str, question: str) -> bool:
    """Whether a question asking how long gets an answer that names no length of time or
    distance: "How long a prison term did Albert Diaz receive?" answered with his conviction's
    "$3 million" scheme and his age (presschat_dev's pc-214)."""
    return bool(_ASKS_HOW_LONG.search(question)) and not _LENGTH.search(answer)


def says_yes_to_other_days(answer: str, question: str) -> bool:
    """Whether an answer opens with a yes to a yes-or-no question about a day of the week, then
    names only other days: "Yes, the centre is open on weekdays from 9:00 to 18:00." to "Is it
    open on Sundays?" (the default model, session 30). The days are the answer; the "Yes" is
    stray (`answerability.without_stray_yes`)."""
    if not OPENS_WITH_YES.match(answer):
        return False
    asked, stated = _weekdays(question), _weekdays(answer)
    return bool(asked and stated and not asked & stated)


def misstates_a_day(answer: str, question: str, sources: Sequence[Hit]) -> bool:
    """Whether an answer names a day or month its cited sources do not
    (`states_another_day`), or says yes to a day of the week they leave out
    (`affirms_another_day`)."""
    return states_another_day(answer, question, sources) or affirms_another_day(
        answer, question, sources
    )


def _weekdays(text: str) -> frozenset[str]:
    """The days of the week a text names ("weekdays" as Monday to Friday)."""
    return days_and_months(text, loose=True) & _WEEK


def _cited(answer: str, sources: Sequence[Hit]) -> list[Hit]:
    """The sources an answer cites; all of them if it cites none (any may hold what it says)."""
    cited = {int(m[1]) for m in CITATION_MARKER.finditer(answer)}
    return [hit for number, hit in enumerate(sources, 1) if number in cited or not cited]


def _days_and_months_of(hit: Hit) -> frozenset[str]:
    """The days and months a source names (text and title, loosely) and its release's month."""
    month = {f"m{hit.date.month}"} if isinstance(hit.date, dt.date) else set()
    return days_and_months(f"{hit.title}\n{hit.text}", loose=True) | month
