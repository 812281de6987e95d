from evaluation.questions import Question
from evaluation.retrieval_scores import evaluate_retrieval, first_gold_rank
from tests.factories import make_hit


def test_rank_counts_merged_paragraph_ranges() -> None:
    hits = [make_hit("a", 0), make_hit("b", 2, last=4), make_hit("b", 7)]
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
    results = {
        "q1": [make_hit("a", 0)],
        "q2": [make_hit("x", 0)] * 3 + [make_hit("b", 0)],
        "q3": [],
    }
    report = evaluate_retrieval(questions, lambda q, k: results[q.question][:k], k=10)
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
