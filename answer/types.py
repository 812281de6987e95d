"""The answer contract, its plain-JSON form (shared by the command line, the web chat and the
API), and the events of a streamed answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from retrieval.serialize import filters_to_dict, hit_to_dict, to_plain
from retrieval.types import Hit, ReleaseRef, SearchFilters


@dataclass(frozen=True)
class Turn:
    """One earlier turn of a conversation."""

    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True, kw_only=True)
class Citation(ReleaseRef):
    """A [n] marker of an answer and the one paragraph it points to."""

    number: int
    paragraph: int
    text: str
    quote: str = ""
    """The sentence (or two) of `text` that holds what the answer cites it for; "" if unknown."""


@dataclass(frozen=True)
class Answer:
    """What the assistant returns; the CLI, the web UI and the API all render this.

    `sources` are the retrieved paragraphs in the order they were numbered for the model ([1] is
    sources[0]); `citations` are the markers the answer kept, each mapped to its paragraph.
    """

    question: str
    standalone_question: str
    language: str
    text: str
    citations: tuple[Citation, ...]
    sources: tuple[Hit, ...]
    refused: bool
    filters: SearchFilters


@dataclass(frozen=True)
class SourcesFound:
    """Streaming event: retrieval is done; these paragraphs will be numbered [1]..[n]."""

    sources: tuple[Hit, ...]
    standalone_question: str
    filters: SearchFilters


@dataclass(frozen=True)
class AnswerToken:
    """Streaming event: the next piece of the answer text."""

    text: str


@dataclass(frozen=True)
class AnswerDone:
    """Streaming event: the final answer; its text replaces what was streamed."""

    answer: Answer


AnswerEvent = SourcesFound | AnswerToken | AnswerDone


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    """A kept [n] marker and its paragraph (0-based index in the release)."""
    return to_plain(citation)


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The answer contract: text, citations, sources, refused, and how it was searched."""
    return {
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "language": answer.language,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [citation_to_dict(c) for c in answer.citations],
        "sources": [hit_to_dict(h) for h in answer.sources],
        "filters": filters_to_dict(answer.filters),
    }


def final_answer(events: Iterable[AnswerEvent]) -> Answer:
    """The answer an event stream ends with."""
    for event in events:
        if isinstance(event, AnswerDone):
            return event.answer
    raise AssertionError("an answer stream always ends with AnswerDone")
