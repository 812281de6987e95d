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
