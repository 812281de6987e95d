"""Dates as they appear in releases, in answers and on the command line, and questions that ask
when."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from retrieval.types import ReleaseSummary
from retrieval.words import KAZAKH_LETTERS

# Month names in English, Russian (nominative, genitive, prepositional) and Kazakh.
MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "январь", "января", "январе", "қаңтар", "қаңтардағы"),
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
MONTHS = {form: number for number, forms in MONTH_FORMS.items() for form in forms}
"""Month number by its lower-case name or abbreviation, in any of the three languages."""

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_SLASHED_ISO = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DAY_MONTH_YEAR = re.compile(
    r"^(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})(?:\s*(?:г\.?|года|жыл\w*))?$"
)
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_YEAR_DAY_MONTH = re.compile(r"^(\d{4})\s+(?:ж\.?|жылғы|жылы)?\s*(\d{1,2})\s+([^\W\d_]+)$")


def parse_date(value: str) -> dt.date:
    """Parse a release date in the common written forms; raise ValueError if it is none of them.

    Accepted: ISO 8601 (with or without a time), 31.08.2025, 2025/08/31, 31 August 2025,
    August 31, 2025, 31 августа 2025 г., 2025 жылғы 31 тамыз.
    """
    text = " ".join(value.strip().split())
    try:
        return _parse(text)
    except ValueError:
        raise ValueError(f"unrecognised date {value!r}; expected e.g. 2025-08-31") from None


def _parse(text: str) -> dt.date:
    if m := _ISO.match(text) or _SLASHED_ISO.match(text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DOTTED.match(text):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    if m := _DAY_MONTH_YEAR.match(text):
        return dt.date(int(m[3]), _month(m[2]), int(m[1]))
    if m := _MONTH_DAY_YEAR.match(text):
        return dt.date(int(m[3]), _month(m[1]), int(m[2]))
    if m := _YEAR_DAY_MONTH.match(text):
        return dt.date(int(m[1]), _month(m[3]), int(m[2]))
    raise ValueError(text)


def _month(name: str) -> int:
    try:
        return MONTHS[name.lower()]
    except KeyError:
        raise ValueError(name) from None


def date_key(date: dt.date | None) -> int:
    """The sortable integer stored for filtering: 20250831, or 0 for an undated release."""
    return date.year * 10000 + date.month * 100 + date.day if date else 0


def date_span(releases: Iterable[ReleaseSummary]) -> tuple[dt.date, dt.date] | None:
    """The first and last date of the dated releases; None when none has a date."""
    dates = [release.date for release in releases if release.date]
    return (min(dates), max(dates)) if dates else None


_MONTH_NAMES = "|".join(sorted(MONTHS, key=len)[::-1])
_FULL_MONTHS = "|".join(sorted((f for f in MONTHS if len(f) > 3), key=len)[::-1])
# "Jan. 6", "March 6", "6 марта", "15 қыркүйекте", "March 2026", "в марте 2026 года", "2026
# жылғы наурызда", "15.09.2025": a day and its month, or a month and its year.
_A_DATE = re.compile(
    rf"\b(?:{_MONTH_NAMES})\.?\s+(?:\d{{1,2}}\b|(?:19|20)\d\d\b)|"
    rf"\b\d{{1,2}}\s+(?:{_FULL_MONTHS})|\b(?:{_FULL_MONTHS})\w*\s+(?:19|20)\d\d\b|"
    rf"\b(?:19|20)\d\d\s*(?:ж\.?|жылғы|жылдың)\s+(?:{_FULL_MONTHS})|"
    r"\b\d{1,2}\.\d{1,2}\.(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# "When is the centre open?" asks for hours: "from 9:00 to 18:00", "on weekdays" (not the
# "15.09" of "15.09.2025").
_HOURS = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b(?![.]\d)|"
    r"\b(?:weekdays?|weekends?|будн\w*|выходн\w*|жұмыс күндері|демалыс)\b",
    re.IGNORECASE,
)
# What an answer to "when" may say instead of a date: "on Friday", "last week", "in spring".
_TIME_WORDS = re.compile(
    rf"\d|\b(?:{_MONTH_NAMES})\b|\b(?:{_FULL_MONTHS})\w*|"
    r"\b(?:today|yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"weekdays?|spring|summer|autumn|fall|winter|week|month|year|"
    r"сегодня|вчера|завтра|недел\w*|месяц\w*|год|года|году|весн\w*|летом|осен\w*|зим(?:ой|ы|е)|"
    r"бүгін|кеше|ертең|апта\w*|ай|айда|айында|жыл|жылы|жылда|жылдың|көктем\w*|жазда|күзде|қыста)\b",
    re.IGNORECASE,
)


def states_a_date(text: str) -> bool:
    """Whether a text states a date (a day and its month, or a month and its year) or hours."""
    return bool(_A_DATE.search(text) or states_hours(text))


def states_hours(text: str) -> bool:
    """Whether a text states hours ("from 9:00", "on weekdays")."""
    return bool(_HOURS.search(text))


def mentions_a_time(text: str) -> bool:
    """Whether a text says when anything happened at all: a figure, a month, a weekday, a
    season, "today", "last week" ..."""
    return bool(_TIME_WORDS.search(text))


# "Во сколько" asks at what time ("Во сколько открывается ...?"), or how many times or how much
# when these words follow ("Во сколько раз ...?", "Во сколько обошёлся ...?").
NOT_A_TIME_AFTER_AT_WHAT = r"\s+(?:раз|обо\w*|обш\w*|оцен\w*|стои\w*|стал\w*)\b"
# A question for hours ("What are the opening hours ...?", "Часы работы ...?"): a question
# for a date too, whose answer states the hours (`states_hours`).
_ASKS_FOR_HOURS = re.compile(
    r"\b(?:opening|working|business|office) hours\b|\bwhat time\b|\bчасы работы\b|"
    rf"\bв какое время\b|\bво сколько\b(?!{NOT_A_TIME_AFTER_AT_WHAT})|\bграфик\w* работы\b|"
    r"\bжұмыс (?:уақыт|кесте)\w*|\bсағат (?:нешеде|қаншада)\b",
    re.IGNORECASE,
)
# A question for a date. Russian "когда" only where it opens the question (or "и когда", "а
# когда"): elsewhere it is a conjunction ("служил ..., когда получал статус беженца").
_ASKS_FOR_A_DATE = re.compile(
    r"^\s*(?:when|on what date|what date)\b|\bwhen (?:was|did|is|will|were|does|do)\b|"
    r"(?:^\s*|\b[иа]\s+)когда\b|\bқашан\w*|\bқай күн\w*|какого числа|" + _ASKS_FOR_HOURS.pattern,
    re.IGNORECASE,
)


def asks_for_hours(question: str) -> bool:
    """Whether a question asks at what hours ("What are the opening hours ...?")."""
    return bool(_ASKS_FOR_HOURS.search(question))


def asks_for_a_date(question: str) -> bool:
    """Whether a question asks when ("When ...?", "Когда ...?", "Қашан ...?", "қай күнге
    дейін ...?"), or at what hours ("What are the opening hours ...?")."""
    return bool(_ASKS_FOR_A_DATE.search(question))


# Days of the week and their two spans, as English, Russian and Kazakh write them (Kazakh
# letters folded to the Russian ones the small model writes: "жексенби" for "жексенбі"). Not
# "среда" alone: it is "environment" more often than "Wednesday".
_DAY_WORDS = {
    "mon": r"mondays?|понедельник\w*|дуйсенби\w*",
    "tue": r"tuesdays?|вторник\w*|сейсенби\w*",
    "wed": r"wednesdays?|сред(?:у|ам|ами)|сарсенби\w*",
    "thu": r"thursdays?|четверг\w*|бейсенби\w*",
    "fri": r"fridays?|пятниц\w*|жума(?:да|сы|ны|дан)?",
    "sat": r"saturdays?|суббот\w*|сенби\w*",
    "sun": r"sundays?|воскресень\w*|жексенби\w*",
    # Not "рабочих дней" or "жұмыс күні": "within three working days" is a time, not weekdays.
    "weekdays": r"weekdays?|(?:working|business)\s+days|будн\w*|по\s+рабочим\s+дням|"
    r"жумыс\s+кундери\w*",
    "weekend": r"weekends?|выходн\w*|демалыс\s+кун\w*",
}
_DAY = re.compile(
    "|".join(rf"\b(?P<{key}>{pattern})\b" for key, pattern in _DAY_WORDS.items()), re.IGNORECASE
)
_WORKING_DAYS = frozenset({"mon", "tue", "wed", "thu", "fri"})
_MONTH_WORD = re.compile(rf"\b(?:{_MONTH_NAMES})\b\.?|\b(?:{_FULL_MONTHS})\w*", re.IGNORECASE)
_NUMERIC_DATE = re.compile(
    r"\b(?:19|20)\d\d[-/.](\d{1,2})[-/.]\d{1,2}\b|\b(\d{1,2})[./](\d{1,2})[./](?:19|20)\d\d\b"
)


def days_and_months(text: str, *, loose: bool = False) -> frozenset[str]:
    """The days of the week ("mon" ... "sun", "weekdays", "weekend") and months ("m1" ...
    "m12") a text names, in any of the three languages. A month counts next to a number ("Jan.
    6", "в марте 2026", "15 қыркүйекте"; in English with its capital) unless `loose`, which also
    reads numeric dates (both ways where day and month could swap): for a source, whose months
    an answer may state."""
    found = {
        m.lastgroup for m in _DAY.finditer(text.lower().translate(KAZAKH_LETTERS)) if m.lastgroup
    }
    if {"mon", "fri"} <= found or "weekdays" in found:  # "Monday through Friday"
        found |= _WORKING_DAYS | {"weekdays"} if loose else set()
    if {"sat", "sun"} <= found or "weekend" in found:
        found |= {"sat", "sun", "weekend"} if loose else set()
    for match in _MONTH_WORD.finditer(text):
        word = match[0].lower().rstrip(".")
        number = MONTHS.get(word) or next(
            (MONTHS[word[:n]] for n in range(len(word) - 1, 2, -1) if word[:n] in MONTHS), None
        )
        near = text[max(0, match.start() - 12) : match.end() + 12]
        latin = match[0].isascii()  # English writes a month with a capital ("may" is a verb)
        if number and (loose or (re.search(r"\d", near) and match[0][0].isupper() >= latin)):
            found.add(f"m{number}")
    if loose:
        for match in _NUMERIC_DATE.finditer(text):
            months = [match[1]] if match[1] else [match[2], match[3]]
            found |= {f"m{int(m)}" for m in months if 1 <= int(m) <= 12}
    return frozenset(found)


# "March 6", "Jan. 6th", "6 марта", "5 мая", "10 қарашада", "1 ақпанға": a day of a month (an
# English month exact, as "6 marchers" is none; a Russian or Kazakh one with its ending).
_DAY_OF_MONTH = re.compile(
    rf"\b(?:{_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![.,:]\d)"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?:of\s+)?"
    rf"(?:(?:{_FULL_MONTHS})[а-яёәіңғүұқөһ]*|may|мая|мае|май)\b",
    re.IGNORECASE,
)


def days_of_month(text: str) -> frozenset[str]:
    """The numbers a text writes as the day of a month: no count or amount, as a year is none."""
    return frozenset(str(int(match[1] or match[2])) for match in _DAY_OF_MONTH.finditer(text))
