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


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Центр работает по субботам и воскресеньям с 9:00 до 18:00 [1].", {"sat", "sun"}),
        ("The centre is open on weekdays from 9:00 to 18:00.", {"weekdays"}),
        ("Орталық жұмыс күндері ашық", {"weekdays"}),
        ("жексенби күні", {"sun"}),  # the Russian letter for the Kazakh one
        ("с понедельника по пятницу", {"mon", "fri"}),
        ("Is the centre open on Saturdays?", {"sat"}),  # in the plural too
        ("open Mondays and Fridays", {"mon", "fri"}),
        ("He was sentenced on Jan. 6, 2015.", {"m1"}),
        ("2025 жылғы 15 қыркүйекте ашылды", {"m9"}),
        ("в марте 2026 года", {"m3"}),
        ("Sentencing is set for May 5.", {"m5"}),
        ("He may face 20 years.", set()),  # a verb
        ("The hearing is in March.", set()),  # no number beside it: not checked
        ("окружающая среда", set()),  # "environment", not "Wednesday"
        ("on 2014-10-02", set()),  # numeric dates only in a source
        ("в течение трёх рабочих дней", set()),  # a time, not weekdays
        ("үш жұмыс күні ішінде", set()),
    ],
)
def test_days_and_months_an_answer_names(text: str, named: set[str]) -> None:
    assert dates.days_and_months(text) == named


def test_a_source_holds_the_days_of_its_spans_and_the_months_of_its_numeric_dates() -> None:
    held = dates.days_and_months(
        "Open Monday through Friday; filed 2014-10-02, 15.09.2025.", loose=True
    )
    assert {"mon", "tue", "wed", "thu", "fri", "weekdays", "m10", "m9"} <= held
    assert "sat" not in held and "weekend" not in held
    assert dates.days_and_months("открыт по выходным", loose=True) == {"sat", "sun", "weekend"}


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Бағдарлама 10 қарашада жарияланды, өтінімдер 1 ақпанға дейін [2].", {"10", "1"}),
        ("On March 6, 2026, 50 students", {"6"}),
        ("Jan. 06th, 12 people", {"6"}),
        ("6 марта и 5 мая", {"6", "5"}),
        ("the 15 of September", {"15"}),
        ("5 markets in 3 May", {"3"}),
        ("6 marchers; May 2026, 12 cases; March 1.5 million", set()),
    ],
)
def test_days_of_a_month(text: str, days: set[str]) -> None:
    assert dates.days_of_month(text) == days
