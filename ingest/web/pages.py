"""Article pages as releases: trafilatura finds the article (without navigation, menus, share
bars, cookie banners and footers), keeping its paragraphs; the site-specific reader in
ingest.html_page is the fallback. The release id is the page URL."""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import parse_qs, urlsplit

import trafilatura
from bs4 import BeautifulSoup

from ingest.html_page import parse_html_release
from ingest.release import build_release, split_blocks
from retrieval.dates import parse_date
from retrieval.types import Release

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
_LANGUAGE_SEGMENT = re.compile(r"/(en|ru|kk)(?=/|$)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def url_language(url: str) -> str:
    """The language a URL names (gov.kz: a /en/, /ru/ or /kk/ segment, or ?lang=); else ''."""
    parts = urlsplit(url)
    found = _LANGUAGE_SEGMENT.search(parts.path)
    if found:
        return found[1].lower()
    lang = parse_qs(parts.query).get("lang", [""])[0].lower()
    return lang if lang in ("en", "ru", "kk") else ""


def decode_html(body: bytes, charset: str | None) -> str:
    """The page's text in the charset its header or <meta> names (UTF-8 when none)."""
    if charset is None:
        found = _META_CHARSET.search(body[:4096])
        charset = found[1].decode("ascii") if found else "utf-8"
    try:
        return body.decode(charset, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


def read_page(html: str, url: str, *, title: str = "", date: dt.date | None = None) -> Release:
    """One release from an article page fetched from `url`; raises ReadError naming it."""
    language = url_language(url)
    document = None
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception:  # a page trafilatura cannot read falls back to the site reader
        log.debug("trafilatura failed on %s", url, exc_info=True)
    text = getattr(document, "text", None) or ""
    if not text.strip():
        fallback = parse_html_release(html, url)
        return build_release(
            where=url,
            source_path=url,
            title=title or fallback.title,
            date=fallback.date or date,
            paragraphs=fallback.paragraphs,
            release_id=url,
            url=url,
            site=fallback.site or (urlsplit(url).hostname or ""),
            language=language or fallback.language,
        )
    found_title = title or str(getattr(document, "title", "") or "")
    paragraphs = [
        line
        for line in text.split("\n")
        if line.strip() and line.strip() != found_title.strip() and not _is_dateline(line)
    ]
    return build_release(
        where=url,
        source_path=url,
        title=found_title,
        date=_date(getattr(document, "date", None)) or date,
        paragraphs=paragraphs,
        release_id=url,
        url=url,
        site=str(getattr(document, "sitename", "") or "") or (urlsplit(url).hostname or ""),
        language=language or _html_language(html),
    )


def read_fragment(
    html: str, url: str, *, title: str, date: dt.date | None, language: str
) -> Release:
    """A release from a feed item's own text (HTML or plain), for the page at `url`."""
    soup = BeautifulSoup(html, "lxml")
    blocks = soup.find_all(["p", "li", "blockquote", "h2", "h3", "h4"])
    paragraphs = [b.get_text(" ") for b in blocks] or split_blocks(soup.get_text("\n\n"))
    return build_release(
        where=url,
        source_path=url,
        title=title,
        date=date,
        paragraphs=paragraphs,
        release_id=url,
        url=url,
        site=urlsplit(url).hostname or "",
        language=url_language(url) or language,
    )


def _html_language(html: str) -> str:
    found = re.search(r"<html[^>]*\slang\s*=\s*[\"']?([a-zA-Z]{2})", html[:4096])
    return found[1].lower() if found else ""


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def _is_dateline(line: str) -> bool:
    """A line that is only a date (the dateline trafilatura keeps above the text)."""
    stripped = re.sub(r"^\w+day,\s*", "", line.strip())
    if len(stripped) > 40:
        return False
    try:
        parse_date(stripped)
    except ValueError:
        return False
    return True
