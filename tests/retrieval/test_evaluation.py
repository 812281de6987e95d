import datetime as dt
import json
from pathlib import Path

import pytest

from retrieval.errors import ReadError
from retrieval.evaluation import Question, evaluate_retrieval, first_gold_rank, load_questions
from retrieval.types import Hit, SearchFilters


def _hit(release_id: str, first: int, last: int | None = None) -> Hit:
    return Hit(
        "c",
        release_id,
        "t",
        None,
        "",
        "",
        "en",
        first,
        first,
        first if last is None else last,
        0,
        "text",
        0.5,
    )


def test_rank_counts_merged_paragraph_ranges() -> None:
    hits = [_hit("a", 0), _hit("b", 2, 4), _hit("b", 7)]
    assert first_gold_rank(hits, [("b", 3)]) == 2
    assert first_gold_rank(hits, [("b", 7), ("a", 0)]) == 1
    assert first_gold_rank(hits, [("c", 0)]) is None


def test_scores_per_group_and_skips_null_questions() -> None:
    questions = [
        Question("1", "q1", "en", "fact", (("a", 0),)),
        Question("2", "q2", "en", "fact", (("b", 0),)),
        Question("3", "q3", "ru", "cross", (("c", 0),)),
        Question("4", "q4", "en", "null", ()),
    ]
    results = {"q1": [_hit("a", 0)], "q2": [_hit("x", 0)] * 3 + [_hit("b", 0)], "q3": []}
    report = evaluate_retrieval(questions, lambda q, k, f: results[q][:k], k=10)
    data = report.as_dict()
    assert data["overall"] == {
        "questions": 3,
        "hits@1": 0.333,
        "hits@4": 0.667,
        "hits@10": 0.667,
        "mrr@10": 0.417,
    }
    assert data["by_language"]["ru"]["hits@10"] == 0.0
    assert data["skipped_without_gold"] == 1 and data["ranks"]["2"] == 4


def test_loads_the_shared_question_format(shared: Path) -> None:
    questions = load_questions(shared / "eval" / "doj_dev.jsonl")
    follow_up = next(q for q in questions if q.type == "follow_up")
    assert follow_up.history and follow_up.retrieval_query().endswith(follow_up.question)
    assert follow_up.history[0][1] in follow_up.retrieval_query()
    scoped = next(q for q in questions if q.type == "date_scoped")
    assert isinstance(scoped.filters, SearchFilters) and scoped.filters.since is not None
    assert scoped.filters.since.day == 1 and isinstance(scoped.filters.since, dt.date)


def test_malformed_question_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "1", "question": "q"}) + '\n{"id": 2}\n')
    with pytest.raises(ReadError, match=r"q\.jsonl:2"):
        load_questions(path)


# -- answers -------------------------------------------------------------------------------------

from retrieval.evaluation import answer_matches, evaluate_answers  # noqa: E402
from retrieval.types import Answer, Citation  # noqa: E402


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
        ("15 years", "He was sentenced to 5 years [1].", "en", False),
        ("Mark Midei, M.D.", "The procedures were done by another doctor.", "en", False),
    ],
)
def test_answer_matching(gold: str, reply: str, lang: str, expected: bool) -> None:
    assert answer_matches(gold, reply, reply_language=lang) is expected


def _answer(text: str, refused: bool, cited: list[tuple[str, int]]) -> Answer:
    sources = tuple(_hit(rid, p) for rid, p in cited)
    citations = tuple(
        Citation(i + 1, h.release_id, "", None, "", h.paragraph, h.text)
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
