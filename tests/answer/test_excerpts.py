"""Focused excerpts of long sources."""

from answer.excerpts import excerpt_for_question
from retrieval.sentences import split_sentences

PARAGRAPH = (
    "The company was founded in 1990 in Ohio. It makes industrial fans. "
    "On Monday it agreed to pay a $2.5 million civil penalty for Clean Air Act violations. "
    "The settlement also requires new pollution controls. "
    "A spokesperson declined to comment. The plant employs 400 people."
)


def test_short_text_is_kept_whole() -> None:
    assert excerpt_for_question("Short paragraph.", "anything", 100) == "Short paragraph."


def test_long_text_keeps_the_best_matching_sentences_and_marks_the_cuts() -> None:
    excerpt = excerpt_for_question(
        PARAGRAPH, "What civil penalty did the company agree to pay?", 150
    )
    assert "$2.5 million civil penalty" in excerpt
    assert len(excerpt) <= 150 + 4
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert "The plant employs 400 people." not in excerpt


def test_window_grows_toward_the_better_neighbour() -> None:
    excerpt = excerpt_for_question(
        PARAGRAPH, "pollution controls required by the settlement penalty", 200
    )
    assert "civil penalty" in excerpt and "pollution controls" in excerpt


def test_sentences_in_russian_and_a_sentence_longer_than_the_limit() -> None:
    assert split_sentences("Первое предложение. Второе предложение! Третье?") == [
        "Первое предложение.",
        "Второе предложение!",
        "Третье?",
    ]
    assert excerpt_for_question("word " * 100, "word", 50).endswith(" …")
    assert len(excerpt_for_question("word " * 100, "word", 50)) <= 52
