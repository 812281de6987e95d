"""Building a Release from the fields any reader found: ids, cleaning, language."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping

from retrieval.errors import ReadError
from retrieval.language import UNKNOWN, detect_language
from retrieval.sentences import split_sentences
from retrieval.types import MetaValue, Release

# Control characters other than tab and line breaks; \v and \f count as spaces below.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_KNOWN_LANGUAGES = frozenset({"en", "ru", "kk"})

MAX_PARAGRAPHS = 20_000
"""A release with more paragraphs is refused: it is a data dump or a log, not a release."""


def strip_controls(text: str) -> str:
    """The text without control characters (NUL and the like) other than tab and newlines."""
    return _CONTROL.sub("", text)


def id_text(value: object, where: str, field: str = "id") -> str:
    """A release id as text; only strings and integers are ids (never an object's repr)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ReadError(
        where, f"field `{field}` must be a string or an integer, not {_json_type(value)}"
    )


def _json_type(value: object) -> str:
    names = {bool: "a boolean", float: "a number with a fraction", dict: "an object"}
    return names.get(type(value), "a list" if isinstance(value, list) else type(value).__name__)


def clean_paragraph(text: str) -> str:
    """Collapse runs of spaces and line breaks inside a paragraph; strip its ends."""
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    return _SPACE.sub(" ", " ".join(text.split("\n"))).strip()


def split_blocks(text: str) -> list[str]:
    """Split text into paragraphs at blank lines (any number of them), dropping empty ones."""
    # \s also covers no-break spaces, which gov.kz exports leave on "blank" lines.
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [p for p in (clean_paragraph(b) for b in blocks) if p]


def derive_title(paragraphs: Iterable[str], limit: int = 160) -> str:
    """A readable title from a release's first sentence, cut at a word boundary."""
    # Skip captions such as "Images" or "Photo: press service" at the top.
    candidates = [p for p in paragraphs if p]
    first = next(
        (p for p in candidates if len(p.split()) >= 5), candidates[0] if candidates else ""
    )
    sentences = split_sentences(first)
    sentence = (sentences[0] if sentences else first).rstrip(".")
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
    id_key: str | None = None,
) -> Release:
    """Validate and normalise what a reader found; raise ReadError naming `where` if unusable.

    The id is the release's own id, else its url, else a hash of `id_key`: by default the
    source path (one release per file: editing its title or date keeps the id, so the edit
    replaces the old version); readers of multi-release files pass path, date and title.
    """
    cleaned = tuple(p for p in (clean_paragraph(p) for p in paragraphs) if p)
    if not cleaned:
        raise ReadError(where, "release has no paragraphs")
    if len(cleaned) > MAX_PARAGRAPHS:
        raise ReadError(
            where,
            f"release has {len(cleaned):,} paragraphs, more than the {MAX_PARAGRAPHS:,} a "
            "release may have",
        )
    title = clean_paragraph(title) or derive_title(cleaned)
    url, site = strip_controls(url), strip_controls(site)
    release_id = strip_controls(release_id).strip() or url.strip()
    if not release_id:
        key = id_key if id_key is not None else source_path
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
        extra={
            key: strip_controls(value) if isinstance(value, str) else value
            for key, value in (extra or {}).items()
        },
    )
