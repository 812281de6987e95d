"""The indexed chunks as arrays: each chunk's terms, fingerprint, date and language, the BM25
matrix bm25s builds from them, and their file.

A corpus is never changed in place: `with_changes` returns a new one, so a search running on
the old one is never disturbed. The file is one uncompressed .npz, replaced atomically, labelled
with the store generation it reflects and with the versions that shaped it.
"""

from __future__ import annotations

import array
import dataclasses
import json
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import numpy.typing as npt
from bm25s import scoring

from retrieval.keywords.terms import ANALYZER_VERSION

log = logging.getLogger(__name__)

FORMAT = 1
"""Bump when the file's arrays change."""

Ints = npt.NDArray[np.int64]


class Changes:
    """Chunks to add to a corpus, their terms turned into ids as they are added: a whole store's
    terms held as strings until the end took ~0.1 GB more at 120k chunks."""

    def __init__(self, base: Corpus) -> None:
        self.vocabulary = dict(base.vocabulary)  # base's terms keep their ids
        self.ids: list[str] = []
        self.hashes: list[bytes] = []
        self.sizes: list[int] = []
        self.dates: list[int] = []
        self.languages: list[str] = []
        self.lengths: list[int] = []
        self.tokens = array.array("i")

    def add(
        self,
        chunk_id: str,
        release_hash: str,
        size: int,
        date: int,
        language: str,
        terms: list[str],
    ) -> None:
        """A chunk: its id, its release's version (`release_hash`) and chunk count, its date
        (as `date_key`), language and terms."""
        vocabulary = self.vocabulary
        self.ids.append(chunk_id)
        self.hashes.append(release_hash.encode())
        self.sizes.append(size)
        self.dates.append(date)
        self.languages.append(language)
        self.lengths.append(len(terms))
        self.tokens.extend(vocabulary.setdefault(t, len(vocabulary)) for t in terms)


