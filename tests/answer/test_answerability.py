"""Questions about what the sources never name are refused before the model is asked."""

import dataclasses
import datetime as dt

from answer.answerability import is_answerable, named_share, refusal_with_closest
from prompts import refusal
from tests.answer.test_attribution import FINE, REGION, SOURCES, TRADE


def test_a_question_about_names_the_sources_never_mention_is_not_answerable() -> None:
    question = "How much did Acme Widgets Corporation pay the Treasury Department in Ohio?"
    assert named_share(question, SOURCES) == 0.0
    assert not is_answerable(question, SOURCES)


def test_a_question_whose_names_and_figures_are_in_a_source_is_answerable() -> None:
    question = "What did Kazakhstan offer to supply to the Tajik market for 200 million dollars?"
    assert named_share(question, SOURCES) == 1.0
    assert is_answerable(question, SOURCES)


def test_a_question_with_nothing_to_check_is_left_to_the_model() -> None:
    assert named_share("How much did he pay?", SOURCES) is None
    assert is_answerable("How much did he pay?", SOURCES)
    # Cyrillic names cannot be looked up in English releases, and there is no number.
    assert is_answerable("Какой штраф заплатила компания Тайсон?", [FINE])


def test_a_year_matches_the_release_date() -> None:
    dated = dataclasses.replace(FINE, date=dt.date(2009, 1, 6))
    assert named_share("What fine did Tyson Foods agree to in 2009?", [dated]) == 1.0


def test_the_refusal_lists_the_closest_releases_once_each_in_the_askers_language() -> None:
    dated = dataclasses.replace(FINE, date=dt.date(2009, 1, 6))
    text = refusal_with_closest("kk", [TRADE, REGION, dated])
    assert text.split("\n") == [
        refusal("kk"),
        "Табылған ең жақын релиздер:",
        f"- {TRADE.title} (—)",
        f"- {FINE.title} (2009-01-06)",
    ]
    assert refusal_with_closest("en", []) == refusal("en")


def test_counts_in_a_question_are_not_figures_a_source_must_state() -> None:
    assert is_answerable("What are the 3 main points of the Tyson Foods case?", [FINE])
    assert is_answerable("Name one thing Tyson Foods agreed to.", [FINE])


def test_a_name_is_checked_only_where_every_source_can_hold_it() -> None:
    russian = dataclasses.replace(FINE, release_id="ru-1", text="Министры обсудили торговлю.")
    question = "Что министры Казахстана и Таджикистана сказали о Центральной Азии?"
    assert named_share(question, [TRADE, REGION, russian]) is None
