"""Plain-JSON forms of retrieval results, shared by the command line and the HTTP API."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from retrieval.types import Hit, ReleaseSummary, SearchFilters


def to_plain(value: Any) -> dict[str, Any]:
    """A dataclass as a JSON-ready dict: its fields by name, dates as ISO strings."""
    return {
        key: item.isoformat() if isinstance(item, dt.date) else item
        for key, item in dataclasses.asdict(value).items()
    }


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """A retrieved paragraph; `paragraph` is the 0-based index in the release."""
    return to_plain(hit) | {"score": round(hit.score, 4)}


def summary_to_dict(summary: ReleaseSummary) -> dict[str, Any]:
    """A stored release as `releases list --json` and the admin API show it."""
    return to_plain(summary)


def filters_to_dict(filters: SearchFilters) -> dict[str, Any]:
    """Filters as the API names them (`lang`, not `language`)."""
    return {"since": _iso(filters.since), "until": _iso(filters.until), "lang": filters.language}


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None
