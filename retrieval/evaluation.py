"""Retrieval evaluation over question sets with gold paragraphs (the shared eval format)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.dates import parse_date
from retrieval.errors import ReadError
from retrieval.types import Answer, Hit, SearchFilters, Turn

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

    def turns(self) -> list[Turn]:
        """The conversation before the question."""
        return [Turn(role, content) for role, content in self.history]

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


# -- answers -----------------------------------------------------------------------------------

_STOPWORDS = frozenset(
    "a an the of and or in on to for by with at from over more than about approximately "  # noqa: SIM905
    "nearly almost roughly some its his her their was were is are be".split()
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalize_answer(text: str) -> str:
    """Lower case, digits without thousands separators, punctuation as spaces."""
    text = _NUMBER.sub(lambda m: m[0].replace(",", ""), text.lower())
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # keep decimal points only
    text = re.sub(r"[^\w.$%]+", " ", text)
    return " ".join(text.split())


def answer_matches(gold: str, reply: str, *, reply_language: str = "en") -> bool:
    """Whether the gold answer is found in the reply.

    Found when the normalized gold text is contained in the normalized reply; else when every
    number of the gold answer appears in the reply and at least 60% of its content words do
    (numbers alone suffice for a reply in another language than the English gold answer).
    """
    gold_norm, reply_norm = normalize_answer(gold), normalize_answer(reply)
    if gold_norm and gold_norm in reply_norm:
        return True
    gold_tokens = gold_norm.replace("$", " ").replace("%", " ").split()
    reply_tokens = set(reply_norm.replace("$", " ").replace("%", " ").split())
    numbers = {t for t in gold_tokens if _NUMBER.fullmatch(t)}
    words = {t for t in gold_tokens if t not in numbers and t not in _STOPWORDS and len(t) > 1}
    if not numbers <= reply_tokens:
        return False
    if numbers and reply_language != "en":
        return True
    if not words:
        return bool(numbers)
    return len(words & reply_tokens) / len(words) >= 0.6


def is_correct(question: Question, answer: Answer) -> bool:
    """An answerable question, answered (not refused), with its gold answer in the reply."""
    return (
        bool(question.gold)
        and not answer.refused
        and answer_matches(question.answer, answer.text, reply_language=answer.language)
    )


@dataclass
class AnswerScores:
    """Answer quality of a group of questions."""

    answerable: int = 0
    correct: int = 0
    false_refusals: int = 0
    null: int = 0
    null_refused: int = 0
    citations: int = 0
    citations_on_gold: int = 0
    gold_paragraphs: int = 0
    gold_cited: int = 0

    def add(self, question: Question, answer: Answer) -> None:
        """Score one answer against its question's gold."""
        if not question.gold:
            self.null += 1
            self.null_refused += answer.refused
            return
        self.answerable += 1
        self.false_refusals += answer.refused
        self.correct += is_correct(question, answer)
        cited_hits = [answer.sources[c.number - 1] for c in answer.citations]
        self.citations += len(cited_hits)
        self.citations_on_gold += sum(
            any(h.release_id == rid and h.covers(p) for rid, p in question.gold) for h in cited_hits
        )
        self.gold_paragraphs += len(question.gold)
        self.gold_cited += sum(
            any(h.release_id == rid and h.covers(p) for h in cited_hits) for rid, p in question.gold
        )

    def as_dict(self) -> dict[str, float | int | None]:
        """Rates rounded to 3 places; None where a rate has no denominator."""

        def rate(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            "answerable": self.answerable,
            "null": self.null,
            "correct": rate(self.correct, self.answerable),
            "citation_precision": rate(self.citations_on_gold, self.citations),
            "citation_recall": rate(self.gold_cited, self.gold_paragraphs),
            "refusal_on_null": rate(self.null_refused, self.null),
            "false_refusal": rate(self.false_refusals, self.answerable),
        }


@dataclass
class AnswerReport:
    """Answer scores overall, per language and per type, and each question's reply."""

    overall: AnswerScores = field(default_factory=AnswerScores)
    by_language: dict[str, AnswerScores] = field(default_factory=dict)
    by_type: dict[str, AnswerScores] = field(default_factory=dict)
    replies: list[dict[str, Any]] = field(default_factory=list)

    def add(self, question: Question, answer: Answer) -> None:
        """Score one answer in every group it belongs to."""
        for scores in (
            self.overall,
            self.by_language.setdefault(question.lang, AnswerScores()),
            self.by_type.setdefault(question.type, AnswerScores()),
        ):
            scores.add(question, answer)
        self.replies.append(
            {
                "id": question.id,
                "answer": answer.text,
                "refused": answer.refused,
                "citations": [c.number for c in answer.citations],
                "correct": is_correct(question, answer),
            }
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "overall": self.overall.as_dict(),
            "by_language": {k: v.as_dict() for k, v in sorted(self.by_language.items())},
            "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
            "replies": self.replies,
        }


def evaluate_answers(
    questions: Iterable[Question], ask: Callable[[Question], Answer]
) -> AnswerReport:
    """Ask every question (null ones included) and score the answers."""
    report = AnswerReport()
    for question in questions:
        report.add(question, ask(question))
    return report
