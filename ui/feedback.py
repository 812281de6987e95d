"""Thumbs up/down on answers, appended to a JSON Lines file that operators review."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field


class CitationIn(BaseModel):
    """A citation of the answer voted on, as the user saw it."""

    number: int
    release_id: str = Field(max_length=500)
    title: str = Field(default="", max_length=1_000)
    date: str | None = Field(default=None, max_length=20)
    url: str = Field(default="", max_length=2_000)
    paragraph: int
    text: str = Field(default="", max_length=20_000)
    quote: str = Field(default="", max_length=20_000)


class AnswerIn(BaseModel):
    """The answer voted on."""

    answer: str = Field(max_length=20_000)
    refused: bool = False
    citations: list[CitationIn] = Field(default_factory=list, max_length=20)


class FeedbackIn(BaseModel):
    """A vote on an answer, with the answer as the user saw it (bounded, so votes cannot fill
    the disk)."""

    rating: Literal["up", "down"]
    question: str = Field(max_length=2_000)
    answer: AnswerIn
    comment: str = Field(default="", max_length=2_000)


class FeedbackLog:
    """One JSON object per line: when, the rating, the question, the answer and its citations
    exactly as the user saw them. Appends are serialized, so concurrent votes never interleave."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(
        self,
        *,
        rating: str,
        question: str,
        answer: Mapping[str, Any],
        client: str = "",
        comment: str = "",
    ) -> dict[str, Any]:
        """Append one vote; `rating` is "up" or "down". Returns the stored entry."""
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rating": rating,
            "question": question,
            "answer": answer.get("answer", ""),
            "refused": bool(answer.get("refused", False)),
            "citations": list(answer.get("citations", [])),
            "client": client,
            "comment": comment,
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every vote so far, oldest first."""
        if not self.path.exists():
            return []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
