import datetime as dt
from collections.abc import Sequence

import pytest

from answer.question_dates import combine_filters, dates_in_question, search_within_dates
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
