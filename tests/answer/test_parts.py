"""A question that joins two: its parts, and the paragraphs a later part adds to the sources."""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import pytest

from answer.parts import (
    AnswerEnd,
    between_parts,
    question_parts,
    to_the_point,
    with_each_part,
)
from retrieval.types import Hit, SearchFilters
from tests.factories import make_hit

TODAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "How much did Alex Soria take from homeowners, and for about how long did he draw"
            " disability?",
            [
                "How much did Alex Soria take from homeowners?",
                "For about how long did he draw disability?",
            ],
        ),
        (
            "What exact criminal penalty did General Cable agree to and how much disgorgement did"
            " it pay the SEC?",
            [
                "What exact criminal penalty did General Cable agree to?",
                "How much disgorgement did it pay the SEC?",
            ],
        ),
        (
            "How much did Acme pay, and did it admit wrongdoing?",
            ["How much did Acme pay?", "Did it admit wrongdoing?"],
        ),
        (
            "Сколько двигателей закупила ирландская фирма и сколько она за них заплатила?",
            ["Сколько двигателей закупила ирландская фирма?", "Сколько она за них заплатила?"],
        ),
        (
            "Шетелде неше студент оқиды, және қашан өтінімдер қабылданады?",
            ["Шетелде неше студент оқиды?", "Қашан өтінімдер қабылданады?"],
        ),
        (
            "Орталық жылына қанша адамға қызмет көрсетеді, және ол қашан ашық?",
            ["Орталық жылына қанша адамға қызмет көрсетеді?", "Ол қашан ашық?"],
        ),
        (
            "Орталық жылына қанша адамға қызмет көрсетеді, және 1800 жылы кім ашты?",
            ["Орталық жылына қанша адамға қызмет көрсетеді?", "1800 жылы кім ашты?"],
        ),
        # Two people, a fact for each: asked about one, then the other.
        (
            "What prison terms did promoters David L. Johnson and Michael L. Putnam receive?",
            [
                "What prison terms did promoters David L. Johnson receive?",
                "What prison terms did promoters Michael L. Putnam receive?",
            ],
        ),
        (
            "What tax losses did Jon Field and Eric Schilder each cause?",
            ["What tax losses did Jon Field cause?", "What tax losses did Eric Schilder cause?"],
        ),
    ],
)
def test_a_question_joining_a_second_one_is_asked_in_two_parts(
    question: str, parts: list[str]
) -> None:
    assert question_parts(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "What combined fines and forfeitures did the operator agree to?",  # no second question
        "Когда и где состоится следующий раунд консультаций?",  # one question for two things
        "Who and what?",  # a first part too short to stand alone
        "What did the ministers agree in Dushanbe and Astana?",
        "Қазақстан және Тәжікстан қандай тауар айналымын көздейді?",  # no comma: one question
        # A verb after "and" opens a second question only after a comma.
        "What did the man who pleaded guilty and was sentenced to 10 years admit?",
        # ... and before a subject of its own.
        "Which company spent $26 billion on search deals, and is accused of harming publishers?",
        # Two names with one fact between them, or two places.
        "Through which company did Gevork Kartashyan and Eliza Shubaralyan bill Medicare?",
        "How many patients did Wayne Smith steer to the Sacred Hope and Xpress Center clinics?",
        "What prison term did David Johnson receive?",
    ],
)
def test_one_question_stays_whole(question: str) -> None:
    assert question_parts(question) == [question]


