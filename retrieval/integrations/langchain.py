"""presschat's search as a LangChain retriever, so that LangChain applications (chains, agents,
RAG pipelines) can use a presschat store as it is."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field

from retrieval.index import Index
from retrieval.types import Hit, SearchFilters


def hit_to_document(hit: Hit) -> Document:
    """A retrieved paragraph as a LangChain Document: the paragraph's text, the release that
    holds it in the metadata (date as ISO text, or None), and the chunk id as the id."""
    return Document(
        id=hit.chunk_id,
        page_content=hit.text,
        metadata={
            "release_id": hit.release_id,
            "title": hit.title,
            "date": hit.date.isoformat() if hit.date else None,
            "url": hit.url,
            "site": hit.site,
            "language": hit.language,
            "paragraph": hit.paragraph,
            "score": hit.score,
        },
    )


class PresschatRetriever(BaseRetriever):
    """The paragraphs of a presschat index most similar to a query, best first.

    `k` and `filters` apply to every query unless a call passes its own, as in
    `retriever.invoke("water talks", k=3, filters=SearchFilters(language="ru"))`.
    """

    index: Index
    k: int | None = Field(None, ge=1, description="Paragraphs per query; None = search_k.")
    filters: SearchFilters = Field(default_factory=SearchFilters)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> list[Document]:
        hits = self.index.search(query, k or self.k, filters or self.filters)
        return [hit_to_document(hit) for hit in hits]
