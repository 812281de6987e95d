"""The gov.kz plain-text export: a `date YYYY-MM-DD <page title> | <site>` line, then paragraphs
separated by blank lines."""

from __future__ import annotations

import re

from ingest.release import build_release, split_blocks
from retrieval.dates import parse_date
from retrieval.errors import ReadError
from retrieval.types import Release

_HEADER = re.compile(r"^\s*date\s+(\S+)(?:\s+(.*?))?\s*(?:\|\s*([^|]*?))?\s*$")

# Page titles that the exporter writes when the page had no real title.
PLACEHOLDER_TITLES = frozenset(
    {
        "",
        "images",
        "image",
        "photo",
        "photos",
        "gallery",
        "news",
        "untitled",
        "фото",
        "новости",
        "суреттер",
        "жаңалықтар",
    }
)


def is_text_export(text: str) -> bool:
    """Whether the text starts with the export's `date ...` header line."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return bool(re.match(r"^\s*date\s+\d{4}-\d{2}-\d{2}\b", first))


def parse_text_export(text: str, source_path: str) -> Release:
    """Read one exported release; a placeholder page title is replaced by its first sentence."""
    header, _, body = text.lstrip("\ufeff").partition("\n")
    match = _HEADER.match(header)
    if not match:
        raise ReadError(f"{source_path}:1", "not a `date YYYY-MM-DD title | site` header")
    try:
        date = parse_date(match[1])
    except ValueError as exc:
        raise ReadError(f"{source_path}:1", str(exc)) from None
    title = (match[2] or "").strip()
    if title.lower() in PLACEHOLDER_TITLES:
        title = ""
    return build_release(
        where=source_path,
        source_path=source_path,
        paragraphs=split_blocks(body),
        title=title,
        date=date,
        site=(match[3] or "").strip(),
    )
