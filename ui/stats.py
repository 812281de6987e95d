"""What the store holds, for operators."""

from __future__ import annotations

from collections import Counter
from typing import Any

from retrieval.index import Index


def store_stats(index: Index) -> dict[str, Any]:
    """Releases, paragraphs (stored chunks), languages, date range, embedder and collection."""
    releases = index.store.releases()
    dates = sorted(r.date for r in releases if r.date)
    languages = Counter(r.language or "und" for r in releases)
    return {
        "releases": len(releases),
        "paragraphs": index.store.count(),
        "languages": dict(languages.most_common()),
        "first_date": dates[0].isoformat() if dates else None,
        "last_date": dates[-1].isoformat() if dates else None,
        "embedder": index.embedder.name,
        "collection": index.store.collection_name,
    }
