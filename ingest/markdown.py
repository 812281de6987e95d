"""Markdown and plain-text releases: title from the first heading or line, date from front
matter when there is one."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from ingest.release import build_release, id_text, split_blocks
from retrieval.dates import parse_date
from retrieval.errors import ReadError
from retrieval.types import Release

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(.+?)\1")


def parse_markdown(text: str, source_path: str, *, markdown: bool = True) -> Release:
    """Read one release from Markdown (or plain text when `markdown` is False)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    meta: dict[str, Any] = {}
    if match := _FRONT_MATTER.match(text):
        try:
            loaded = yaml.safe_load(match[1])
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: e.g. date: 2025-02-30
            raise ReadError(source_path, f"invalid front matter: {exc}") from None
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[match.end() :]
    title = str(meta.get("title") or "")
    # The title is the first line (a heading in Markdown); the rest of its block is body text.
    first_line, _, rest = text.strip().partition("\n")
    heading = _HEADING.match(first_line) if markdown else None
    if heading and (not title or _plain(heading[1]) == title):
        title, text = _plain(heading[1]), rest
    elif not title and not markdown:
        title, text = first_line.strip(), rest
    blocks = split_blocks(text)
    if markdown:
        blocks = [_plain(b) for b in blocks]
    return build_release(
        where=source_path,
        source_path=source_path,
        paragraphs=blocks,
        title=title,
        date=_front_matter_date(meta.get("date"), source_path),
        release_id=id_text(meta.get("id"), source_path, "id (front matter)"),
        url=str(meta.get("url") or ""),
        site=str(meta.get("site") or ""),
        language=str(meta.get("language") or meta.get("lang") or ""),
    )


def _front_matter_date(value: Any, source_path: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError as exc:
        raise ReadError(source_path, f"front matter `date`: {exc}") from None


def _plain(block: str) -> str:
    heading = _HEADING.match(block)
    block = heading[1] if heading else block
    block = _LINK.sub(r"\1", block)
    block = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", block)
    return _EMPHASIS.sub(r"\2", block)
