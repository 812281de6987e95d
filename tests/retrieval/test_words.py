import pytest

from retrieval.words import names_nothing


@pytest.mark.parametrize(
    "text", ["Когда?", "А кто?", "Қашан?", "Неше?", "How many?", "What is it?", "Hello!", "???", ""]
)
def test_question_words_and_greetings_alone_name_nothing(text: str) -> None:
    assert names_nothing(text)


@pytest.mark.parametrize(
    "text",
    [
        "When is the centre open?",
        "Кто такой Рахмон?",
        "Стипендия қашан жарияланды?",
        "2025?",
        "Tyson?",
        "What about space?",
    ],
)
def test_a_question_with_a_name_figure_or_topic_names_something(text: str) -> None:
    assert not names_nothing(text)
