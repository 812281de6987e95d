"""Evaluation question sets with gold paragraphs (the shared eval format: JSON Lines of
{id, question, lang, type, gold: [{release_id, paragraph}], answer, history?, filters?})."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from answer.types import Turn
from retrieval.errors import ReadError, RequestError
from retrieval.filters import read_filters
from retrieval.index import Index
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


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question file; a malformed line raises ReadError with its number, a
    file without questions ReadError too."""
    questions = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                questions.append(_question(json.loads(line)))
            except KeyError as exc:
                raise ReadError(f"{path}:{number}", f"missing field {exc}") from None
            except (ValueError, TypeError, RequestError) as exc:
                raise ReadError(f"{path}:{number}", f"bad question: {exc}") from None
    if not questions:
        raise ReadError(str(path), "no questions in the file (one JSON object per line)")
    return questions


FILE_PREFIX = "seed:"
"""A gold release named by the file it is read from (`seed:<file name>`): for a release whose
stored id is a hash of the path it was ingested from, as a text export's is."""


def with_stored_ids(
    questions: Sequence[Question], sources: Callable[[], Mapping[str, str]]
) -> list[Question]:
    """The questions with each gold release named by its file given the id of the stored
    release read from a file of that name; `sources` gives each stored release's source path
    by id (read only when some gold names a file). A file no release was read from stays as
    named, so its questions score as misses."""
    if not any(rid.startswith(FILE_PREFIX) for q in questions for rid, _ in q.gold):
        return list(questions)
    by_name = {Path(path).name: rid for rid, path in sources().items() if path}

    def stored(rid: str) -> str:
        return (
            by_name.get(rid.removeprefix(FILE_PREFIX), rid) if rid.startswith(FILE_PREFIX) else rid
        )

    return [
        dataclasses.replace(q, gold=tuple((stored(r), p) for r, p in q.gold)) for q in questions
    ]


def load_stored_questions(path: Path, index: Index) -> list[Question]:
    """`load_questions`, with gold releases named by file given their ids in the index's store."""
    return with_stored_ids(
        load_questions(path),
        lambda: {rid: s.source_path for rid, s in index.store.release_states().items()},
    )


def _question(raw: dict[str, Any]) -> Question:
    filters = raw.get("filters") or {}
    return Question(
        id=str(raw["id"]),
        question=str(raw["question"]),
        lang=str(raw.get("lang", "")),
        type=str(raw.get("type", "")),
        gold=tuple(
            (str(g["release_id"]), _paragraph(g["paragraph"])) for g in raw.get("gold") or []
        ),
        answer=str(raw.get("answer", "")),
        history=tuple((str(t["role"]), str(t["content"])) for t in raw.get("history") or []),
        filters=read_filters(filters.get("since"), filters.get("until"), filters.get("lang")),
    )


def _paragraph(value: Any) -> int:
    """A gold paragraph's index, which must be a whole number (0 is a release's first)."""
    try:
        return int(value)
    except (ValueError, TypeError):
        raise ValueError(f"gold paragraph {value!r} is not a whole number") from None
