import datetime as dt
import json
from pathlib import Path

import pytest

from evaluation.questions import load_questions
from retrieval.errors import ReadError
from retrieval.types import SearchFilters


def test_loads_the_shared_question_format(shared: Path) -> None:
    questions = load_questions(shared / "eval" / "doj_dev.jsonl")
    follow_up = next(q for q in questions if q.type == "follow_up")
    assert follow_up.history and follow_up.retrieval_query().startswith(follow_up.question)
    assert follow_up.history[0][1] in follow_up.retrieval_query()
    scoped = next(q for q in questions if q.type == "date_scoped")
    assert isinstance(scoped.filters, SearchFilters) and scoped.filters.since is not None
    assert scoped.filters.since.day == 1 and isinstance(scoped.filters.since, dt.date)


def test_malformed_question_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "1", "question": "q"}) + '\n{"id": 2}\n')
    with pytest.raises(ReadError, match=r"q\.jsonl:2"):
        load_questions(path)
