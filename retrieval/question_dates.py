"""Date words in a question ("in March 2013", "last week", "в августе 2025", "2025 жылғы
тамызда") turned into a date range for retrieval."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from retrieval.types import SearchFilters

_MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "январь", "января", "январе", "қаңтар"),
    2: ("february", "feb", "февраль", "февраля", "феврале", "ақпан"),
    3: ("march", "mar", "март", "марта", "марте", "наурыз"),
    4: ("april", "apr", "апрель", "апреля", "апреле", "сәуір"),
    5: ("may", "май", "мая", "мае", "мамыр"),
    6: ("june", "jun", "июнь", "июня", "июне", "маусым"),
    7: ("july", "jul", "июль", "июля", "июле", "шілде"),
    8: ("august", "aug", "август", "августа", "августе", "тамыз"),
    9: ("september", "sep", "sept", "сентябрь", "сентября", "сентябре", "қыркүйек"),
    10: ("october", "oct", "октябрь", "октября", "октябре", "қазан"),
    11: ("november", "nov", "ноябрь", "ноября", "ноябре", "қараша"),
    12: ("december", "dec", "декабрь", "декабря", "декабре", "желтоқсан"),
}
_MONTHS = {form: number for number, forms in _MONTH_FORMS.items() for form in forms}
_KAZAKH_LOCATIVE = ("да", "де", "та", "те", "ында", "інде", "нда", "нде")

_YEAR = r"(?P<year>(?:19|20)\d{2})"
_MONTH_YEAR = re.compile(rf"(?P<month>[^\W\d_]+)\.?\s+(?:(?P<day>\d{{1,2}}),?\s+)?{_YEAR}\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>[^\W\d_]+)\s+{_YEAR}\b")
_YEAR_MONTH_KK = re.compile(rf"{_YEAR}\s*(?:ж\.?|жылғы|жылдың)\s+(?P<month>[^\W\d_]+)")
_YEAR_ALONE = (
    re.compile(rf"\b(?:in|during|throughout|в|во|за)\s+{_YEAR}\b(?!\s*[-–/]\s*\d)"),
    re.compile(rf"{_YEAR}\s*жыл(?:ы|да)\b"),
)
_SINCE = re.compile(rf"\b(?:since|after|начиная\s+с|после|с)\s+{_YEAR}\b")
_UNTIL = re.compile(rf"\b(?:before|until|до)\s+{_YEAR}\b")


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
    if word in _MONTHS:
        return _MONTHS[word]
    for suffix in _KAZAKH_LOCATIVE:
        if word.endswith(suffix) and word[: -len(suffix)] in _MONTHS:
            return _MONTHS[word[: -len(suffix)]]
    return None


def dates_in_question(question: str, today: dt.date) -> SearchFilters | None:
    """The date range a question asks about, or None when it names none."""
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
                return SearchFilters(
                    since=exact - dt.timedelta(days=1), until=exact + dt.timedelta(days=3)
                )
            since, until = _month(year, month)
            return SearchFilters(since=since, until=until)
    for pattern in _YEAR_ALONE:
        if found := pattern.search(text):
            year = int(found["year"])
            return SearchFilters(since=dt.date(year, 1, 1), until=dt.date(year, 12, 31))
    after = _SINCE.search(text)
    before = _UNTIL.search(text)
    if after or before:
        return SearchFilters(
            since=dt.date(int(after["year"]), 1, 1) if after else None,
            until=dt.date(int(before["year"]) - 1, 12, 31) if before else None,
        )
    for pattern, period in _RELATIVE:
        if pattern.search(text):
            start, end = period(today)
            return SearchFilters(since=start, until=end)
    return None


def combine_filters(explicit: SearchFilters, detected: SearchFilters | None) -> SearchFilters:
    """Both restrictions at once; the caller's explicit filters win if the two do not overlap."""
    if detected is None:
        return explicit
    since = max((d for d in (explicit.since, detected.since) if d), default=None)
    until = min((d for d in (explicit.until, detected.until) if d), default=None)
    if since and until and since > until:
        return explicit
    return SearchFilters(since=since, until=until, language=explicit.language)