@dataclass(frozen=True)
class Corpus:
    """Chunks in index order; chunk i's term ids are tokens[indptr[i]:indptr[i + 1]]."""

    generation: str
    ids: list[str]
    hashes: npt.NDArray[np.bytes_]  # release_hash of each chunk; b"" when it has none
    sizes: npt.NDArray[np.int32]  # n_chunks of each chunk's release
    dates: npt.NDArray[np.int32]
    languages: npt.NDArray[np.str_]
    vocabulary: dict[str, int]
    indptr: Ints
    tokens: npt.NDArray[np.int32]
    bm25: bm25s.BM25 | None  # None while no chunk has a term

    @classmethod
    def empty(cls) -> Corpus:
        """No chunks, at no generation."""
        nothing = np.zeros(0, np.int32)
        return cls._build("", [], [], [], [], [], {}, np.zeros(1, np.int64), nothing)

    def complete_releases(self) -> list[str]:
        """The release versions (hashes) of which every chunk is indexed."""
        if not self.ids:
            return []
        values, first, counts = np.unique(self.hashes, return_index=True, return_counts=True)
        complete = (counts == self.sizes[first]) & (values != b"")
        return [value.decode() for value in values[complete].tolist()]

    def rarity(self, words: Sequence[Sequence[int]]) -> list[float]:
        """Each word's inverse document frequency, as the BM25 scores weigh its terms (ids): its
        rarest term's, or that of a term no chunk holds for a word with none here."""
        assert self.bm25 is not None
        idf = scoring._select_idf_scorer(self.bm25.idf_method)
        indptr = self.bm25.scores["indptr"]  # term-major: a term's chunks lie between two

        def chunks_holding(term: int) -> int:
            return int(indptr[term + 1] - indptr[term])

        return [idf(min(map(chunks_holding, word), default=0), N=len(self.ids)) for word in words]

    def with_changes(self, generation: str, keep: npt.NDArray[np.bool_], added: Changes) -> Corpus:
        """The chunks where `keep` is true, then those `added` (made from this corpus); BM25
        statistics recomputed."""
        lengths = np.diff(self.indptr)
        kept_tokens = self.tokens[np.repeat(keep, lengths)]
        indices = np.flatnonzero(keep)
        return Corpus._build(
            generation,
            [self.ids[i] for i in indices] + added.ids,
            [*self.hashes[indices].tolist(), *added.hashes],
            [*self.sizes[indices].tolist(), *added.sizes],
            [*self.dates[indices].tolist(), *added.dates],
            [*self.languages[indices].tolist(), *added.languages],
            added.vocabulary,
            np.concatenate(([0], np.cumsum([*lengths[indices], *added.lengths]))),
            np.concatenate((kept_tokens, np.frombuffer(added.tokens, dtype=np.int32))),
        )

    @staticmethod
    def _build(
        generation: str,
        ids: list[str],
        hashes: Sequence[bytes],
        sizes: Sequence[int],
        dates: Sequence[int],
        languages: Sequence[str],
        vocabulary: dict[str, int],
        indptr: Ints,
        tokens: npt.NDArray[np.int32],
    ) -> Corpus:
        # Terms no chunk uses any more (their chunks deleted or changed) leave the vocabulary.
        used = np.bincount(tokens, minlength=len(vocabulary)) > 0
        if not used.all():
            renumber = np.cumsum(used) - 1
            tokens = renumber[tokens].astype(np.int32)
            vocabulary = {t: int(renumber[i]) for t, i in vocabulary.items() if used[i]}
        return Corpus(
            generation,
            ids,
            np.asarray(hashes, dtype=np.bytes_),
            np.asarray(sizes, dtype=np.int32),
            np.asarray(dates, dtype=np.int32),
            np.asarray(languages, dtype=np.str_),
            vocabulary,
            indptr.astype(np.int64),
            tokens.astype(np.int32),
            _bm25(vocabulary, indptr, tokens) if len(tokens) else None,
        )

    def save(self, path: Path, settings: dict[str, object]) -> None:
        """Write the corpus to `path` atomically (readers see the old file or the new one)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        scores = self.bm25.scores if self.bm25 is not None else {}
        try:
            with tmp.open("wb") as out:
                np.savez(
                    out,
                    label=np.asarray(json.dumps(_label(self.generation, settings))),
                    ids=_encoded(self.ids),
                    hashes=self.hashes,
                    sizes=self.sizes,
                    dates=self.dates,
                    languages=self.languages,
                    vocabulary=_encoded(sorted(self.vocabulary, key=self.vocabulary.__getitem__)),
                    indptr=self.indptr,
                    tokens=self.tokens,
                    **{f"bm25_{name}": scores[name] for name in ("data", "indices", "indptr")}
                    if scores
                    else {},
                )
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path, settings: dict[str, object]) -> Corpus | None:
        """The corpus saved at `path`, or None when there is none or it was made differently."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                label = json.loads(str(saved["label"]))
                if label != _label(label.get("generation", ""), settings):
                    log.info("keyword index %s was made differently; rebuilding it", path)
                    return None
                terms = _decoded(saved["vocabulary"])
                corpus = Corpus(
                    str(label["generation"]),
                    _decoded(saved["ids"]),
                    saved["hashes"],
                    saved["sizes"],
                    saved["dates"],
                    saved["languages"],
                    {term: i for i, term in enumerate(terms)},
                    saved["indptr"],
                    saved["tokens"],
                    None,
                )
                if "bm25_data" not in saved:
                    return corpus
                scores = {name: saved[f"bm25_{name}"] for name in ("data", "indices", "indptr")}
                return _with_scores(corpus, scores)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError) as exc:  # a damaged file is rebuilt, not fatal
            log.warning("cannot read keyword index %s (%s); rebuilding it", path, exc)
            return None


def _label(generation: str, settings: dict[str, object]) -> dict[str, object]:
    return {
        "generation": generation,
        "format": FORMAT,
        "analyzer": ANALYZER_VERSION,
        "bm25s": bm25s.__version__,
        **settings,
    }


