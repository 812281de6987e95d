"""Plain-JSON forms of results, shared by the command line and (later) the HTTP API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from retrieval.errors import PresschatError
from retrieval.types import Answer, Citation, Hit, SearchFilters, Turn


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """A retrieved paragraph; `paragraph` is the 0-based index in the release."""
    return {
        "chunk_id": hit.chunk_id,
        "release_id": hit.release_id,
        "title": hit.title,
        "date": _date(hit.date),
        "url": hit.url,
        "site": hit.site,
        "language": hit.language,
        "paragraph": hit.paragraph,
        "paragraph_first": hit.paragraph_first,
        "paragraph_last": hit.paragraph_last,
        "piece": hit.piece,
        "text": hit.text,
        "score": round(hit.score, 4),
    }


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    """A kept [n] marker and its paragraph."""
    return {
        "number": citation.number,
        "release_id": citation.release_id,
        "title": citation.title,
        "date": _date(citation.date),
        "url": citation.url,
        "paragraph": citation.paragraph,
        "text": citation.text,
    }


def filters_to_dict(filters: SearchFilters) -> dict[str, Any]:
    return {"since": _date(filters.since), "until": _date(filters.until), "lang": filters.language}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The answer contract: text, citations, sources, refused, and how it was searched."""
    return {
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "language": answer.language,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [citation_to_dict(c) for c in answer.citations],
        "sources": [hit_to_dict(h) for h in answer.sources],
        "filters": filters_to_dict(answer.filters),
    }


def parse_history(value: str) -> list[Turn]:
    """Earlier turns from JSON text or a JSON file: a list of {role, content}."""
    text = value
    if not value.lstrip().startswith("["):
        path = Path(value)
        if not path.is_file():
            raise PresschatError(f"--history: {value!r} is neither a JSON list nor a file")
        text = path.read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PresschatError(f"--history: invalid JSON ({exc.msg})") from None
    if not isinstance(raw, list) or not all(
        isinstance(t, dict)
        and t.get("role") in ("user", "assistant")
        and isinstance(t.get("content"), str)
        for t in raw
    ):
        raise PresschatError(
            '--history: expected a list of {"role": "user"|"assistant", "content": "..."}'
        )
    return [Turn(t["role"], t["content"]) for t in raw]