class _Words:
    """An index that ranks paragraphs by how many words they share with the text searched."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits
        self.searched: list[str] = []

    def _ranked(self, text: str, hits: list[Hit], k: int) -> list[Hit]:
        self.searched.append(text)
        words = set(re.findall(r"\w+", text.lower()))
        return sorted(hits, key=lambda h: -len(words & set(re.findall(r"\w+", h.text.lower()))))[:k]

    def search(self, text: str, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        return self._ranked(text, self.hits, k)

    def search_release(self, query: str, release_id: str, k: int, *_: Any, **__: Any) -> list[Hit]:
        return self._ranked(query, [h for h in self.hits if h.release_id == release_id], k)

    def release_texts(self, sources: Sequence[Hit]) -> dict[str, str]:
        return {}


PAID = make_hit("sterling", 0, text="Donald Sterling agreed to pay $2.725 million to settle.")
SUED = make_hit("sterling", 1, text="The suit alleged that Sterling refused to rent to families.")
LARGEST = make_hit("sterling", 2, text="It is the largest settlement of a rental suit.")
TESTING = make_hit("sterling", 3, text="His companies must run self-testing for three years.")
QUESTION = (
    "How much did Donald Sterling agree to pay to settle, and for how long must his companies"
    " run self-testing?"
)


def test_a_later_part_adds_the_paragraph_it_is_about() -> None:
    index: Any = _Words([PAID, SUED, LARGEST, TESTING])
    found = (PAID, SUED, LARGEST)
    parts = question_parts(QUESTION)
    assert with_each_part(index, parts, [], found, SearchFilters(), TODAY, 0.0) == (
        *found,
        TESTING,
    )
    # Searched as a follow-up to the first part: its pronouns ("his") are the first part's.
    assert any(parts[0] in text and parts[1] in text for text in index.searched)


def test_the_first_part_adds_its_paragraph_where_the_whole_question_found_the_others() -> None:
    # pc-125: the whole question's search found Putnam's paragraph, not Johnson's.
    intro = make_hit("genesis", 0, text="Two promoters of the Genesis Fund were sentenced today.")
    johnson = make_hit("genesis", 4, text="David L. Johnson was sentenced to 30 months in prison.")
    putnam = make_hit("genesis", 5, text="Michael L. Putnam got 12 months and a day in prison.")
    plea = make_hit("genesis", 6, text="Michael L. Putnam pleaded guilty in 2011.")
    other = make_hit("other", 0, text="Another case: prison terms for two promoters.")
    index: Any = _Words([intro, johnson, putnam, plea, other])
    question = (
        "What prison terms did Genesis Fund promoters David L. Johnson and Michael L. Putnam"
        " receive?"
    )
    found = (putnam, intro, other)
    parts = question_parts(question)
    # Each part adds one: Johnson's for the first, the next of Putnam's for the second.
    assert with_each_part(index, parts, [], found, SearchFilters(), TODAY, 0.0) == (
        *found,
        johnson,
        plea,
    )


def test_a_part_whose_closest_paragraph_is_held_adds_its_next_closest_of_the_release() -> None:
    index: Any = _Words([PAID, SUED, LARGEST, TESTING])
    held = (TESTING, PAID, SUED)
    parts = question_parts(QUESTION)
    assert with_each_part(index, parts, [], held, SearchFilters(), TODAY, 0.0) == (*held, LARGEST)


def test_nothing_is_added_when_the_sources_hold_the_release_or_it_scores_too_low() -> None:
    index: Any = _Words([PAID, SUED, TESTING])
    parts = question_parts(QUESTION)
    held = (TESTING, PAID, SUED)
    assert with_each_part(index, parts, [], held, SearchFilters(), TODAY, 0.0) == held
    index = _Words([PAID, SUED, LARGEST, TESTING])
    found = (PAID, SUED, LARGEST)
    assert with_each_part(index, parts, [], found, SearchFilters(), TODAY, 0.6) == found


def test_a_question_in_one_part_or_without_sources_is_not_searched_again() -> None:
    index: Any = _Words([PAID, SUED, LARGEST, TESTING])
    found = (PAID, SUED, LARGEST)
    one = ["How much did Donald Sterling agree to pay?"]
    assert with_each_part(index, one, [], found, SearchFilters(), TODAY, 0.0) == found
    parts = question_parts(QUESTION)
    assert with_each_part(index, parts, [], (), SearchFilters(), TODAY, 0.0) == ()
    assert index.searched == []


@pytest.mark.parametrize(
    ("reply", "between"),
    [
        ("", ""),
        ("$500,000 [1]", ". "),
        ("$500,000 [1].", " "),
        ("$500,000.", " "),
        # Markers after the full stop, apart or grouped: the full stop is there (a second one
        # showed as "... dollars [1].. Казахстан ..." once the markers moved before it).
        ("до 2 billion US dollars. [1], [2], [3]", " "),
        ("до 2 billion US dollars. [1, 2]", " "),
        # Seen in the web chat (session 24): "... dollars [2].. Sirojiddin ...".
        ("by 200 million US dollars. [n] [2]", " "),
    ],
)
def test_a_full_stop_goes_between_parts_only_where_the_first_lacks_one(
    reply: str, between: str
) -> None:
    assert between_parts(reply) == between


FINE = "Espar Inc. was sentenced to pay a $14.9 million criminal fine [1]."
PADDING = " This fine was announced by the Department of Justice on June 25, 2015 [2]."
DISCUSSED = (  # the bundled example's "What did the ministers discuss?" (session 32)
    "The ministers discussed trade, water and transit [1]. They reaffirmed their strong "
    "commitment to strategic partnership [1]."
)


@pytest.mark.parametrize(
    ("answer", "question", "kept"),
    [
        # The padding after the answer goes, cited or not.
        (FINE + PADDING, "What criminal fine was the parking heater maker sentenced to pay?", FINE),
        (
            FINE + " The agreement was signed on June 12, 2014.",
            "What criminal fine was the parking heater maker sentenced to pay?",
            FINE,
        ),
        # A first sentence that only writes the question back, or gives no figure for "how
        # much", answers nothing: the answer ends after the one that does.
        (
            "The parking heater maker was sentenced to pay a criminal fine [2]. " + FINE + PADDING,
            "What criminal fine was the parking heater maker sentenced to pay?",
            "The parking heater maker was sentenced to pay a criminal fine [2]. " + FINE,
        ),
        (
            "Espar Inc. pleaded guilty in Ohio [2]. " + FINE + PADDING,
            "How much was the parking heater maker fined?",
            "Espar Inc. pleaded guilty in Ohio [2]. " + FINE,
        ),
        # For a question of no kind above, a sentence that does not hold half of its words
        # leads up to the answer.
        (
            "The Ducey brothers pleaded guilty to a multi-state scheme [1]. Their E-biofuels"
            " plant was located in Middletown, Indiana [1]. It sold biodiesel [2].",
            "Where was the E-biofuels plant the Ducey brothers ran located?",
            "The Ducey brothers pleaded guilty to a multi-state scheme [1]. Their E-biofuels"
            " plant was located in Middletown, Indiana [1].",
        ),
        # For a question asking for no figure, date or name, the sentences right after the
        # answering one that cite only its paragraphs say more of the answer; padding cited
        # elsewhere still goes, and so does all after it.
        (
            DISCUSSED + " The visit was announced by the ministry on 31 August [2]. " + DISCUSSED,
            "What did the Kazakh and Tajik ministers discuss?",
            DISCUSSED,
        ),
        (
            "The ministers discussed trade [1]. The visit ended [2]. They met again [1].",
            "What did the Kazakh and Tajik ministers discuss?",
            "The ministers discussed trade [1].",
        ),
        # No sentence with a citation answers: left whole (the checks decide).
        (
            "Espar Inc. pleaded guilty. It was fined.",
            "How much was the parking heater maker fined?",
            "Espar Inc. pleaded guilty. It was fined.",
        ),
    ],
)
def test_an_answer_to_one_question_ends_where_it_has_answered(
    answer: str, question: str, kept: str
) -> None:
    assert to_the_point(answer, question) == kept


@pytest.mark.parametrize(
    "question",
    [
        "What criminal fine was Espar sentenced to pay, and who announced it?",  # two parts
        "Was Espar fined?",  # yes or no
        "Was the fine $14.9 million or $20 million?",  # a choice
        "Who were the other parking heater makers charged?",  # several
        "Кто ещё был обвинён?",
    ],
)
def test_an_answer_is_left_whole_where_more_than_one_sentence_may_answer(question: str) -> None:
    assert to_the_point(FINE + PADDING, question) == FINE + PADDING


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("How much was the parking heater maker fined?", FINE),
        ("What did the Kazakh and Tajik ministers discuss?", DISCUSSED),
    ],
)
def test_the_end_of_an_answer_is_found_as_the_model_writes_and_nothing_cut_is_shown(
    question: str, kept: str
) -> None:
    sources = [
        make_hit("espar", 0, text=FINE.removesuffix(" [1]."))
        if kept == FINE
        else make_hit("dushanbe", 1, text=re.sub(r" \[1\]", "", DISCUSSED)),
        make_hit("espar", 5, text=PADDING.strip().removesuffix(" [2]."), last=5),
    ]
    reply = kept + PADDING * 3
    words = reply.split(" ")
    end = AnswerEnd(question, sources, question, cut=True)
    shown = ""
    for n in range(1, len(words) + 1):
        written = " ".join(words[:n]) + (" " if n < len(words) else "")
        if end.reached(written):
            break
        shown += end.release(written)
    # Stopped as the padding began (a figure's sentence ends the answer) or once it was
    # finished (another sentence citing the answer's paragraph might have followed).
    stop = len(kept.split(" ")) + (1 if kept == FINE else len(PADDING.split(" ")))
    assert n == stop and shown == kept + " "
    # Once the model has stopped by itself, its last sentence is shown where it is kept.
    end = AnswerEnd(question, sources, question, cut=True)
    assert end.release(kept, complete=True) == kept
    end = AnswerEnd(question, sources, question, cut=True)
    assert end.release(kept + PADDING, complete=True) == ""
    # Not cut at all: everything is shown as it comes.
    end = AnswerEnd(question, sources, question, cut=False)
    assert not end.reached(reply) and end.release(reply) == reply


def test_a_list_is_left_whole() -> None:
    answer = "The centre offers:\n1. Visas [1].\n2. Passports [1]."
    assert to_the_point(answer, "What services does the centre offer?") == answer