class _FlatBM25(bm25s.BM25):  # type: ignore[misc]
    """bm25s's BM25 (Lucene variant), indexed from flat term arrays in a few numpy passes with
    bm25s's own formulas, instead of its loop over documents in Python (bm25s invites
    overriding how the index is built): 10x faster, so that catching up with a change stays
    short. Scores are summed with one bincount instead of numpy's slow add.at per term (19 to
    ~5 ms a query on 120k chunks)."""

    @staticmethod
    def _compute_relevance_from_scores(
        data: npt.NDArray[np.floating],
        indptr: Ints,
        indices: npt.NDArray[np.integer],
        num_docs: int,
        query_tokens_ids: npt.NDArray[np.integer],
        dtype: np.dtype[Any],
    ) -> npt.NDArray[np.floating]:
        spans = list(
            zip(
                indptr[query_tokens_ids].tolist(),
                indptr[query_tokens_ids + 1].tolist(),
                strict=True,
            )
        )
        rows = np.concatenate([indices[a:b] for a, b in spans]) if spans else np.zeros(0, np.int64)
        weights = np.concatenate([data[a:b] for a, b in spans]) if spans else np.zeros(0)
        return np.bincount(rows, weights=weights, minlength=num_docs).astype(dtype)

    def index_flat(
        self, vocabulary: dict[str, int], indptr: Ints, tokens: npt.NDArray[np.int32]
    ) -> None:
        """Index the documents whose term ids are tokens[indptr[i]:indptr[i + 1]].

        Each (term, document) occurrence becomes one int64 key, term-major, sorted in place:
        equal keys count the term's frequency in the document, and the distinct keys come out
        in the order of bm25s's CSC matrix. (`np.unique` on document-major keys, then bm25s's
        CSC builder: peak 1,122 MiB building the full DOJ store's index, against 851 this way.)"""
        n_docs, n_terms = len(indptr) - 1, len(vocabulary)
        lengths = np.diff(indptr)
        keys = tokens.astype(np.int64)
        keys *= n_docs
        keys += np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        keys.sort()
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        tf = np.diff(np.append(starts, len(keys)))
        keys = keys[starts]
        del starts
        columns = (keys // n_docs).astype(self.int_dtype)
        rows = (keys % n_docs).astype(self.int_dtype)
        del keys
        df = np.bincount(columns, minlength=n_terms)
        idf_of = scoring._select_idf_scorer(self.idf_method)
        idf = np.zeros(n_terms, dtype=np.float64)
        for value in np.unique(df[df > 0]).tolist():  # few distinct counts: the formula per count
            idf[df == value] = idf_of(value, N=n_docs)
        tfc = scoring._select_tfc_scorer(self.method)(
            tf_array=tf, l_d=lengths[rows], l_avg=lengths.mean(), k1=self.k1, b=self.b
        )
        self.scores = {
            "data": (idf[columns] * tfc).astype(self.dtype),
            "indices": rows,  # the distinct keys are term-major: rows come in CSC order
            "indptr": np.concatenate(([0], np.cumsum(df))),  # int64, as bm25s builds it
            "num_docs": n_docs,
        }
        self.vocab_dict = vocabulary
        self.unique_token_ids_set = set(vocabulary.values())
        self.nonoccurrence_array = None  # the Lucene variant has none


def _bm25(vocabulary: dict[str, int], indptr: Ints, tokens: npt.NDArray[np.int32]) -> bm25s.BM25:
    bm25 = _FlatBM25()
    bm25.index_flat(vocabulary, indptr, tokens)
    return bm25


def _with_scores(corpus: Corpus, scores: dict[str, npt.NDArray[np.generic]]) -> Corpus:
    """The corpus with its saved BM25 matrix, as `bm25s.BM25.load` restores one."""
    bm25 = _FlatBM25()
    bm25.vocab_dict = corpus.vocabulary
    bm25.unique_token_ids_set = set(corpus.vocabulary.values())
    bm25.nonoccurrence_array = None  # the default (Lucene) BM25 has none
    bm25.scores = {**scores, "num_docs": len(corpus.ids)}
    return dataclasses.replace(corpus, bm25=bm25)


def _encoded(texts: Sequence[str]) -> npt.NDArray[np.bytes_]:
    return np.asarray([t.encode() for t in texts], dtype=np.bytes_)


def _decoded(array: npt.NDArray[np.bytes_]) -> list[str]:
    return [b.decode() for b in array.tolist()]
