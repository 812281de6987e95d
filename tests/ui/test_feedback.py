"""The feedback log."""

import threading
from pathlib import Path

import pytest

from ui.feedback import FeedbackLog

ANSWER = {"answer": "Paid [1].", "refused": False, "citations": [{"number": 1, "text": "p"}]}


def test_votes_are_appended_with_their_citations(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "new" / "feedback.jsonl")
    assert log.entries() == []
    log.record(rating="up", question="Fine?", answer=ANSWER, client="10.0.0.1")
    log.record(rating="down", question="Где?", answer={"answer": "Нет", "refused": True})
    first, second = log.entries()
    assert (first["rating"], first["question"], first["citations"]) == (
        "up",
        "Fine?",
        ANSWER["citations"],
    )
    assert second["refused"] is True and second["question"] == "Где?"
    with pytest.raises(ValueError, match="rating"):
        log.record(rating="meh", question="q", answer=ANSWER)


def test_concurrent_votes_never_interleave(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    long_answer = {**ANSWER, "answer": "x" * 20_000}
    threads = [
        threading.Thread(
            target=lambda: [
                log.record(rating="up", question="q", answer=long_answer) for _ in range(10)
            ]
        )
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(log.entries()) == 80
