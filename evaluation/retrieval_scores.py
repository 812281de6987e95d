"""Retrieval scores: where the first gold paragraph of each question comes in the results
(Hits@1/4/10, MRR@10), overall, per language and per question type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from answer.sources import find_sources
from evaluation.groups import Groups
from evaluation.questions import Question
from retrieval.index import Index
from retrieval.types import Hit

CUTOFFS = (1, 4, 10)


def first_gold_rank(hits: Sequence[Hit], gold: Iterable[tuple[str, int]]) -> int | None:
    """1-based rank of the first hit that holds a gold paragraph, or None."""
    gold = list(gold)
    for rank, hit in enumerate(hits, start=1):
        if any(hit.release_id == rid and hit.covers(par) for rid, par in gold):
            return rank
    return None


@dataclass
class RankScores:
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

    groups: Groups[RankScores] = field(default_factory=lambda: Groups(RankScores))
    ranks: dict[str, int | None] = field(default_factory=dict)
    skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return self.groups.as_dict() | {
            "skipped_without_gold": self.skipped,
            "ranks": self.ranks,
        }


Find = Callable[[Question, int], Sequence[Hit]]
"""The k paragraphs found for a question."""


def as_ask_finds(index: Index, today: dt.date | None = None) -> Find:
    """Sources found as `ask` finds them (`answer.assistant.find_sources`): a follow-up with the
    asker's previous question, within the question's date words unless they leave nothing."""
    day = today or dt.date.today()

    def find(question: Question, k: int) -> Sequence[Hit]:
        hits = find_sources(
            index, question.question, question.turns(), k, question.filters, day
        ).hits
        return hits

    return find


def evaluate_retrieval(questions: Iterable[Question], find: Find, k: int = 10) -> RetrievalReport:
    """Find every answerable question's paragraphs and score where its gold came."""
    report = RetrievalReport()
    for question in questions:
        if not question.gold:  # null questions have nothing to retrieve
            report.skipped += 1
            continue
        rank = first_gold_rank(find(question, k), question.gold)
        report.ranks[question.id] = rank
        for scores in report.groups.of(question):
            scores.add(rank)
    return report
