import datetime as dt

import pytest

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
