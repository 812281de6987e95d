import dataclasses
import datetime as dt
from collections.abc import Sequence

import pytest

from answer.dates import (
    affirms_another_day,
    combine_filters,
    dates_in_question,
    search_within_dates,
    states_another_day,
)
from retrieval.types import Hit, SearchFilters
from tests.factories import make_hit

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What fine did it pay in March 2013?", "2013-03-01", "2013-03-31"),
        ("In November 2010, what fine did Singapore Airlines pay?", "2010-11-01", "2010-11-30"),
        ("Who was charged in 2012?", "2012-01-01", "2012-12-31"),
        ("What happened on March 5, 2013?", "2013-03-04", "2013-03-08"),
        ("What was announced last week?", "2026-11-16", "2026-11-22"),
        ("What was announced last month?", "2026-10-01", "2026-10-31"),
        ("Что МИД сообщил в августе 2025 года?", "2025-08-01", "2025-08-31"),
        ("Кого осудили в 2016 году?", "2016-01-01", "2016-12-31"),
        ("Что было на прошлой неделе?", "2026-11-16", "2026-11-22"),
        ("2025 жылғы тамызда министр кіммен кездесті?", "2025-08-01", "2025-08-31"),
        ("2024 жылы не болды?", "2024-01-01", "2024-12-31"),
        ("Өткен аптада не болды?", "2026-11-16", "2026-11-22"),
        ("Who was sentenced since 2015?", "2015-01-01", None),
        ("What happened after March 2013?", "2013-04-01", None),
        ("Who was charged before May 2020?", None, "2020-04-30"),
        ("Who was charged after 2015?", "2016-01-01", None),
        ("How many cases until 2015?", None, "2015-12-31"),
        ("Кого осудили после 2015 года?", "2016-01-01", None),
        ("Что было до 2010 года?", None, "2009-12-31"),
        ("2015 жылдан бастап не болды?", "2015-01-01", None),
    ],
)
def test_date_words_become_a_range(question: str, since: str | None, until: str | None) -> None:
    found = dates_in_question(question, TODAY)
    assert found is not None
    as_text = (str(found.since) if found.since else None, str(found.until) if found.until else None)
    assert as_text == (since, until)


@pytest.mark.parametrize(
    "question",
    [
        "How much did Tyson Foods pay?",
        "Did he pay $2013 in fees?",
        "What happened between 2010-2012?",
        "Where is the Kazan office?",
    ],
)
def test_no_date_words_no_range(question: str) -> None:
    assert dates_in_question(question, TODAY) is None


def test_explicit_and_detected_filters_intersect() -> None:
    explicit = SearchFilters(since=dt.date(2013, 3, 15), language="en")
    detected = SearchFilters(since=dt.date(2013, 3, 1), until=dt.date(2013, 3, 31))
    assert combine_filters(explicit, detected) == SearchFilters(
        dt.date(2013, 3, 15), dt.date(2013, 3, 31), "en"
    )
    disjoint = SearchFilters(since=dt.date(2020, 1, 1), until=dt.date(2020, 12, 31))
    assert combine_filters(disjoint, detected) == disjoint
    assert combine_filters(explicit, None) == explicit


class Searches:
    """A search that finds `found` outside `empty_within` and records what it was asked."""

    def __init__(self, found: list[Hit], empty_within: dt.date | None = None) -> None:
        self.found, self.empty_within, self.asked = found, empty_within, []

    def __call__(self, text: str, k: int, filters: SearchFilters) -> Sequence[Hit]:
        self.asked.append(filters)
        if self.empty_within and filters.since and filters.since <= self.empty_within:
            return []
        return self.found


HIT = make_hit()
YEAR_1901 = SearchFilters(since=dt.date(1901, 1, 1), until=dt.date(1901, 12, 31), language="en")


def test_date_words_that_find_nothing_are_dropped_and_the_explicit_filters_kept() -> None:
    search = Searches([HIT], empty_within=dt.date(1901, 12, 31))
    explicit = SearchFilters(language="en")
    question = "What was Warsaw's population in 1901?"
    hits, used = search_within_dates(search, question, 4, explicit, question, TODAY)
    assert list(hits) == [HIT] and used == explicit
    assert search.asked == [YEAR_1901, explicit]


def test_date_words_that_find_something_stay_and_explicit_filters_are_never_dropped() -> None:
    search = Searches([HIT])
    question = "What was Warsaw's population in 1901?"
    hits, used = search_within_dates(search, question, 4, YEAR_1901, question, TODAY)
    assert list(hits) == [HIT] and used == YEAR_1901 and len(search.asked) == 1
    nothing = Searches([])
    hits, used = search_within_dates(nothing, "Who?", 4, YEAR_1901, "Who?", TODAY)
    assert list(hits) == [] and used == YEAR_1901 and nothing.asked == [YEAR_1901]


OTHER_CASE = "A Texas man was sentenced for tax fraud."
PCB_LEVEL = "What PCB level did Pass's tests show?"


