"""The pages' words in English, Russian and Kazakh."""

import datetime as dt
import re
import string

import pytest

from ui.locales import ADMIN, CHAT, LOCALES, Words, format_date, pick_locale

CYRILLIC_ONLY = re.compile(r"[A-Za-z]")
# Words that stay in Latin letters whatever the language.
LATIN_ALLOWED = re.compile(r"English|PRESSCHAT_\w+|presschat|\{\w+\}|\d{4}-\d\d-\d\d")


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("table", [CHAT, ADMIN], ids=["chat", "admin"])
def test_every_key_is_written_in_all_three_languages(table: dict[str, dict[str, str]]) -> None:
    assert set(table) == set(LOCALES)
    for locale in LOCALES:
        assert set(table[locale]) == set(table["en"]), locale
        for key, text in table[locale].items():
            assert text.strip(), (locale, key)
            assert _fields(text) == _fields(table["en"][key]), (locale, key)
            if locale != "en" and not key.startswith("column_id"):
                latin = CYRILLIC_ONLY.findall(LATIN_ALLOWED.sub("", text))
                assert not latin or key in ("question_placeholder",), (locale, key, text)


def test_the_browsers_language_picks_the_interface_language() -> None:
    assert pick_locale("kk-KZ,kk;q=0.9,ru;q=0.8") == "kk"
    assert pick_locale("de-DE, ru;q=0.5") == "ru"
    assert pick_locale("kz") == "kk"
    assert pick_locale("fr-FR") == pick_locale(None) == pick_locale("") == "en"


def test_dates_are_written_as_each_language_writes_them() -> None:
    day = dt.date(2025, 8, 31)
    assert format_date(day, "en") == "31 August 2025"
    assert format_date("2025-08-31", "ru") == "31 августа 2025 г."
    assert format_date("2025-08-31", "kk") == "2025 ж. 31 тамыз"
    assert format_date("undated", "ru") == "undated" and format_date(None, "kk") == ""


def test_words_fill_placeholders_and_fall_back_to_english() -> None:
    assert Words(CHAT, "ru")("paragraph", number=3) == "абзац 3"
    assert Words(CHAT, "xx")("ask") == "Ask"
