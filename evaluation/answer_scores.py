"""Answer scores: correctness against the gold answer, citation precision and recall against
the gold paragraphs, refusals on null and on answerable questions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from answer.grounding import MARKERS, number_word_value
from answer.parts import without_part_notes
from answer.types import Answer
from evaluation.groups import Groups
from evaluation.questions import Question
from retrieval.dates import MONTH_FORMS
from retrieval.words import STOP_WORDS, sounds_like

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# "445 000" and "1,3" (as Kazakh and Russian write $445,000 and 1.3 million) are those figures.
_SPACED_THOUSANDS = re.compile(r"\b\d{1,3}(?:[ \u00a0\u202f]\d{3})+\b")
_DECIMAL_COMMA = re.compile(r"\b(\d+),(\d{1,2})\b")
# "Jan. 6, 2015" (as DOJ releases and the dev sets' answers write dates) and "January 6, 2015"
# (as the model writes them) are one date.
_ENGLISH_MONTH = {f: forms[0] for forms in MONTH_FORMS.values() for f in forms if f.isascii()}
_MONTH_WORD = re.compile(r"\b(" + "|".join(_ENGLISH_MONTH) + r")\b\.?")
# "20 percent" (as the dev sets' answers write it) and "20%" (as the model often does) are one.
_PERCENT = re.compile(r"\s*\b(?:percent|per cent)\b")
# "At least 147 pounds" is answered by "147 pounds" ("approximately", "more than" are function
# words already).
_HEDGES = frozenset({"least"})
# "forty-three" (as the dev sets' answers write some figures) and "43" are one figure.
_NUMBER_WORD = re.compile(r"\b[a-z]+(?:-[a-z]+)?\b")
# "15 years" is answered by "a 15-year sentence": a plural "s" is dropped (not that of "-ss"
# or of a function word: "this", "does").
_PLURAL = re.compile(r"\b([a-z]{2,}[a-rt-z])s\b")


def normalize_answer(text: str) -> str:
    """Lower case, digits without thousands separators (commas, spaces) and with a decimal point,
    "percent" as "%", months spelled out, number words as digits, plurals as singulars,
    punctuation as spaces."""
    text = _SPACED_THOUSANDS.sub(lambda m: re.sub(r"\D", "", m[0]), text.lower())
    text = _NUMBER.sub(lambda m: m[0].replace(",", ""), _DECIMAL_COMMA.sub(r"\1.\2", text))
    text = _PERCENT.sub("%", text)
    text = _MONTH_WORD.sub(lambda m: _ENGLISH_MONTH[m[1]], text)
    text = _NUMBER_WORD.sub(lambda m: number_word_value(m[0]) or m[0], text)
    text = _PLURAL.sub(lambda m: m[0] if m[0] in STOP_WORDS["en"] else m[1], text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # keep decimal points only
    text = re.sub(r"[^\w.$%]+", " ", text)
    return " ".join(text.split())


def contains_answer(gold: str, reply: str) -> bool:
    """Whether the reply holds the gold answer as whole words, both normalized: "no" is not in
    "not", "15" not in "115"."""
    return _holds_words(normalize_answer(gold), normalize_answer(reply))


def _holds_words(gold_norm: str, reply_norm: str) -> bool:
    return bool(gold_norm) and f" {gold_norm} " in f" {reply_norm} "


def answer_matches(gold: str, reply: str, *, reply_language: str = "en") -> bool:
    """Whether the gold answer is found in the reply.

    Found when the reply holds the gold text as whole words (`contains_answer`); else when every
    number of the gold answer appears in the reply and at least 60% of its content words do
    (numbers alone suffice for a reply in another language than the English gold answer, and
    there a word counts where the reply writes it in its own script: `words.sounds_like`).
    """
    reply = MARKERS.sub(" ", reply)  # "[1]", "[1, 2]" state no figure
    gold_norm, reply_norm = normalize_answer(gold), normalize_answer(reply)
    if _holds_words(gold_norm, reply_norm):
        return True
    gold_tokens = gold_norm.replace("$", " ").replace("%", " ").split()
    reply_tokens = set(reply_norm.replace("$", " ").replace("%", " ").split())
    numbers = {t for t in gold_tokens if _NUMBER.fullmatch(t)}
    words = {
        t
        for t in gold_tokens
        if t not in numbers and t not in STOP_WORDS["en"] and t not in _HEDGES and len(t) > 1
    }
    if not numbers <= reply_tokens:
        return False
    if numbers and reply_language != "en":
        return True
    if not words:
        return bool(numbers)
    found = words & reply_tokens
    if reply_language != "en":  # a name written in the reply's script: "Индиананың", Indiana
        other = [t for t in reply_tokens if not t.isascii()]
        found |= {w for w in words - found if len(w) > 3 and any(sounds_like(t, w) for t in other)}
    return len(found) / len(words) >= 0.6


def is_correct(question: Question, answer: Answer) -> bool:
    """An answerable question, answered (not refused), with its gold answer in the reply (not
    in a line saying a part went unanswered)."""
    reply = without_part_notes(answer.text)
    return (
        bool(question.gold)
        and not answer.refused
        and answer_matches(question.answer, reply, reply_language=answer.language)
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

    groups: Groups[AnswerScores] = field(default_factory=lambda: Groups(AnswerScores))
    replies: list[dict[str, Any]] = field(default_factory=list)

    def add(self, question: Question, answer: Answer) -> None:
        """Score one answer in every group it belongs to."""
        for scores in self.groups.of(question):
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
        return self.groups.as_dict() | {"replies": self.replies}


def evaluate_answers(
    questions: Iterable[Question], ask: Callable[[Question], Answer]
) -> AnswerReport:
    """Ask every question (null ones included) and score the answers."""
    report = AnswerReport()
    for question in questions:
        report.add(question, ask(question))
    return report
