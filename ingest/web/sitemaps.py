"""Reading sitemaps (sitemaps.org): the page URLs of a <urlset>, or the sitemaps of a
<sitemapindex>, each with its <lastmod>."""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from ingest.web.state import Listed
from retrieval.errors import ReadError

_ROOT = re.compile(rb"<(?:[\w-]+:)?(urlset|sitemapindex)[\s>]")


def sitemap_kind(head: bytes) -> str | None:
    """'urlset' or 'sitemapindex' when the start of a document is a sitemap, else None."""
    found = _ROOT.search(head[:4096])
    return found[1].decode() if found else None


def read_sitemap(body: bytes, url: str) -> tuple[bool, list[Listed]]:
    """(whether it is a sitemap index, the URLs it lists); raises ReadError naming `url`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(url, f"not a valid sitemap: {exc}") from None
    is_index = etree.QName(root).localname == "sitemapindex"
    child = "sitemap" if is_index else "url"
    listed = []
    for element in root:
        if not isinstance(element.tag, str) or etree.QName(element).localname != child:
            continue
        fields = {
            etree.QName(e).localname: (e.text or "").strip()
            for e in element
            if isinstance(e.tag, str)
        }
        if fields.get("loc"):
            listed.append(Listed(fields["loc"], parse_lastmod(fields.get("lastmod", ""))))
    return is_index, listed


def parse_lastmod(value: str) -> dt.datetime | None:
    """A W3C datetime (a date, or a date and time with a zone) in UTC; None if unreadable."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)
