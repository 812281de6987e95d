"""The widget's interface strings (the JSON table in ui/static/widget.js): every key in English,
Russian and Kazakh, with the same {placeholders}, and no key missing or left unused."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

WIDGET = Path(__file__).resolve().parents[2] / "ui" / "static" / "widget.js"
LOCALES = {"en", "ru", "kk"}
PLURAL_FORMS = ("one", "few", "many", "other")  # what Intl.PluralRules picks for en, ru, kk
MARKERS = re.compile(r"/\* strings:begin \*/(.*?)/\* strings:end \*/", re.DOTALL)
# Names that stay as they are in every language: placeholders, the product, settings, HTML.
UNTRANSLATED = re.compile(r"\{\w+\}|presschat|PRESSCHAT_\w+|data-\w+|script|HTTP")


def split_widget() -> tuple[dict[str, Any], str]:
    """The strings table and the widget's code without it."""
    source = WIDGET.read_text(encoding="utf-8")
    found = MARKERS.findall(source)
    assert len(found) == 1, "widget.js needs exactly one /* strings:begin */ ... /* strings:end */"
    table = json.loads(found[0])
    assert isinstance(table, dict) and table
    return table, MARKERS.sub("", source)


STRINGS, CODE = split_widget()


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_is_written_in_every_language(key: str) -> None:
    entry = STRINGS[key]
    assert set(entry) == LOCALES, f"{key}: languages {sorted(entry)}"
    for locale, text in entry.items():
        assert isinstance(text, str) and text.strip(), f"{key}.{locale} is empty"
        assert text == text.strip(), f"{key}.{locale} has spaces around it"
        assert fields(text) == fields(entry["en"]), f"{key}.{locale}: other {{placeholders}}"
    # A copy of the English text is a translation someone forgot.
    assert entry["ru"] != entry["en"] and entry["kk"] != entry["en"], f"{key} is not translated"


def test_russian_and_kazakh_are_written_in_cyrillic() -> None:
    for key, entry in STRINGS.items():
        for locale in ("ru", "kk"):
            words = UNTRANSLATED.sub("", entry[locale])
            assert not re.search(r"[A-Za-z]", words), f"{key}.{locale} has Latin letters: {words}"
    kazakh_letters = set("әғқңөұүһі")
    assert kazakh_letters & set("".join(e["kk"] for e in STRINGS.values()).lower())


def test_plural_keys_have_every_form() -> None:
    endings = tuple(f"_{form}" for form in PLURAL_FORMS)
    families = {key.rsplit("_", 1)[0] for key in STRINGS if key.endswith(endings)}
    assert families, "the paragraph count is said with plural forms"
    for family in families:
        for form in PLURAL_FORMS:
            assert f"{family}_{form}" in STRINGS, f"{family} has no {form} form"


def test_month_names_are_twelve() -> None:
    for locale, names in STRINGS["months"].items():
        months = names.split(",")
        assert len(months) == 12 and all(m.strip() == m and m for m in months), locale


def test_the_code_uses_only_keys_in_the_table_and_every_key_there() -> None:
    called = set(re.findall(r"\bt\(\s*\"(\w+)\"", CODE))
    plurals = set(re.findall(r"\bplural\(\s*\"(\w+)\"", CODE))
    assert called, 'the code reads its strings with t("key")'
    assert called <= set(STRINGS), f"not in the table: {sorted(called - set(STRINGS))}"
    for family in plurals:
        assert f"{family}_other" in STRINGS, family
    quoted = set(re.findall(r"\"(\w+)\"", CODE))
    unused = {key for key in STRINGS if key not in quoted and key.rsplit("_", 1)[0] not in plurals}
    assert not unused, f"strings the widget never shows: {sorted(unused)}"
