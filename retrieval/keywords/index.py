"""BM25 search over the store's chunks, kept exactly in line with the store.

The keyword index is derived from the Chroma collection and never written to directly: before
each search it compares the store's generation (a token every write renews; see
`ChromaStore.generation`) with the one it reflects. When they differ, whoever wrote (this
process's ingest, another process, another host on the same Chroma server), it reads the ids of
all stored chunks and the chunks of release versions it does not hold whole, analyses those,
drops the chunks gone, and rebuilds the BM25 statistics: a change costs what it touches, plus
0.4 s for 17k chunks or 3.7 s for 120k (BENCHMARKS.md). The result is saved beside the store,
so that the next process loads it instead of analysing every chunk again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.dates import date_key
from retrieval.keywords.corpus import Changes, Corpus
from retrieval.keywords.sounds import Sounds
from retrieval.keywords.terms import Analyzer, is_code
from retrieval.store import ChromaStore
from retrieval.types import SearchFilters

log = logging.getLogger(__name__)

# Release versions listed at most in one store query: SQLite takes 32,766 values in a statement.
_MAX_LISTED = 20_000
# A search that caught up with a change saves the file at most this often (a writer saves it
# when done): during a long ingest every batch changes the store.
_SAVE_AFTER_SECONDS = 60.0


class KeywordIndex:
    """BM25 over the chunks of one store: `search` gives chunk ids, best first.

    With `titles`, a chunk is indexed with its release title before it, as the embedder reads
    it. `path` is the file the index is kept in (None: memory only).
    """

    def __init__(self, store: ChromaStore, path: Path | None, *, titles: bool) -> None:
        self.store = store
        self.path = path
        self.titles = titles
        self._analyzer = Analyzer()
        self._corpus: Corpus | None = None
        self._file_seen: tuple[int, int] | None = None  # (mtime, size) of the file last read
        self._saved_at = -math.inf
        self._lock = threading.Lock()
        self._sounds: tuple[Corpus, Sounds] | None = None  # (the corpus it was made of)

    def search(self, query: str, k: int, filters: SearchFilters | None = None) -> list[str]:
        """Ids of the (at most) k chunks that best match the query's words, within the filters;
        only chunks that share a term with the query."""
        _, found = self.search_at([(query, k, filters or SearchFilters())])
        return [chunk_id for chunk_id, _ in found[0]]

    def search_at(
        self, searches: Sequence[tuple[str, int, SearchFilters]]
    ) -> tuple[str, list[list[tuple[str, float]]]]:
        """For each (query, k, filters), the ids of the (at most) k chunks that best match the
        query's words, within the filters, each with the share of the query it holds (`_shares`);
        all against one state of the store, and the store generation searched at (read before
        the chunks): searches that arrive together during an ingest catch up with it once."""
        with self._lock:
            corpus = self._current(save_after=_SAVE_AFTER_SECONDS)
            like = self._sounds_like(corpus)
            words = [
                self._analyzer.query_words(q, filters.language, like) for q, _, filters in searches
            ]
        ranked = [
            _best(corpus, found, k, filters)
            for found, (_, k, filters) in zip(words, searches, strict=True)
        ]
        return corpus.generation, ranked

    def _sounds_like(self, corpus: Corpus) -> Callable[[str], tuple[str, ...]]:
        """`Sounds.like` over the corpus's terms, grouped by sound when first asked (0.15 s for
        21k terms)."""

        def like(word: str) -> tuple[str, ...]:
            if self._sounds is None or self._sounds[0] is not corpus:
                self._sounds = (corpus, Sounds(corpus.vocabulary))
            return self._sounds[1].like(word)

        return like

    def passing(self, filters: SearchFilters, generation: str) -> list[str] | None:
        """Ids of the chunks that pass a date filter, as the index held them at `generation`
        (what `search_at` returned), for the store to rank only those (`ChromaStore.nearest`);
        None when the filters have no dates or the index has moved on since. Ranking among ids
        beat Chroma's own date clause at every size tried, up to 110k of 120k chunks (102 ms
        against 573 p50; BENCHMARKS.md, "Date filters by chunk id")."""
        corpus = self._corpus
        if not (filters.since or filters.until) or corpus is None:
            return None
        if corpus.generation != generation:
            return None
        return [corpus.ids[i] for i in np.flatnonzero(_passing(corpus, filters))]

    def refresh(self) -> None:
        """Bring the index in line with the store now (a search would do it first anyway), and
        its file, for the next process."""
        with self._lock:
            self._current(save_after=0.0)

    def _current(self, save_after: float) -> Corpus:
        generation = self.store.generation()  # read before the chunks, so no change is missed
        if self._corpus is not None and self._corpus.generation == generation:
            return self._corpus
        saved = self._read_file()
        if saved is not None and saved.generation == generation:
            self._corpus = saved  # another process brought the file up to date
            return saved
        started = time.perf_counter()
        base = self._corpus or saved or Corpus.empty()
        self._corpus = self._synced(base, generation)
        log.info(
            "keyword index of %s: %d chunks in %.2f s",
            self.store.collection_name,
            len(self._corpus.ids),
            time.perf_counter() - started,
        )
        if time.monotonic() - self._saved_at >= save_after:
            self._write_file(self._corpus)
        return self._corpus

    def _synced(self, base: Corpus, generation: str) -> Corpus:
        """`base` with the store's chunks that changed since it was made.

        A chunk's entry depends only on its release's version (`release_hash` covers the
        release's text, title, date and language), so only chunks of versions `base` lacks or
        holds in part are read, with the ids of all chunks to see what is new or gone. A store
        with more release versions than one query may list is read whole.
        """
        complete = base.complete_releases()
        position = {chunk_id: i for i, chunk_id in enumerate(base.ids)}
        keep = np.zeros(len(base.ids), dtype=bool)
        added = Changes(base)  # analysed as read: the rows of a whole store are never all held
        if complete and len(complete) <= _MAX_LISTED:
            present = self.store.ids()
            rows = self.store.chunks_not_of(complete)
            read = {chunk_id for chunk_id, _, _ in rows}
            rows += self.store.chunks([i for i in present if i not in position and i not in read])
            for chunk_id in present:
                i = position.get(chunk_id)
                if i is not None and chunk_id not in read:
                    keep[i] = True
            for row in rows:
                self._add(added, *row)
            return base.with_changes(generation, keep, added)
        for chunk_id, meta, text in self.store.scan(texts=True):
            i = position.get(chunk_id)
            if i is not None and base.hashes[i] and base.hashes[i] == _hash(meta):
                keep[i] = True
            else:
                self._add(added, chunk_id, meta, text)
        return base.with_changes(generation, keep, added)

    def _add(self, added: Changes, chunk_id: str, meta: Mapping[str, Any], text: str) -> None:
        language = str(meta.get("lang", ""))
        title = str(meta.get("title", "")) if self.titles else ""
        added.add(
            chunk_id,
            _hash(meta).decode(),
            int(meta.get("n_chunks", 0)),
            int(meta.get("date_int", 0)),
            language,
            self._analyzer.document_terms(f"{title}\n{text}", language),
        )

    def _settings(self) -> dict[str, object]:
        return {"titles": self.titles, "collection": self.store.collection_name}

    def _read_file(self) -> Corpus | None:
        if self.path is None:
            return None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen == self._file_seen:
            return None  # the file this process read or wrote last: nothing new in it
        self._file_seen = seen
        return Corpus.load(self.path, self._settings())

    def _write_file(self, corpus: Corpus) -> None:
        if self.path is None:
            return
        try:
            corpus.save(self.path, self._settings())
            stat = self.path.stat()
            self._file_seen = (stat.st_mtime_ns, stat.st_size)
            self._saved_at = time.monotonic()
        except OSError as exc:  # a read-only data dir costs the next process a rebuild, no more
            log.warning("cannot save the keyword index to %s: %s", self.path, exc)


def _hash(meta: Mapping[str, Any]) -> bytes:
    return str(meta.get("release_hash", "")).encode()


def _best(
    corpus: Corpus, words: list[tuple[str, ...]], k: int, filters: SearchFilters
) -> list[tuple[str, float]]:
    if corpus.bm25 is None or k < 1:
        return []
    vocabulary = corpus.vocabulary
    known = [[vocabulary[t] for t in word if t in vocabulary] for word in words]
    term_ids = list(dict.fromkeys(i for word in known for i in word))
    if not term_ids:
        return []
    scores = corpus.bm25.get_scores_from_ids(term_ids)
    scores[~_passing(corpus, filters)] = 0.0
    found = np.flatnonzero(scores > 0)
    if len(found) > k:
        found = found[np.argpartition(-scores[found], k - 1)[:k]]
    best = found[np.lexsort((found, -scores[found]))]  # ties: index order, as stable as any
    codes = {vocabulary[word[0]] for word in words if is_code(word[0]) and word[0] in vocabulary}
    shares = _shares(corpus, known, best, codes)
    return [(corpus.ids[i], share) for i, share in zip(best.tolist(), shares, strict=True)]


def _shares(
    corpus: Corpus, known: list[list[int]], chunks: npt.NDArray[np.intp], codes: set[int]
) -> list[float]:
    """How much of the question each chunk holds: the inverse document frequencies of the
    question's words it holds over those of all its words. A word no chunk holds counts as the
    rarest, so a Russian question over English releases that shares one common word ("год")
    with a Russian release gives that release a small share, not a keyword ranking's full say.
    A chunk that holds one of the question's `codes` (a case number) holds all of it."""
    weights = corpus.rarity(known)
    whole = sum(weights)
    shares = []
    for i in chunks.tolist():
        held = set(corpus.tokens[corpus.indptr[i] : corpus.indptr[i + 1]].tolist())
        if held.intersection(codes):
            shares.append(1.0)
            continue
        found = (w for w, word in zip(weights, known, strict=True) if held.intersection(word))
        shares.append(sum(found) / whole)
    return shares


def _passing(corpus: Corpus, filters: SearchFilters) -> npt.NDArray[np.bool_]:
    """Which chunks pass the filters, as the store's query applies them: an undated chunk
    passes no date bound."""
    passing = np.ones(len(corpus.ids), dtype=bool)
    if filters.since:
        passing &= corpus.dates >= date_key(filters.since)
    if filters.until:
        passing &= (corpus.dates <= date_key(filters.until)) & (corpus.dates > 0)
    if filters.language:
        passing &= corpus.languages == filters.language
    return passing