@pytest.mark.parametrize(
    ("closer", "within_text", "question", "kept"),
    [
        # "His October 2009 tests": the release came out later; within October 2009 the
        # search finds other cases, none naming him.
        (
            0.05,
            "A Texas man was sentenced for tax fraud.",
            "What PCB level did Pass's tests show?",
            False,
        ),
        (
            0.03,
            "A Texas man was sentenced for tax fraud.",
            "What PCB level did Pass's tests show?",
            True,
        ),
        # A paragraph within the dates names what the one outside does: the dates stay.
        (0.05, "Pass reported PCB tests in October 2009.", PCB_LEVEL, True),
        # A question that names nothing but its dates is about them.
        (0.05, "A Texas man was sentenced for tax fraud.", "What did the ministry announce?", True),
    ],
)
def test_date_words_that_keep_out_what_the_question_names_are_dropped(
    closer: float, within_text: str, question: str, kept: bool
) -> None:
    within = make_hit("other-case", 1, text=within_text, score=0.83)
    outside = make_hit("tests", 4, text="Pass's tests showed PCB levels of 4,925 ppm.", score=0.83)
    outside = dataclasses.replace(outside, score=0.83 + closer)
    explicit = SearchFilters(language="en")

    def search(text: str, k: int, filters: SearchFilters) -> list[Hit]:
        return [outside] if filters == explicit else [within]

    asked = f"{question[:-1]} in October 2009?"
    hits, used = search_within_dates(search, asked, 4, explicit, asked, TODAY)
    assert (list(hits), used != explicit) == (([within], True) if kept else ([outside], False))


def test_names_the_paragraphs_within_the_dates_cannot_be_read_in_keep_them() -> None:
    # "Что МИД сообщил в августе 2025 года?": a Russian release of October names the МИД, the
    # English release of August cannot; the dates stay.
    within = make_hit("seed", 1, text="The Ministry of Foreign Affairs met in Dushanbe.", score=0.8)
    outside = make_hit("october", 1, text="МИД провёл консультации в Астане.", score=0.9)
    explicit = SearchFilters()

    def search(text: str, k: int, filters: SearchFilters) -> list[Hit]:
        return [outside] if filters == explicit else [within]

    question = "Что МИД сообщил в августе 2025 года?"
    assert search_within_dates(search, question, 3, explicit, question, TODAY)[0] == [within]


HOURS = make_hit("centre", 2, text="The centre is open on weekdays from 9:00 to 18:00.")
OPENED = dataclasses.replace(
    make_hit("centre", 1, text="The ministry opened the centre in Almaty."),
    date=dt.date(2025, 9, 15),
)


@pytest.mark.parametrize(
    ("answer", "another"),
    [
        ("Центр работает по субботам и воскресеньям с 9:00 до 18:00 [1].", True),
        ("Центр работает по будням с 9:00 до 18:00 [1].", False),
        ("It is open Monday to Friday [1].", False),
        ("It opened on 15 September 2025 [2].", False),  # the release's date
        ("It opened on 15 October 2025 [2].", True),
        ("It opened on 15 September 2025 [1].", True),  # not the paragraph it cites
        ("It opened on 15 September 2025.", False),  # cites none: any source may hold it
        ("It is open from 9:00 to 18:00 [1].", False),  # names no day
    ],
)
def test_an_answer_naming_a_day_or_month_its_cited_sources_do_not(
    answer: str, another: bool
) -> None:
    question = "Когда открыт центр в Алматы?"
    assert states_another_day(answer, question, [HOURS, OPENED]) is another


def test_a_day_the_question_names_is_not_the_answers_to_check() -> None:
    answer = "Yes, it is open on Saturdays [1]."
    assert not states_another_day(answer, "Is the centre open on Saturdays?", [HOURS])


SENTENCED = make_hit("case", 0, text="Smith was sentenced Friday in federal court in Boston.")


@pytest.mark.parametrize(
    ("question", "answer", "another"),
    [
        # Session 29, the bundled example: a yes (in broken Kazakh) to a day the paragraph
        # leaves out.
        ("Консулдық орталық жексенбі күні жұмыс істей ме?", "Жаңында жұмыс істей. [1]", True),
        ("Консулдық орталық жексенбі күні жұмыс істей ме?", "Жоқ, тек жұмыс күндері [1].", False),
        ("Консулдық орталық жексенбі күні жұмыс істей ме?", "Жұмыс істемейді [1].", False),
        ("Is the centre open on Saturdays?", "Yes, it is open on Saturdays [1].", True),
        ("Is the centre open on Saturdays?", "No, only on weekdays [1].", False),
        ("Is the centre open on Saturdays?", "It isn't [1].", False),
        ("Is the centre open on Saturdays?", "It is open Monday to Friday [1].", False),
        ("Работает ли центр в субботу?", "Да, центр работает [1].", True),
        ("Работает ли центр в субботу?", "Центр не работает в субботу [1].", False),
        ("Is the centre open on Wednesdays?", "Yes [1].", False),  # a weekday: so it says
        ("Was Smith sentenced on Monday?", "Yes, Smith was sentenced [2].", True),
        ("Was Smith sentenced on Monday?", "Yes, Smith was sentenced [1].", False),  # no days
        ("Was Smith sentenced on Friday?", "Yes [2].", False),
        ("Was Smith sentenced in Boston?", "Yes [2].", False),  # asks about no day
        ("On which day is the centre open?", "On Saturdays [1].", False),  # not yes-or-no
        ("Is it open on Saturday or Sunday?", "On Sunday [1].", False),  # offers a choice
    ],
)
def test_a_yes_to_a_day_the_cited_sources_leave_out(
    question: str, answer: str, another: bool
) -> None:
    plain = make_hit("centre", 1, text="The ministry opened a consular centre in Almaty.")
    sources = [plain, SENTENCED] if "Smith" in question else [HOURS]
    assert affirms_another_day(answer, question, sources) is another
