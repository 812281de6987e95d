"""Building a Release from the fields any reader found: ids, cleaning, language."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping

from retrieval.errors import ReadError
from retrieval.language import UNKNOWN, detect_language
from retrieval.types import MetaValue, Release

_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_KNOWN_LANGUAGES = frozenset({"en", "ru", "kk"})


def clean_paragraph(text: str) -> str:
    """Collapse runs of spaces and line breaks inside a paragraph; strip its ends."""
    return _SPACE.sub(" ", " ".join(text.split("\n"))).strip()


def split_blocks(text: str) -> list[str]:
    """Split text into paragraphs at blank lines (any number of them), dropping empty ones."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [p for p in (clean_paragraph(b) for b in blocks) if p]


def derive_title(paragraphs: Iterable[str], limit: int = 160) -> str:
    """A readable title from a release's first sentence, cut at a word boundary."""
    # Skip captions such as "Images" or "Photo: press service" at the top.
    candidates = [p for p in paragraphs if p]
    first = next(
        (p for p in candidates if len(p.split()) >= 5), candidates[0] if candidates else ""
    )
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0].rstrip(".")
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"


def build_release(
    *,
    where: str,
    source_path: str,
    paragraphs: Iterable[str],
    title: str = "",
    date: dt.date | None = None,
    release_id: str = "",
    url: str = "",
    site: str = "",
    language: str = "",
    extra: Mapping[str, MetaValue] | None = None,
) -> Release:
    """Validate and normalise what a reader found; raise ReadError naming `where` if unusable.

    The id is the release's own id, else its url, else a hash of source path, date and title,
    so that reading the same file again gives the same id.
    """
    cleaned = tuple(p for p in (clean_paragraph(p) for p in paragraphs) if p)
    if not cleaned:
        raise ReadError(where, "release has no paragraphs")
    title = clean_paragraph(title) or derive_title(cleaned)
    release_id = release_id.strip() or url.strip()
    if not release_id:
        key = f"{source_path}|{date.isoformat() if date else ''}|{title}"
        release_id = "h-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    language = language.strip().lower()
    if language not in _KNOWN_LANGUAGES:
        detected = detect_language(title + "\n" + "\n".join(cleaned[:20]))
        language = detected if detected != UNKNOWN or not language else language
    return Release(
        release_id=release_id,
        title=title,
        date=date,
        url=url.strip(),
        site=site.strip(),
        language=language,
        paragraphs=cleaned,
        source_path=source_path,
        extra=dict(extra or {}),
    )
