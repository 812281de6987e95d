"""Reading RSS and Atom feeds: each item's link, title, date, and its text when the feed
carries it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import feedparser

from retrieval.errors import ReadError

_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]")
FULL_TEXT_CHARS = 400
"""Feed content at least this long is taken as the release's full text (no page fetch)."""


@dataclass(frozen=True)
class FeedItem:
    """One feed item: the page it links to and what the feed says of it."""

    link: str
    title: str
    date: dt.date | None
    content_html: str
    summary_html: str
    language: str

    @property
    def full_text(self) -> bool:
        """Whether the feed carries the item's whole text (content:encoded, Atom content)."""
        return len(self.content_html) >= FULL_TEXT_CHARS


def is_feed(head: bytes) -> bool:
    """Whether the start of a document is an RSS or Atom feed."""
    return _ROOT.search(head[:4096]) is not None


def read_feed(body: bytes, url: str) -> list[FeedItem]:
    """The items of a feed, with links made absolute; raises ReadError naming `url`."""
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if parsed.get("bozo") and not parsed.entries:
        raise ReadError(url, f"not a valid feed: {parsed.get('bozo_exception')}")
    language = str(parsed.feed.get("language", "")).split("-")[0].lower()
    items = []
    for entry in parsed.entries:
        link = str(entry.get("link", "")).strip()
        if not link.lower().startswith(("http://", "https://")):
            continue
        content = entry.get("content") or []
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(
            FeedItem(
                link=link,
                title=str(entry.get("title", "")),
                date=dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None,
                content_html="\n".join(str(c.get("value", "")) for c in content),
                summary_html=str(entry.get("summary", "")),
                language=language,
            )
        )
    return items
