"""Plain data passed between ingest, the store, retrieval and answering.

Three shapes repeat across the others and are defined once: `ReleaseRef` names a release
wherever one is shown (a hit, a stored release, a citation), `Position` says where in a
release a piece of text sits, and `SearchFilters` restricts a search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

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


@dataclass(frozen=True, kw_only=True)
class ReleaseRef:
    """What names a release to a reader: id, title, date, link, site and language."""

    release_id: str
    title: str
    date: dt.date | None
    url: str
    site: str = ""
    language: str = ""

    def release_fields(self) -> dict[str, Any]:
        """Just the fields above, to name the same release in another shape (a citation)."""
        return {f.name: getattr(self, f.name) for f in fields(ReleaseRef)}


@dataclass(frozen=True, kw_only=True)
class Position:
    """Where a stored chunk sits in its release. `paragraph` is the index a citation names;
    a chunk of merged tiny paragraphs spans `paragraph_first`..`paragraph_last`, and a long
    paragraph cut in pieces gives chunks with the same paragraph and `piece` 0, 1, ..."""

    paragraph: int
    paragraph_first: int
    paragraph_last: int
    piece: int

    def covers(self, paragraph: int) -> bool:
        """Whether this chunk holds (part of) the release paragraph with that index."""
        return self.paragraph_first <= paragraph <= self.paragraph_last


@dataclass(frozen=True, kw_only=True)
class Chunk(Position):
    """The unit that is embedded and stored: one paragraph, a merged run of tiny ones, or a piece
    of a long one."""

    release_id: str
    seq: int
    text: str
    embed_text: str
    content_hash: str


@dataclass(frozen=True, kw_only=True)
class Hit(ReleaseRef, Position):
    """A retrieved chunk with the release it belongs to."""

    chunk_id: str
    text: str
    score: float


@dataclass(frozen=True, kw_only=True)
class ReleaseSummary(ReleaseRef):
    """What the store knows about one release, derived from its stored chunks."""

    source_path: str
    chunks: int
    paragraphs: int


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside the store query."""

    since: dt.date | None = None
    until: dt.date | None = None
    language: str | None = None
