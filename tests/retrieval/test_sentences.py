"""Sentences and where they lie in their text."""

import itertools

import pytest

from retrieval.sentences import sentence_spans, split_sentences

TEXTS = [
    "Dr. Jane Roe of Houston, Texas, was sentenced. She must pay $2.1 million.",
    "  Leading space. U.S. Attorney J. Smith said so!  Then “quoted text.” (A note.)  ",
    "Судья г. Алматы вынес приговор. Он обжалует его.\nҚазақстан мен Тәжікстан. Екінші сөйлем.",
    "No stop at all",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_spans_are_the_sentences_in_place(text: str) -> None:
    spans = sentence_spans(text)
    pieces = [text[start:end] for start, end in spans]
    assert [" ".join(p.split()) for p in pieces] == split_sentences(text)
    assert all(p == p.strip() and p for p in pieces)
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_run_ons_split_before_a_small_letter_but_not_after_an_abbreviation() -> None:
    text = "They met in Dushanbe. indicate that the U.S. attorney said so. Mr. smith left."
    assert split_sentences(text) == [text.removesuffix(" Mr. smith left."), "Mr. smith left."]
    assert split_sentences(text, run_ons=True) == [
        "They met in Dushanbe.",
        "indicate that the U.S. attorney said so.",
        "Mr. smith left.",
    ]
