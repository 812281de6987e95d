import math

import pytest

from retrieval.keywords.within import distinct_words_held

RELEASE = [
    "Maine fisherman Richard Austin pleaded guilty to trafficking baby eels.",
    "Austin sold the eels to a dealer in Portland.",
    "The eels were worth $400,000.",
]


def test_a_word_few_paragraphs_hold_weighs_more() -> None:
    question = "Which dealer bought the eels?"
    held = distinct_words_held(question, RELEASE, RELEASE, "en")
    # "eels" is in all three paragraphs, "dealer" in one; "bought" in none counts for nothing.
    eels, dealer = math.log(4 / 3.5), math.log(4 / 1.5)
    assert held == pytest.approx([eels, eels + dealer, eels])


def test_names_after_the_first_word_do_not_count() -> None:
    # All of a release's paragraphs are about its names; its first writes them in full.
    assert distinct_words_held("Who is Richard Austin of Maine?", RELEASE, RELEASE, "en") == [
        0.0,
        0.0,
        0.0,
    ]
    held = distinct_words_held("Fisherman Austin?", RELEASE, RELEASE, "en")
    assert held[0] > 0 and held[1:] == [0.0, 0.0]


def test_kazakh_words_match_by_their_stem() -> None:
    release = ["Министр Душанбеде кездесу өткізді.", "Тараптар су ресурстарын талқылады."]
    # "Министрлер" holds "Министр", "талқылады" itself: the first five letters stand for a word.
    held = distinct_words_held("Министрлер не талқылады?", release, release, "kk")
    assert held == pytest.approx([math.log(3 / 1.5)] * 2)
