"""Sentences and where they lie in their text."""

import itertools

import pytest

from retrieval.sentences import sentence_spans, split_sentences

TEXTS = [
    "Dr. Jane Roe of Houston, Texas, was sentenced. She must pay $2.1 million.",
    "  Leading space. U.S. Attorney J. Smith said so!  Then “quoted text.” (A note.)  ",
    "Судья г. Алматы вынес приговор. Он обжалует его.\nҚазақстан мен Тәжікстан. Екінші сөйлем.",
    "No stop at all",
    "See United States v. J & R Associates, Civil Action No. 15-11748. It ended.",
    "It settled. $6 million goes to paving. U.S. $5 was paid.",
    "Wayne County Therapeutic Inc. (WCT) and Furukawa Electric Co. Ltd. pleaded. Acme Inc. Then.",
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


def test_legal_and_company_abbreviations_do_not_end_a_sentence() -> None:
    assert split_sentences(
        "The case is United States ex rel. Steven Radjenovich v. Gallant Health. It settled."
    ) == ["The case is United States ex rel. Steven Radjenovich v. Gallant Health.", "It settled."]
    assert split_sentences("He was sentenced in Ft. Lauderdale. He appealed.") == [
        "He was sentenced in Ft. Lauderdale.",
        "He appealed.",
    ]
    text = "Wayne County Therapeutic Inc. (WCT) and Furukawa Electric Co. Ltd. pleaded guilty."
    assert split_sentences(text) == [text]
    # A company's suffix may still end a sentence, also before a word that begins like one.
    assert split_sentences("He founded Acme Inc. Co-founder Bob Lee left.") == [
        "He founded Acme Inc.",
        "Co-founder Bob Lee left.",
    ]
    assert split_sentences("Yin created Clearview Resources Ltd. At his instruction, ...") == [
        "Yin created Clearview Resources Ltd.",
        "At his instruction, ...",
    ]


def test_a_sentence_may_open_with_an_amount() -> None:
    # dev-026: the second part's "$6 million ..." ran on from the first part's pointer
    # sentence ("This is stated in paragraph 1 of the release."), and went with it.
    text = "This is stated in paragraph 1. $6 million goes to road paving. €5 were paid."
    assert split_sentences(text) == [
        "This is stated in paragraph 1.",
        "$6 million goes to road paving.",
        "€5 were paid.",
    ]
    assert split_sentences("He paid U.S. $5 million.") == ["He paid U.S. $5 million."]
