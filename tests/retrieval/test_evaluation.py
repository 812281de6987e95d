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
