"""Focused excerpts of long sources."""

import pytest

from answer.excerpts import chosen_number, excerpt_for_question, quote_candidates
from answer.questions import AskedFigure
from retrieval.sentences import split_sentences
from tests.factories import make_hit

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
    # "company" is also in the first sentence: it comes along, the cut between marked.
    assert excerpt == (
        "The company was founded in 1990 in Ohio. … On Monday it agreed to pay a $2.5 million "
        "civil penalty for Clean Air Act violations. …"
    )
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


SENTENCING = (
    "WASHINGTON — Cedric Salabye of Dilkon, Ariz., was sentenced Friday in federal court in "
    "Phoenix for selling 11 bald eagle tail feathers, the Justice Department announced today. "
    "Salabye pleaded guilty on April 23, 2009, to one count of a federal indictment charging him "
    "with selling eagle feathers in violation of the Bald and Golden Eagle Protection Act. "
    "Judge David Campbell of the U.S. District Court for the District of Arizona presided. "
    "Salabye was ordered to perform 150 hours of community service and to pay a $500 fine."
)


def test_a_sentence_with_the_question_words_the_best_one_lacks_is_kept_too() -> None:
    question = (
        "How many hours of community service was the Dilkon, Arizona man who sold bald eagle "
        "tail feathers ordered to perform?"
    )
    excerpt = excerpt_for_question(SENTENCING, question, 300)
    assert excerpt.startswith("WASHINGTON — Cedric Salabye of Dilkon")
    assert excerpt.endswith(
        "… Salabye was ordered to perform 150 hours of community service and to pay a $500 fine."
    )
    assert len(excerpt) <= 300


TAXES = (
    "According to court documents, Murdoch admitted that from 2003 to 2006 he received about "
    "$500,000 in income from Royal Development for which he should have paid taxes, and that he "
    "failed to file his tax returns for those years because he was hiding that income. "
    "The total tax due on this income is $189,852. "
    "Murdoch also admitted that he used the income from Royal Development for personal expenses "
    "such as cigars and a 1987 Porsche."
)


def test_a_short_sentence_sharing_as_much_as_a_long_one_is_preferred() -> None:
    # Both the first sentence and the last hold Murdoch, admitted, income, Royal Development;
    # the two do not fit together, and the last, shorter one holds the answer.
    question = (
        "What car did Richard Murdoch admit paying for with untaxed income from Royal Development?"
    )
    excerpt = excerpt_for_question(TAXES, question, 300)
    assert "1987 Porsche" in excerpt
    assert excerpt.startswith("… The total tax due")
    assert "failed to file" not in excerpt


def test_a_word_every_sentence_holds_weighs_less_than_one_only_the_answer_holds() -> None:
    paragraph = (
        "Smith and Jones sold the horns in Nevada after Smith drove them from California. "
        "Smith met the buyer in a hotel room. "
        "Smith and Jones were arrested in Nevada the same day by agents."
    )
    # "Smith", "Jones", "Nevada" tell the sentences apart less than "buyer", which one holds.
    excerpt = excerpt_for_question(
        paragraph, "Where did Smith and Jones meet the buyer in Nevada?", 80
    )
    assert excerpt == "… Smith met the buyer in a hotel room. …"


def test_quote_candidates_state_the_asked_figure_the_best_match_first() -> None:
    question = "How many tribes joined the first phase of the tribal access program?"
    sources = [
        make_hit(
            "tap",
            1,
            text="The program began in 2016. It is one of 9 tribes to join the "
            "first phase of the tribal access program. Two of 40 tribes were chosen last.",
        ),
        make_hit("other", 3, text="In 2015, 12 tribes met in Phoenix. The weather was fine."),
    ]
    figure = AskedFigure.of(question)
    assert figure is not None
    assert quote_candidates(question, sources, figure) == [
        (1, "It is one of 9 tribes to join the first phase of the tribal access program."),
        (1, "Two of 40 tribes were chosen last."),
        (2, "In 2015, 12 tribes met in Phoenix."),
    ]


def test_quote_candidates_of_a_question_in_another_script_are_in_the_sources_order() -> None:
    # No word of "Олар қанша айыппұл төледі?" (how large a fine did they pay?) is in an English
    # sentence: each sentence stating a sum is a candidate.
    sources = [
        make_hit("a", 1, text="The firm was fined in 2019. It paid a $5 million fine."),
        make_hit("b", 2, text="Smith paid $20,000 in restitution. Jones was acquitted."),
    ]
    question = "Олар қанша айыппұл төледі?"
    figure = AskedFigure.of(question)
    assert figure is not None
    assert quote_candidates(question, sources, figure) == [
        (1, "It paid a $5 million fine."),
        (2, "Smith paid $20,000 in restitution."),
    ]


@pytest.mark.parametrize(
    ("reply", "count", "chosen"),
    [
        ("1", 3, 1),
        ("3.", 3, 3),
        ("Sentence 2", 3, 2),
        ("0", 3, None),
        ("4", 3, None),
        ("NO_ANSWER", 3, None),
        ("", 1, None),
    ],
)
def test_the_chosen_sentence_is_read_from_the_reply(
    reply: str, count: int, chosen: int | None
) -> None:
    assert chosen_number(reply, count) == chosen
