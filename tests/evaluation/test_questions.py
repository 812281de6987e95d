import datetime as dt
import json
from pathlib import Path

import pytest

from evaluation.questions import load_questions, with_stored_ids
from retrieval.errors import ReadError
from retrieval.types import SearchFilters


def test_loads_the_shared_question_format(shared: Path) -> None:
    questions = load_questions(shared / "eval" / "doj_dev.jsonl")
    follow_up = next(q for q in questions if q.type == "follow_up")
    assert follow_up.history and follow_up.turns()[0].role == "user"
    assert follow_up.turns()[0].content == follow_up.history[0][1]
    scoped = next(q for q in questions if q.type == "date_scoped")
    assert isinstance(scoped.filters, SearchFilters) and scoped.filters.since is not None
    assert scoped.filters.since.day == 1 and isinstance(scoped.filters.since, dt.date)


def test_malformed_question_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "1", "question": "q"}) + '\n{"id": 2}\n')
    with pytest.raises(ReadError, match=r"q\.jsonl:2.*missing field 'question'"):
        load_questions(path)
    path.write_text('{"id": "1", "question": "q", "gold": [{"release_id": "r", "paragraph": "x"}]}')
    with pytest.raises(ReadError, match=r"q\.jsonl:1: bad question: gold paragraph 'x' is not a"):
        load_questions(path)


def test_a_gold_release_named_by_its_file_gets_the_stored_id(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": "a", "question": "q", "gold": [{"release_id": "seed:govkz.txt", "paragraph": 3},'
        ' {"release_id": "doj-1", "paragraph": 0}, {"release_id": "seed:gone.txt", "paragraph": 1}'
        "]}\n",
        encoding="utf-8",
    )
    stored = {"h-5bdb": "/home/me/examples/releases/govkz.txt", "doj-1": "doj.jsonl"}
    (question,) = with_stored_ids(load_questions(path), lambda: stored)
    assert question.gold == (("h-5bdb", 3), ("doj-1", 0), ("seed:gone.txt", 1))

    def never() -> dict[str, str]:
        raise AssertionError("the store is read only when some gold names a file")

    path.write_text(
        '{"id": "b", "question": "q", "gold": [{"release_id": "doj-1", "paragraph": 0}]}'
    )
    plain = load_questions(path)
    assert with_stored_ids(plain, never) == plain
