"""What the store holds, for operators."""

from __future__ import annotations

from typing import Any

from retrieval.dates import date_span
from retrieval.index import Index
from retrieval.language import releases_by_language


def store_stats(index: Index) -> dict[str, Any]:
    """Releases, paragraphs (stored chunks), languages, date range, embedder and collection."""
    releases = index.store.releases()
    span = date_span(releases)
    languages = releases_by_language(releases)
    return {
        "releases": len(releases),
        "paragraphs": index.store.count(),
        "languages": dict(languages.most_common()),
        "first_date": span[0].isoformat() if span else None,
        "last_date": span[1].isoformat() if span else None,
        "embedder": index.embedder.name,
        "collection": index.store.collection_name,
    }
