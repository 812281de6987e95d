"""Retrieval evaluation over question sets with gold paragraphs (the shared eval format)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.dates import parse_date
from retrieval.errors import ReadError
from retrieval.types import Hit, SearchFilters

CUTOFFS = (1, 4, 10)


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

    def retrieval_query(self) -> str:
        """The text to search with: for a follow-up, the earlier user turns come first."""
        earlier = [content for role, content in self.history if role == "user"]
        return "\n".join([*earlier, self.question])


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question file; a malformed line raises ReadError with its number."""
    questions = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                questions.append(_question(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
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
        filters=SearchFilters(
            since=_date(filters.get("since")),
            until=_date(filters.get("until")),
            language=filters.get("lang"),
        ),
    )


def _date(value: str | None) -> dt.date | None:
    return parse_date(value) if value else None


def first_gold_rank(hits: Sequence[Hit], gold: Iterable[tuple[str, int]]) -> int | None:
    """1-based rank of the first hit that holds a gold paragraph, or None."""
    gold = list(gold)
    for rank, hit in enumerate(hits, start=1):
        if any(hit.release_id == rid and hit.covers(par) for rid, par in gold):
            return rank
    return None


@dataclass
class Scores:
    """Hits@1/4/10 and MRR@10 of a group of questions."""

    questions: int = 0
    hits: dict[int, int] = field(default_factory=lambda: dict.fromkeys(CUTOFFS, 0))
    reciprocal_rank: float = 0.0

    def add(self, rank: int | None) -> None:
        """Count one question whose first gold paragraph came at `rank` (None: not found)."""
        self.questions += 1
        for cutoff in CUTOFFS:
            if rank is not None and rank <= cutoff:
                self.hits[cutoff] += 1
        if rank is not None and rank <= 10:
            self.reciprocal_rank += 1.0 / rank

    def as_dict(self) -> dict[str, float | int]:
        """Rates rounded to 3 places."""
        n = max(self.questions, 1)
        result: dict[str, float | int] = {"questions": self.questions}
        for cutoff in CUTOFFS:
            result[f"hits@{cutoff}"] = round(self.hits[cutoff] / n, 3)
        result["mrr@10"] = round(self.reciprocal_rank / n, 3)
        return result


@dataclass
class RetrievalReport:
    """Scores overall, per language and per question type, with each question's rank."""

    overall: Scores = field(default_factory=Scores)
    by_language: dict[str, Scores] = field(default_factory=dict)
    by_type: dict[str, Scores] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)
    skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "overall": self.overall.as_dict(),
            "by_language": {k: v.as_dict() for k, v in sorted(self.by_language.items())},
            "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
            "skipped_without_gold": self.skipped,
            "ranks": self.ranks,
        }


def evaluate_retrieval(
    questions: Iterable[Question],
    search: Callable[[str, int, SearchFilters], Sequence[Hit]],
    k: int = 10,
) -> RetrievalReport:
    """Run every answerable question through `search` and score where its gold came."""
    report = RetrievalReport()
    for question in questions:
        if not question.gold:  # null questions have nothing to retrieve
            report.skipped += 1
            continue
        hits = search(question.retrieval_query(), k, question.filters)
        rank = first_gold_rank(hits, question.gold)
        report.ranks[question.id] = rank
        report.overall.add(rank)
        report.by_language.setdefault(question.lang, Scores()).add(rank)
        report.by_type.setdefault(question.type, Scores()).add(rank)
    return report
