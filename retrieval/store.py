"""The Chroma store of chunks: the only module that talks to chromadb.

One collection per embedder and chunking recipe, so vectors of two models never mix. Every chunk
carries its release's metadata, so the store alone says what releases it holds and whether each
one is complete (`release_hash` on every chunk, `n_chunks` the count it should have). Every write
renews a token in the collection's metadata, so that whatever is derived from the chunks (the
keyword index) can tell, in any process, that they changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from retrieval.chroma_rows import (
    ReleaseState,
    Row,
    RowCache,
    StoredChunk,
    chroma_where,
    cosine,
    hit_from_row,
    open_collection,
    passes,
    summary_from_row,
)
from retrieval.embedders import Vectors
from retrieval.errors import StoreError
from retrieval.settings import Settings
from retrieval.types import Hit, ReleaseSummary, SearchFilters

log = logging.getLogger(__name__)

_PAGE = 1000  # rows per read of a scan: Chroma's memory for one read grows with it (5,000: +0.7 GB)
_STATE = "presschat_state"
_ID_PAGE = 30_000
_GENERATION = "presschat_generation"
_UNTRACKED = "untracked/"  # the generation of a collection without a token: its chunk count
_WIDEN = 4  # a language-filtered search first looks this many times k chunks deep, unfiltered


class ChromaStore:
    """Chunks of releases in one Chroma collection, embedded (on disk) or on a Chroma server."""

    def __init__(self, client: Any, collection_name: str) -> None:
        self._client = client
        self.collection_name = collection_name
        self._rows = RowCache()
        try:
            self._collection = open_collection(client, collection_name)
            self._max_batch = int(client.get_max_batch_size())
        except Exception as exc:  # chromadb raises many unrelated types; report them as one
            raise StoreError(f"cannot open Chroma collection {collection_name!r}: {exc}") from exc

    @classmethod
    def open(cls, settings: Settings, collection_name: str) -> ChromaStore:
        """Open the embedded store in the data directory, or the Chroma server if one is set."""
        return cls(_client(settings), collection_name)

    def sibling(self, collection_name: str) -> ChromaStore:
        """Another collection on the same embedded store or server (created if missing)."""
        return ChromaStore(self._client, collection_name)

    def collection_names(self) -> list[str]:
        """Every collection on the store or server, this one included."""
        found = self._call("read", self._client.list_collections)
        return sorted(c if isinstance(c, str) else c.name for c in found)

    @property
    def state(self) -> str:
        """'reindexing' while `presschat reindex` fills this collection, else 'ready'."""
        return str(self._metadata().get(_STATE, "ready"))

    def set_state(self, state: str) -> None:
        """Record the collection's state where every process sees it (collection metadata)."""
        self._set_metadata({_STATE: state})

    # -- writing ---------------------------------------------------------------------------

    def upsert(self, chunks: Sequence[StoredChunk], vectors: Vectors) -> None:
        """Write chunks with their vectors, in batches under Chroma's cap; same id = replace."""
        if len(chunks) != len(vectors):
            raise ValueError("one vector per chunk")
        if not chunks:
            return
        self._renew_generation()
        for start in range(0, len(chunks), self._max_batch):
            batch = chunks[start : start + self._max_batch]
            self._call(
                "write",
                self._collection.upsert,
                ids=[c.chunk_id for c in batch],
                documents=[c.text for c in batch],
                metadatas=[dict(c.metadata) for c in batch],
                embeddings=np.asarray(vectors[start : start + len(batch)], dtype=np.float32),
            )
        self._renew_generation()

    def delete_chunks(self, chunk_ids: Iterable[str]) -> None:
        """Remove chunks by id."""
        ids = list(chunk_ids)
        if not ids:
            return
        self._renew_generation()
        for start in range(0, len(ids), self._max_batch):
            self._call("delete", self._collection.delete, ids=ids[start : start + self._max_batch])
        self._renew_generation()

    def _renew_generation(self) -> None:
        # Renewed before a write (a writer killed mid-way still leaves it changed) and after it
        # (a reader that looked in between sees it change again).
        self._set_metadata({})

    def _metadata(self) -> Mapping[str, Any]:
        """Read afresh: another process or ChromaStore of the collection may have changed it."""
        fresh = self._call("read", self._client.get_collection, name=self.collection_name)
        return fresh.metadata or {}

    def _set_metadata(self, changes: Mapping[str, str]) -> None:
        """Change the collection's metadata and renew its generation token. `modify` replaces
        all of it: a token read here could be older than one a writer renewed meanwhile, and
        writing a new token with every change never puts the older one back."""
        kept = {k: v for k, v in self._metadata().items() if ":" not in k}
        renewed = {_GENERATION: uuid.uuid4().hex}
        self._call("write", self._collection.modify, metadata=kept | renewed | dict(changes))

    def delete_release(self, release_id: str) -> int:
        """Remove every chunk of a release; return how many there were."""
        ids = self._call(
            "read", self._collection.get, where={"release_id": release_id}, include=[]
        )["ids"]
        self.delete_chunks(ids)
        return len(ids)

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        """Number of stored chunks."""
        return int(self._call("read", self._collection.count))

    def generation(self) -> str:
        """A value that changes whenever the stored chunks change, whichever process or host
        wrote them: the token every write renews (2 ms). A collection that no writer of this
        version has written yet has none: the number of chunks stands in (20 ms on 120k)."""
        token = self._metadata().get(_GENERATION)
        return str(token) if token else f"{_UNTRACKED}{self.count()}"

    def release_states(self) -> dict[str, ReleaseState]:
        """State of every stored release, from one paged scan of chunk metadata."""
        hashes: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        expected: dict[str, int] = {}
        sources: dict[str, str] = {}
        for _, meta, _ in self.scan():
            rid = str(meta["release_id"])
            hashes.setdefault(rid, set()).add(str(meta["release_hash"]))
            counts[rid] = counts.get(rid, 0) + 1
            expected[rid] = int(meta["n_chunks"])
            sources[rid] = str(meta.get("source_path", ""))
        return {
            rid: ReleaseState(frozenset(hashes[rid]), counts[rid], expected[rid], sources[rid])
            for rid in hashes
        }

    def chunks_of(self, release_ids: Sequence[str], *, with_vectors: bool = False) -> list[Row]:
        """(id, metadata, text, vector) of every stored chunk of these releases."""
        rows: list[Row] = []
        for start in range(0, len(release_ids), 100):
            part = list(release_ids[start : start + 100])
            where = {"release_id": part[0]} if len(part) == 1 else {"release_id": {"$in": part}}
            rows.extend(self._get(with_vectors, where=where))
        return rows

    def chunks(
        self, chunk_ids: Sequence[str], filters: SearchFilters | None = None
    ) -> list[tuple[str, Mapping[str, Any], str]]:
        """(id, metadata, text) of those of these chunks that are stored and pass the filters."""
        where = chroma_where(filters or SearchFilters())
        rows = self._get(False, ids=list(chunk_ids), where=where) if chunk_ids else []
        return [(chunk_id, meta, text) for chunk_id, meta, text, _ in rows]

    def ids(self) -> list[str]:
        """Ids of every stored chunk; cheap, as no row is read (0.7 s for 120k chunks)."""
        found: list[str] = []
        while True:  # large pages: each page costs Chroma a walk from the first row
            got = self._call(
                "read", self._collection.get, include=[], limit=_ID_PAGE, offset=len(found)
            )
            found += got["ids"]
            if len(got["ids"]) < _ID_PAGE:
                return found

    def chunks_not_of(
        self, release_hashes: Sequence[str]
    ) -> list[tuple[str, Mapping[str, Any], str]]:
        """(id, metadata, text) of the chunks whose `release_hash` is none of these (chunks
        without one included): what changed since those versions of releases were read."""
        if not release_hashes:
            return [row[:3] for row in self.scan(texts=True)]
        where = {"release_hash": {"$nin": list(release_hashes)}}
        return [(chunk_id, meta, text) for chunk_id, meta, text, _ in self._get(False, where=where)]

    def hits(
        self,
        ranked: Sequence[Sequence[str]],
        vectors: Vectors,
        filters: SearchFilters | None = None,
        generation: str | None = None,
    ) -> list[list[Hit]]:
        """For each row of `vectors`, the hits of its ranked chunk ids, in that order: those
        stored that pass the filters (as Chroma's own filter would: a Chroma clause scans every
        row it matches), scored by cosine similarity to that row. One read for all rows, of
        those not held from an earlier read at `generation` (seen before this call), if given."""
        wanted = sorted({chunk_id for ids in ranked for chunk_id in ids})
        # A collection no writer of this version has written has no generation token: its
        # stand-in (the chunk count) misses rewrites, so its rows are not held.
        holding = None if generation is None or generation.startswith(_UNTRACKED) else generation
        held, missing = self._rows.get(holding, wanted) if holding else ({}, wanted)
        read = self._get(True, ids=missing) if missing else []
        if holding:
            self._rows.keep(holding, read)
        rows = {row[0]: row for row in [*held.values(), *read] if passes(row[1], filters)}
        results = []
        for ids, query in zip(ranked, np.asarray(vectors, dtype=np.float32), strict=True):
            hits = []
            for chunk_id in (i for i in ids if i in rows):  # gone since it was ranked: left out
                _, meta, text, vector = rows[chunk_id]
                hits.append(hit_from_row(chunk_id, meta, text, cosine(query, vector)))
            results.append(hits)
        return results

    def _get(self, with_vectors: bool, **query: Any) -> list[Row]:
        include = ["metadatas", "documents"] + (["embeddings"] if with_vectors else [])
        got = self._call("read", self._collection.get, include=include, **query)
        vectors = got.get("embeddings") if with_vectors else None
        return [
            (
                chunk_id,
                got["metadatas"][i],
                got["documents"][i],
                None if vectors is None else np.asarray(vectors[i], dtype=np.float32),
            )
            for i, chunk_id in enumerate(got["ids"])
        ]

    def releases(self) -> list[ReleaseSummary]:
        """Every stored release, newest first."""
        summaries: dict[str, ReleaseSummary] = {}
        counts: dict[str, int] = {}
        for _, meta, _ in self.scan():
            rid = str(meta["release_id"])
            counts[rid] = counts.get(rid, 0) + 1
            if int(meta["seq"]) == 0:
                summaries[rid] = summary_from_row(meta, 0)
        result = [dataclasses.replace(s, chunks=counts[rid]) for rid, s in summaries.items()]
        return sorted(result, key=lambda s: (s.date or dt.date.min, s.release_id), reverse=True)

    def release(self, release_id: str) -> tuple[ReleaseSummary, list[tuple[int, str]]] | None:
        """A stored release and its chunks as (paragraph index, text), in order; None if absent."""
        rows = self.chunks_of([release_id])
        if not rows:
            return None
        rows.sort(key=lambda row: int(row[1]["seq"]))
        summary = summary_from_row(rows[0][1], len(rows))
        return summary, [(int(meta["paragraph"]), text) for _, meta, text, _ in rows]

    def query(self, vector: Vectors, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        """The k chunks nearest to the vector that pass the filters, best first."""
        return self.query_many(np.asarray([vector]), k, filters)[0]

    def query_many(
        self, vectors: Vectors, k: int, filters: SearchFilters | None = None
    ) -> list[list[Hit]]:
        """`query` for each row of `vectors`: three store calls at most."""
        ranked = self.nearest(vectors, k, filters)
        return self.hits([[chunk_id for chunk_id, _ in row] for row in ranked], vectors, filters)

    def nearest(
        self,
        vectors: Vectors,
        k: int,
        filters: SearchFilters | None = None,
        among: Sequence[str] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """Ids and cosine scores of the k chunks nearest each row of `vectors` that pass the
        filters, best first, in one store call (two at most). No row is read: Chroma takes ten
        times longer to rank with the rows (50 queries of 30 chunks: 69 ms, 7 without them), so
        callers read only the rows they show (`hits`).

        `among`: the ids of the chunks that pass the filters, where the caller knows them (the
        keyword index does): Chroma ranks those without evaluating a clause over its rows
        (BENCHMARKS.md, "Date filters by chunk id"). If one is gone, Chroma refuses the list,
        and the filters are applied as below.

        Chroma evaluates a `lang` clause by scanning every row it matches: on a store where one
        language holds most chunks, the filtered query costs ~0.5 s at 120k chunks. So the
        language is applied here to `_WIDEN` times k nearest chunks found without it; only rows
        for which that leaves fewer than k (a rare language: a cheap clause) run filtered.
        """
        filters = filters or SearchFilters()
        if among is not None:
            if not among:
                return [[] for _ in vectors]
            try:
                return self._nearest(vectors, k, None, among=among)
            except StoreError as exc:
                log.info(
                    "search among %d chunk ids failed (%s); filtering in Chroma", len(among), exc
                )
        if not filters.language:
            return self._nearest(vectors, k, chroma_where(filters))
        unfiltered = chroma_where(dataclasses.replace(filters, language=None))
        wide = self._nearest(vectors, k * _WIDEN, unfiltered, filters.language)
        results = [row[:k] for row in wide]
        short = [i for i, row in enumerate(results) if len(row) < k]
        if short:
            rows = np.asarray(vectors)[short]
            for i, row in zip(short, self._nearest(rows, k, chroma_where(filters)), strict=True):
                results[i] = row
        return results

    def _nearest(
        self,
        vectors: Vectors,
        k: int,
        where: dict[str, Any] | None,
        language: str | None = None,
        among: Sequence[str] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """Chroma's ranking; `language`: keep only that language's chunks (reads metadata);
        `among`: rank only these chunks."""
        got = self._call(
            "search",
            self._collection.query,
            query_embeddings=np.asarray(vectors, dtype=np.float32),
            n_results=k,
            where=where,
            ids=None if among is None else list(among),
            include=["distances", "metadatas"] if language else ["distances"],
        )
        metadatas = got["metadatas"] if language else [[{}] * len(ids) for ids in got["ids"]]
        return [
            [
                (chunk_id, 1.0 - float(distance))
                for chunk_id, distance, meta in zip(ids, distances, metas, strict=True)
                if not language or meta.get("lang") == language
            ]
            for ids, distances, metas in zip(got["ids"], got["distances"], metadatas, strict=True)
        ]

    def scan(self, *, texts: bool = False) -> Iterator[tuple[str, Mapping[str, Any], str]]:
        """(id, metadata, text) of every stored chunk, read in pages; text "" unless asked for
        (reading it too costs about nothing more: Chroma reads each row whole)."""
        include = ["metadatas", "documents"] if texts else ["metadatas"]
        offset = 0
        while True:
            got = self._call(
                "read", self._collection.get, include=include, limit=_PAGE, offset=offset
            )
            documents = got["documents"] if texts else [""] * len(got["ids"])
            yield from zip(got["ids"], got["metadatas"], documents, strict=True)
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    def _call(self, action: str, method: Any, **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except Exception as exc:
            raise StoreError(
                f"Chroma {action} failed on collection {self.collection_name!r}: {exc}"
            ) from exc


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    host, port, path = settings.chroma_host, settings.chroma_port, settings.chroma_path
    try:
        if host:
            return chromadb.HttpClient(
                host=host, port=port, ssl=settings.chroma_ssl, settings=chroma_settings
            )
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        where = f"Chroma server at {host}:{port}" if host else f"embedded Chroma store in {path}"
        raise StoreError(f"cannot open the {where}: {exc}") from exc
