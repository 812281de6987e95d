import pytest

from answer.types import Answer, Citation
from evaluation.answer_scores import answer_matches, evaluate_answers, is_correct
from evaluation.questions import Question
from prompts import unanswered_part
from retrieval.types import SearchFilters
from tests.factories import make_hit


@pytest.mark.parametrize(
    ("gold", "reply", "lang", "expected"),
    [
        ("over 30,000", "The plant processes over 30,000 turkeys a day [1].", "en", True),
        ("$254,203,032", "He was ordered to forfeit $254,203,032 [1].", "en", True),
        (
            "Cannon Seafood Inc., owned by Robert Moore Sr.",
            "Cannon Seafood, owned by Robert Moore Sr. [1]",
            "en",
            True,
        ),
        (
            "Nowak: 41 months; Suliman: 12 months",
            "Nowak got 41 months and Suliman 12 months.",
            "en",
            True,
        ),
        ("18 months", "Оған 18 айға бас бостандығынан айыру жазасы берілді [1].", "kk", True),
        # Thousands apart by spaces and a decimal comma, as Kazakh and Russian write them.
        ("$445,000", "Олар 445 000 АҚШ доллары көлемінде айыппұл төлейді [1].", "kk", True),
        ("more than $1.3 million", "1,3 миллион АҚШ долларынан астам [2].", "kk", True),
        ("$1.3 million", "13 миллион АҚШ доллары [2].", "kk", False),
        ("445,000", "On Jan. 6, 2015 445 people came [1].", "en", False),
        ("15 years", "He was sentenced to 5 years [1].", "en", False),
        # A plural and its singular are one word: "a 15-year sentence" gives "15 years".
        ("15 years", "Samuel Mullet, 67, received a 15 year sentence [1].", "en", True),
        ("15 years", "He faces a 15-year prison term [1].", "en", True),
        ("15 years", "He faces a 5-year prison term [1].", "en", False),
        ("two counts", "He pleaded guilty to one count [1].", "en", False),
        ("Mark Midei, M.D.", "The procedures were done by another doctor.", "en", False),
        ("5 years", "He was sentenced to 15 years [1].", "en", False),  # whole words only
        ("no", "The report does not say so [1].", "en", False),
        ("No", "No, the later report contradicts it [2].", "en", True),
        ("Jan. 6, 2015", "He was to be sentenced on January 6, 2015 [1].", "en", True),
        ("Sept. 30, 2014", "The deal closed on 30 September 2014 [1].", "en", True),
        ("Jan. 6, 2015", "He was to be sentenced on June 6, 2015 [1].", "en", False),
        # Number words are figures: "forty-three" is 43, "five" 5.
        ("forty-three", "The grand jury brought 43 counts [1].", "en", True),
        ("five years in prison", "He got 5 years in prison [1].", "en", True),
        ("forty-three", "The grand jury brought 42 counts [1].", "en", False),
        # "percent" and "%" are one; a hedge ("at least") is not the fact.
        ("over $62 million; 20 percent", "Over $62 million [1]; a 20% penalty [2].", "en", True),
        ("over $62 million; 20 percent", "Over $62 million [1]; a 25% penalty [2].", "en", False),
        ("at least 147 pounds", "147 pounds of baby eels [1]", "en", True),
        ("at least 147 pounds", "147 eels [1]", "en", False),
        ("one year", "Ол қанша мерзімге сотталды [1].", "kk", False),  # a marker is no figure
    ],
)
def test_answer_matching(gold: str, reply: str, lang: str, expected: bool) -> None:
    assert answer_matches(gold, reply, reply_language=lang) is expected


def _answer(text: str, refused: bool, cited: list[tuple[str, int]]) -> Answer:
    sources = tuple(make_hit(rid, p) for rid, p in cited)
    citations = tuple(
        Citation(
            number=i + 1,
            release_id=h.release_id,
            title="",
            date=None,
            url="",
            paragraph=h.paragraph,
            text=h.text,
        )
        for i, h in enumerate(sources)
    )
    return Answer("q", "q", "en", text, citations, sources, refused, SearchFilters())


def test_answer_scores() -> None:
    questions = [
        Question("1", "q1", "en", "fact", (("a", 0), ("a", 3)), answer="$5 million"),
        Question("2", "q2", "en", "fact", (("b", 1),), answer="Jane Doe"),
        Question("3", "q3", "en", "null", ()),
        Question("4", "q4", "en", "null", ()),
    ]
    answers = {
        "1": _answer("They paid $5 million [1][2].", False, [("a", 0), ("x", 9)]),
        "2": _answer("The releases do not say.", True, []),
        "3": _answer("The releases do not say.", True, []),
        "4": _answer("Someone [1].", False, [("z", 0)]),
    }
    report = evaluate_answers(questions, lambda q: answers[q.id]).as_dict()
    assert report["overall"] == {
        "answerable": 2,
        "null": 2,
        "correct": 0.5,
        "citation_precision": 0.5,
        "citation_recall": 0.333,
        "refusal_on_null": 0.5,
        "false_refusal": 0.5,
    }
    assert [r["correct"] for r in report["replies"]] == [True, False, False, False]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_line_saying_a_part_went_unanswered_answers_nothing(language: str) -> None:
    question = Question("1", "q", "en", "fact", (("a", 0),), answer="the Church Arson Act")
    for unsure in (False, True):
        note = unanswered_part(language, "Did he violate the Church Arson Act?", unsure=unsure)
        assert not is_correct(question, _answer(f"He pleaded guilty [1].\n\n{note}", False, []))
    assert is_correct(question, _answer(f"The Church Arson Act [1].\n\n{note}", False, []))


def test_a_reply_in_another_script_may_write_the_gold_answers_names_in_its_own() -> None:
    kazakh = "Зауыты Индиананың Middletown қаласында орналасқан [1]."
    assert answer_matches("Middletown, Indiana", kazakh, reply_language="kk")
    assert not answer_matches(
        "Fishers, Indiana", kazakh.replace("Middletown", ""), reply_language="kk"
    )
    assert not answer_matches("Middletown, Indiana", kazakh)  # an English reply writes "Indiana"
