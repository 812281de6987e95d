"""Scores kept overall, per language and per question type at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from evaluation.questions import Question


class Scores(Protocol):
    """A group's scores: counted question by question, reported as plain data."""

    def as_dict(self) -> Mapping[str, Any]:
        """Rates and counts, JSON-ready."""
        ...


S = TypeVar("S", bound=Scores)


@dataclass
class Groups(Generic[S]):
    """One `S` overall, one per language and one per question type."""

    new: Callable[[], S]
    overall: S = field(init=False)
    by_language: dict[str, S] = field(default_factory=dict)
    by_type: dict[str, S] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.overall = self.new()

    def of(self, question: Question) -> Iterator[S]:
        """The three groups the question counts in."""
        yield self.overall
        yield self.by_language.setdefault(question.lang, self.new())
        yield self.by_type.setdefault(question.type, self.new())

    def as_dict(self) -> dict[str, Any]:
        """{overall, by_language, by_type} as plain data, groups sorted by name."""
        return {
            "overall": self.overall.as_dict(),
            "by_language": {k: v.as_dict() for k, v in sorted(self.by_language.items())},
            "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
        }


def table_rows(report: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(row name, scores) for a printed table of a report's `as_dict()`: overall, lang=...,
    type=..."""
    rows = [("overall", report["overall"])]
    rows += [(f"lang={k}", v) for k, v in report["by_language"].items()]
    rows += [(f"type={k}", v) for k, v in report["by_type"].items()]
    return rows
