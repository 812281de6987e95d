"""How presschat's types sit in Chroma: chunks written as rows with flat metadata, rows read
back as hits and release summaries (and held between searches, `RowCache`), and search filters
as `where` clauses, written for Chroma's speed on large stores."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.dates import date_key
from retrieval.embedders import Vectors
from retrieval.types import Chunk, Hit, MetaValue, Release, ReleaseSummary, SearchFilters


@dataclass(frozen=True)
class StoredChunk:
    """A chunk ready to be written: id, text, metadata and vector."""

    chunk_id: str
    text: str
    metadata: Mapping[str, MetaValue]


@dataclass(frozen=True)
class ReleaseState:
    """What is stored for one release: enough to tell unchanged, partial and stale apart."""

    release_hashes: frozenset[str]
    chunks: int
    expected_chunks: int
    source_path: str

    def is_complete(self, release_hash: str) -> bool:
        """All chunks present and all of this version of the release."""
        return self.release_hashes == {release_hash} and self.chunks == self.expected_chunks


def chunk_id(release_id: str, seq: int) -> str:
    """Deterministic id of a release's seq-th chunk, so rewriting a release overwrites in place."""
    return f"{hashlib.sha256(release_id.encode()).hexdigest()[:20]}-{seq:05d}"


def chunk_record(release: Release, chunk: Chunk, release_hash: str, n_chunks: int) -> StoredChunk:
    """The stored form of a chunk: its text and the flat metadata Chroma can filter on."""
    metadata: dict[str, MetaValue] = {f"x_{key}": value for key, value in release.extra.items()}
    metadata.update(
        release_id=release.release_id,
        title=release.title,
        date=release.date.isoformat() if release.date else "",
        date_int=date_key(release.date),
        url=release.url,
        site=release.site,
        lang=release.language,
        source_path=release.source_path,
        n_paragraphs=len(release.paragraphs),
        seq=chunk.seq,
        n_chunks=n_chunks,
        paragraph=chunk.paragraph,
        paragraph_first=chunk.paragraph_first,
        paragraph_last=chunk.paragraph_last,
        piece=chunk.piece,
        content_hash=chunk.content_hash,
        release_hash=release_hash,
    )
    return StoredChunk(chunk_id(release.release_id, chunk.seq), chunk.text, metadata)


# Chroma evaluates each clause of a filter on its own and intersects the results, so a clause
# costs in proportion to the rows it matches: "date_int >= since" and "date_int <= until" each
# match most of a large store (a one-year filter took ~210 ms on 120k chunks). Listing the days
# of a short range in one $in clause matches only the rows in the range (~68 ms).
_MAX_LISTED_DAYS = 1000


def _date_clauses(since: dt.date | None, until: dt.date | None) -> list[dict[str, Any]]:
    if since and until:
        if until < since:
            return [{"date_int": {"$in": [-1]}}]  # an empty range matches nothing
        span = (until - since).days + 1
        if span <= _MAX_LISTED_DAYS:
            days = (since + dt.timedelta(days=n) for n in range(span))
            return [{"date_int": {"$in": [date_key(day) for day in days]}}]
    clauses: list[dict[str, Any]] = []
    if since:  # undated releases have date_int 0, below any since
        clauses.append({"date_int": {"$gte": date_key(since)}})
    if until:
        clauses.append({"date_int": {"$lte": date_key(until)}})
        if not since:  # undated releases (date_int 0) match no date range
            clauses.append({"date_int": {"$gt": 0}})
    return clauses


def chroma_where(filters: SearchFilters) -> dict[str, Any] | None:
    """The where clause of the filters; None when they restrict nothing."""
    clauses = _date_clauses(filters.since, filters.until)
    if filters.language:
        clauses.append({"lang": filters.language})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def passes(meta: Mapping[str, Any], filters: SearchFilters | None) -> bool:
    """Whether a stored chunk's metadata passes the filters, as `chroma_where` would decide.
    For rows fetched by id: Chroma would scan every row a clause matches (all the English rows
    of a DOJ store for `lang`) only to keep the few ids asked for."""
    if filters is None:
        return True
    if filters.language and meta.get("lang") != filters.language:
        return False
    day = int(meta.get("date_int", 0) or 0)
    if (filters.since or filters.until) and day <= 0:
        return False
    if filters.since and day < date_key(filters.since):
        return False
    return not (filters.until and day > date_key(filters.until))


def _date(meta: Mapping[str, Any]) -> dt.date | None:
    value = meta.get("date") or ""
    return dt.date.fromisoformat(value) if value else None


