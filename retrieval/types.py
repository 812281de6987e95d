"""Plain data passed between ingest, the store and retrieval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MetaValue = str | int | float | bool


@dataclass(frozen=True)
class Release:
    """One press release as read from a file, before chunking."""

    release_id: str
    title: str
    date: dt.date | None
    url: str
    site: str
    language: str
    paragraphs: tuple[str, ...]
    source_path: str
    extra: dict[str, MetaValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """The unit that is embedded and stored: one paragraph, a merged run of tiny ones, or a piece
    of a long one. `paragraph` is the index in the release that a citation names."""

    release_id: str
    seq: int
    paragraph: int
    paragraph_first: int
    paragraph_last: int
    piece: int
    text: str
    embed_text: str
    content_hash: str

    def covers(self, paragraph: int) -> bool:
        """Whether this chunk holds (part of) the release paragraph with that index."""
        return self.paragraph_first <= paragraph <= self.paragraph_last


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside the store query."""

    since: dt.date | None = None
    until: dt.date | None = None
    language: str | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph with the release it belongs to."""

    chunk_id: str
    release_id: str
    title: str
    date: dt.date | None
    url: str
    site: str
    language: str
    paragraph: int
    paragraph_first: int
    paragraph_last: int
    piece: int
    text: str
    score: float

    def covers(self, paragraph: int) -> bool:
        """Whether this hit holds (part of) the release paragraph with that index."""
        return self.paragraph_first <= paragraph <= self.paragraph_last


@dataclass(frozen=True)
class ReleaseSummary:
    """What the store knows about one release, derived from its stored chunks."""

    release_id: str
    title: str
    date: dt.date | None
    url: str
    site: str
    language: str
    source_path: str
    chunks: int
    paragraphs: int


@dataclass(frozen=True)
class Turn:
    """One earlier turn of a conversation."""

    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class Citation:
    """A [n] marker of an answer and the one paragraph it points to."""

    number: int
    release_id: str
    title: str
    date: dt.date | None
    url: str
    paragraph: int
    text: str


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
