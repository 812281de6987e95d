import datetime as dt

import pytest

from retrieval import dates
from retrieval.dates import date_key, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-08-31", dt.date(2025, 8, 31)),
        ("2025-08-31T10:30:00+05:00", dt.date(2025, 8, 31)),
        ("31.08.2025", dt.date(2025, 8, 31)),
        ("2025/08/31", dt.date(2025, 8, 31)),
        ("August 31, 2025", dt.date(2025, 8, 31)),
        ("Aug. 31, 2025", dt.date(2025, 8, 31)),
        ("31 August 2025", dt.date(2025, 8, 31)),
        ("31 августа 2025 г.", dt.date(2025, 8, 31)),
        ("12 сентября 2025", dt.date(2025, 9, 12)),
        ("2025 жылғы 31 тамыз", dt.date(2025, 8, 31)),
    ],
)
def test_parses_written_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2025-13-01", "31/31/2025", "", "Smarch 3, 2020"])
def test_rejects_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match="unrecognised date"):
        parse_date(text)


def test_date_key_sorts_like_dates() -> None:
    assert date_key(dt.date(2025, 8, 31)) == 20250831
    assert date_key(dt.date(2024, 12, 31)) < date_key(dt.date(2025, 1, 1))
    assert date_key(None) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He is to be sentenced on Jan. 6, 2016.", True),
        ("It opened on 15 September 2025.", True),
        ("Следующий раунд запланирован на март 2026 года.", True),
        ("Өтінімдер 2026 жылғы 1 ақпанға дейін қабылданады.", True),
        ("The centre is open on weekdays from 9:00 to 18:00.", True),
        ("Орталық 15.09.2025 ашылды.", True),
        ("He was sentenced in 2015 to 12 months.", False),  # a year alone: no date
        ("The marines sold 15 boxes.", False),
    ],
)
def test_a_text_that_states_a_date(text: str, expected: bool) -> None:
    assert dates.states_a_date(text) is expected


def test_a_date_written_in_figures_is_no_hours() -> None:
    assert dates.states_hours("Open from 9:00 to 18.00.")
    assert not dates.states_hours("Орталық 15.09.2025 ашылды.")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When was he sentenced?", True),
        ("On what date did he plead guilty?", True),
        ("Когда и где состоится следующий раунд?", True),
        ("А когда он откроется?", True),
        ("Өтінімдер қашанға дейін қабылданады?", True),
        ("Өтінімдер қай күнге дейін қабылданады?", True),
        ("В какой бригаде служил Тришич, когда получал статус беженца?", False),
        ("Who did he meet when he was in Dushanbe?", False),
        # Hours are a when: the paragraph with "from 9:00 to 18:00" answers them.
        ("What are the opening hours of the new consular service centre in Almaty?", True),
        ("Каковы часы работы нового консульского центра?", True),
        ("Алматыдағы консулдық орталықтың жұмыс уақыты қандай?", True),
        ("Во сколько открывается консульский центр в Алматы?", True),
        ("Орталық сағат қаншада ашылады?", True),
        ("Во сколько раз вырос товарооборот?", False),
        ("Во сколько обошёлся новый центр?", False),
        ("How many hours of community service was he ordered to perform?", False),
    ],
)
def test_a_question_that_asks_when(question: str, expected: bool) -> None:
    assert dates.asks_for_a_date(question) is expected
