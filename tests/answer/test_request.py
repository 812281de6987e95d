"""One check of a question, its history and its filters, whatever the entry."""

import pytest

from answer.request import read_ask_request
from retrieval.errors import RequestError


def test_a_valid_question_is_stripped_and_its_filters_read() -> None:
    request = read_ask_request("  What fine?  ", [], {"since": "31.08.2025", "lang": " RU "})
    assert request.question == "What fine?"
    filters = request.search_filters()
    assert (filters.since.isoformat() if filters.since else None, filters.language) == (
        "2025-08-31",
        "ru",
    )


@pytest.mark.parametrize(
    ("question", "history", "filters", "where", "message"),
    [
        ("", [], {}, ("question",), "type a question first"),
        ("x" * 2001, [], {}, ("question",), "at most 2000"),
        ("trade \ud800 turnover", [], {}, ("question",), "unicode string"),
        ("q", [{"role": "robot", "content": "x"}], {}, ("history", 0, "role"), "'user'"),
        ("q", [], {"since": "soon"}, ("filters", "since"), "unrecognised date 'soon'"),
        ("q", [], {"since": "2025-09-01", "until": "2025-08-01"}, ("filters",), "after"),
    ],
)
def test_each_problem_names_its_field(
    question: str, history: list[object], filters: dict[str, str], where: tuple, message: str
) -> None:
    with pytest.raises(RequestError) as raised:
        read_ask_request(question, history, filters)
    assert message in str(raised.value)
    assert raised.value.problems[0][0] == where
