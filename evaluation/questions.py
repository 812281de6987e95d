"""Evaluation question sets with gold paragraphs (the shared eval format: JSON Lines of
{id, question, lang, type, gold: [{release_id, paragraph}], answer, history?, filters?})."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from answer.assistant import search_text
from answer.types import Turn
from retrieval.errors import ReadError, RequestError
from retrieval.filters import read_filters
from retrieval.types import SearchFilters


@dataclass(frozen=True)
class Question:
    """One evaluation question; `gold` holds (release id, paragraph index) pairs."""

    id: str
    question: str
    lang: str
    type: str
    gold: tuple[tuple[str, int], ...]
    answer: str = ""
    history: tuple[tuple[str, str], ...] = ()
    filters: SearchFilters = field(default_factory=SearchFilters)

    def turns(self) -> list[Turn]:
        """The conversation before the question."""
        return [Turn(role, content) for role, content in self.history]

    def retrieval_query(self) -> str:
        """The text `presschat ask` searches with when a follow-up is not rewritten
        (`PRESSCHAT_FOLLOW_UPS=context`): the question, then the asker's previous one."""
        return search_text(self.question, self.turns())


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question file; a malformed line raises ReadError with its number."""
    questions = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                questions.append(_question(json.loads(line)))
            except (ValueError, KeyError, TypeError, RequestError) as exc:
                raise ReadError(f"{path}:{number}", f"bad question: {exc}") from None
    return questions


def _question(raw: dict[str, Any]) -> Question:
    filters = raw.get("filters") or {}
    return Question(
        id=str(raw["id"]),
        question=str(raw["question"]),
        lang=str(raw.get("lang", "")),
        type=str(raw.get("type", "")),
        gold=tuple((str(g["release_id"]), int(g["paragraph"])) for g in raw.get("gold") or []),
        answer=str(raw.get("answer", "")),
        history=tuple((str(t["role"]), str(t["content"])) for t in raw.get("history") or []),
        filters=read_filters(filters.get("since"), filters.get("until"), filters.get("lang")),
    )