def _release_fields(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The ReleaseRef fields of a stored chunk's metadata."""
    return {
        "release_id": str(meta["release_id"]),
        "title": str(meta.get("title", "")),
        "date": _date(meta),
        "url": str(meta.get("url", "")),
        "site": str(meta.get("site", "")),
        "language": str(meta.get("lang", "")),
    }


def summary_from_row(meta: Mapping[str, Any], chunks: int) -> ReleaseSummary:
    return ReleaseSummary(
        **_release_fields(meta),
        source_path=str(meta.get("source_path", "")),
        chunks=chunks,
        paragraphs=int(meta.get("n_paragraphs", 0)),
    )


def hit_from_row(chunk_id: str, meta: Mapping[str, Any], text: str, score: float) -> Hit:
    return Hit(
        **_release_fields(meta),
        chunk_id=chunk_id,
        paragraph=int(meta["paragraph"]),
        paragraph_first=int(meta["paragraph_first"]),
        paragraph_last=int(meta["paragraph_last"]),
        piece=int(meta["piece"]),
        text=text,
        score=score,
    )


Row = tuple[str, Mapping[str, Any], str, Vectors | None]  # id, metadata, text, vector


class RowCache:
    """Rows read by id, held while the store's generation stays the one they were read at.

    Chroma reads rows by id at ~70 us each (the ~265 rows 50 simultaneous searches show: 20-30
    ms, about half of their time in the store); the paragraphs of the releases people ask about
    come back again and again. A row is only held under a generation seen before it was read,
    and every write renews the generation before and after it, so a search never gets a row
    older than the store was when the search read its generation. The oldest rows go first
    beyond `limit`. Held vectors are read-only: every search that shows the row shares them.
    """

    def __init__(self, limit: int = 5_000) -> None:
        self._limit = limit
        self._generation: str | None = None
        self._rows: dict[str, Row] = {}
        self._lock = threading.Lock()

    def get(self, generation: str, ids: Sequence[str]) -> tuple[dict[str, Row], list[str]]:
        """The rows held for these ids at this generation, and the ids to read."""
        with self._lock:
            if generation != self._generation:
                self._generation, self._rows = generation, {}
            found = {i: self._rows[i] for i in ids if i in self._rows}
        return found, [i for i in ids if i not in found]

    def keep(self, generation: str, rows: Iterable[Row]) -> None:
        """Hold rows read after `generation` was seen (none if it has changed since)."""
        with self._lock:
            if generation != self._generation:
                return
            for row in rows:
                if row[3] is not None:
                    row[3].setflags(write=False)
                self._rows[row[0]] = row
            while len(self._rows) > self._limit:
                del self._rows[next(iter(self._rows))]


# How many candidates HNSW keeps while it searches. At Chroma's default, 100, the DOJ 2,000-release
# store (17,479 paragraphs) returned the true nearest paragraph first for 98.2 % of 224 DOJ
# questions (recall@10 0.960); at 500, recall@30 (the fusion's depth) was 0.989 on 282 dev
# questions, and the chunks it missed differed between processes (those Chroma adds to the
# graph on opening), so a question's sources could change from one run to the next; at 4000,
# 1.0, the same in every process, for 3-6 ms more a search (BENCHMARKS.md, "HNSW's search
# width", and "... again").
EF_SEARCH = 4000


_LOCKED_ATTEMPTS = 4
_LOCKED_PAUSE_S = 0.25


def open_collection(client: Any, name: str) -> Any:
    """The collection, created if missing (cosine space, `EF_SEARCH`); one made before presschat
    set `EF_SEARCH` is widened to it."""
    collection = client.get_or_create_collection(
        name,
        embedding_function=None,  # vectors are always passed in; never Chroma's default
        configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
    )
    hnsw = (collection.configuration or {}).get("hnsw") or {}
    if int(hnsw.get("ef_search") or 0) < EF_SEARCH:
        for attempt in range(_LOCKED_ATTEMPTS):
            try:
                collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
                break
            except Exception as exc:  # chromadb's error types vary by version and backend
                # Embedded Chroma's SQLite refused this write at once ("database is locked") once
                # in CI, in a process holding two clients of one store (the cause inside Chroma
                # was not found); the write passed when the test ran again.
                if "database is locked" not in str(exc) or attempt == _LOCKED_ATTEMPTS - 1:
                    raise
                time.sleep(_LOCKED_PAUSE_S * (attempt + 1))
    return collection


def cosine(query: Vectors, vector: Vectors | None) -> float:
    """Cosine similarity of a query and a stored chunk's vector (read with the row)."""
    assert vector is not None
    return float(np.dot(query, vector) / (np.linalg.norm(query) * np.linalg.norm(vector) or 1.0))
