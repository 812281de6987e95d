"""A question for a fact is told from one that asks whether something is so, and one with a
subject from one of question words only."""

import pytest

from answer import questions
from prompts import another_language, other_language


@pytest.mark.parametrize(
    ("question", "asks_for_a_fact"),
    [
        ("What fine did Tyson Foods pay?", True),
        ("How much did he pay, and when?", True),
        ("Сколько заплатила Tyson Foods?", True),
        ("Tyson Foods қанша айыппұл төледі?", True),
        # Kazakh question words with case endings, and "не" (what) in a Kazakh question only:
        # in Russian it is "not".
        ("Министр Тәжікстанда кіммен кездесті?", True),
        ("Қазақстан мен Тәжікстанның сыртқы істер министрлері не талқылады?", True),
        ("Он не заплатил штраф?", False),
        ("Did Tyson Foods pay a fine?", False),
        ("Is the fine larger than $1 million, and what was it for?", False),
        ("According to Fortune, has the view on what drives prices changed?", False),
        ("Заплатила ли Tyson Foods штраф?", False),
        ("Tyson Foods айыппұл төледі ме?", False),
        ("Tyson Foods' fine", False),
    ],
)
def test_a_question_asks_for_a_fact_or_whether_something_is_so(
    question: str, asks_for_a_fact: bool
) -> None:
    assert questions.asks_for_a_fact(question) is asks_for_a_fact


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many?", False),
        ("How long?", False),
        ("И сколько?", False),
        ("Қанша?", False),
        ("Когда?", False),
        ("What is it?", False),
        ("???", False),
        # Words that only say what kind of answer is asked for (session 28, tried as a user).
        ("What time?", False),
        ("В какое время?", False),
        ("Сағат қаншада?", False),
        ("What year?", False),
        ("What time does the consular centre open?", True),
        ("Часы работы?", True),  # "работы": of work, something to look for
        ("How much is his share?", True),
        ("2025?", True),
        ("Стипендия қашан жарияланды?", True),
        ("Who owned the boat?", True),
        ("А кто были его сообщники?", True),
        ("Олар қанша өтемақы алады?", True),
    ],
)
def test_a_question_of_question_words_only_has_no_subject(question: str, expected: bool) -> None:
    assert questions.has_subject(question) is expected


def test_at_what_time_asks_for_hours_not_a_figure() -> None:
    # Tried as a user (session 27): "Во сколько открывается ...?" got the opening day.
    assert not questions.asks_for_a_figure("Во сколько открывается консульский центр?")
    assert questions.asks_for_a_figure("Во сколько раз вырос товарооборот?")
    assert questions.asks_for_a_figure("Во сколько обошёлся новый центр?")
    assert questions.asks_for_a_figure("Сколько посетителей ожидает центр?")


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        # A fine is an amount (dev-019 kept "This fine was announced in November 2010 [1]."
        # after the $48 million, session 33, as if it asked for no figure).
        ("In November 2010, what criminal fine did Singapore Airlines Cargo agree to pay?", True),
        ("What civil penalty did Dow Chemical accept?", True),
        ("What restitution to the IRS was he ordered to pay?", True),
        ("Какой уголовный штраф назначили компании Yazaki?", True),
        ("Tyson Foods қандай айыппұл төледі?", True),
        ("What did the fine cover?", False),
        ("Why was the penalty reduced?", False),
    ],
)
def test_a_fine_penalty_or_restitution_is_asked_for_as_an_amount(
    question: str, amount: bool
) -> None:
    assert questions.asks_for_an_amount(question) is amount
    assert questions.asks_for_a_figure(question) is amount


@pytest.mark.parametrize(
    ("answer", "language", "noted"),
    [
        # The Russian narwhal question answered in English (pc-110 in the web chat, session 30).
        ("Andrew L. Zarauskas was arrested in Maine [3][1].", "ru", True),
        ("Бағдарламаға 50 студент қабылданады [1].", "ru", True),
        ("Ежегодно отбирается 50 студентов [1].", "kk", True),
        ("Ежегодно отбирается 50 студентов [1].", "ru", False),
        ("Tyson Foods paid a $500,000 fine [1].", "en", False),
        ("50 [1].", "ru", False),  # no language to tell
        ("Нет, $500,000 [1].", "en", False),  # too little to tell
        # One that opens saying it is in its sources' language says so already.
        (f"{other_language('ru')}\n\nIt paid $500,000 [1].", "ru", False),
    ],
)
def test_an_answer_in_another_language_than_the_question_is_noted(
    answer: str, language: str, noted: bool
) -> None:
    note = questions.another_language_note(answer, language)
    assert note == (f"\n\n{another_language(language)}" if noted else "")
