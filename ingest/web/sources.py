"""Turning web source URLs (feeds, sitemaps, sitemap indexes, article pages) into what the ingest
pipeline takes: releases, failures, pages known unchanged, and the scope a sitemap may prune.

Re-runs are cheap: a page the store holds is asked for with its validators (304: nothing is
downloaded), and a sitemap page whose <lastmod> is not newer than its last fetch is not asked
for at all. A feed or sitemap that answers 304 is followed from what it listed last time.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Collection, Iterable, Iterator
from urllib.parse import urlsplit

from ingest.pipeline import PruneScope, SourceItem, Unchanged
from ingest.web.feeds import FeedItem, is_feed, read_feed
from ingest.web.fetch import Fetched, Fetcher
from ingest.web.pages import HTML_TYPES, decode_html, read_fragment, read_page
from ingest.web.sitemaps import read_sitemap, sitemap_kind
from ingest.web.state import Listed, WebState
from retrieval.errors import ReadError

log = logging.getLogger(__name__)

_MAX_SITEMAP_DEPTH = 3
_MAX_UNZIPPED = 50 * 2**20  # the sitemap protocol's limit on an uncompressed sitemap


def is_web_url(text: str) -> bool:
    """Whether a command-line argument names a web source rather than a file."""
    return text.lower().startswith(("http://", "https://"))


class WebReader:
    """Reads web sources for one ingest run. `stored` holds the ids of the releases the store
    holds whole: only those may be skipped or asked for conditionally."""

    def __init__(
        self, fetcher: Fetcher, state: WebState, stored: Collection[str], *, max_pages: int
    ) -> None:
        self._fetcher = fetcher
        self._state = state
        self._stored = stored
        self._max_pages = max_pages
        self._pages = 0
        self._left = 0  # pages of the current source not fetched: the page limit was reached
        self._done: set[str] = set()

    def read(self, urls: Iterable[str]) -> Iterator[SourceItem]:
        """Everything the sources hold, source by source, as it is fetched."""
        for url in urls:
            self._left = 0
            try:
                yield from self._source(url)
            except ReadError as exc:
                yield exc
            if self._left:
                yield ReadError(
                    url,
                    f"page limit of {self._max_pages} per run reached "
                    f"(PRESSCHAT_FETCH_MAX_PAGES): {self._left} pages left for the next run",
                )

    def _source(self, url: str) -> Iterator[SourceItem]:
        listing = self._state.listing(url)
        known = listing is not None or url in self._stored
        fetched = self._fetcher.get(url, self._state.validators(url) if known else None)
        if fetched.not_modified and listing is None:
            self._done.add(url)
            yield from self._page_from(fetched)
            return
        if fetched.not_modified and listing is not None:
            kind = self._state.kind(url)
            if kind == "feed":
                yield from self._feed_unchanged(fetched, listing)
                return
            if kind in ("urlset", "sitemapindex"):
                yield from self._sitemap_listing(url, fetched, kind == "sitemapindex", listing)
                return
        body = _unzipped(fetched)
        if is_feed(body):
            yield from self._feed(fetched, body)
        elif sitemap_kind(body) is not None:
            is_index, listed = read_sitemap(body, url)
            yield from self._sitemap_listing(url, fetched, is_index, listed)
        elif fetched.content_type in HTML_TYPES or body.lstrip()[:15].lower() in (
            b"<!doctype html>",
            b"<html",
        ):
            self._done.add(url)
            yield from self._page_from(fetched)
        else:
            raise ReadError(
                url, f"not an HTML page, a feed or a sitemap ({fetched.content_type or 'no type'})"
            )

    def _sitemap_listing(
        self, url: str, fetched: Fetched, is_index: bool, listed: list[Listed]
    ) -> Iterator[SourceItem]:
        self._state.remember(fetched, listed, "sitemapindex" if is_index else "urlset")
        pages = listed
        complete = True
        if is_index:
            pages = []
            for child in listed:
                try:
                    pages.extend(self._child_sitemap(child.url, depth=1))
                except ReadError as exc:
                    complete = False  # its pages are unknown: prune nothing under this index
                    yield exc
        if complete and pages:  # an empty sitemap is more likely a broken site than a purge
            yield PruneScope(_scope(url), frozenset(page.url for page in pages))
        yield from self._pages_of(pages)

    def _child_sitemap(self, url: str, depth: int) -> list[Listed]:
        listing = self._state.listing(url)
        fetched = self._fetcher.get(url, self._state.validators(url) if listing else None)
        if fetched.not_modified and listing is not None:
            is_index = self._state.kind(url) == "sitemapindex"
        else:
            is_index, listing = read_sitemap(_unzipped(fetched), url)
        self._state.remember(fetched, listing, "sitemapindex" if is_index else "urlset")
        if not is_index:
            return listing
        if depth >= _MAX_SITEMAP_DEPTH:
            raise ReadError(url, f"sitemap indexes nested more than {_MAX_SITEMAP_DEPTH} deep")
        return [page for child in listing for page in self._child_sitemap(child.url, depth + 1)]

    def _pages_of(self, pages: Iterable[Listed]) -> Iterator[SourceItem]:
        for page in pages:
            if page.url in self._done:
                continue
            if page.url in self._stored and page.lastmod is not None:
                last = self._state.fetched_at(page.url)
                if last is not None and page.lastmod <= last:
                    self._done.add(page.url)
                    yield Unchanged(page.url)
                    continue
            if self._pages >= self._max_pages:
                self._left += 1
                continue
            self._done.add(page.url)
            yield from self._page(page.url)

    def _page(self, url: str, item: FeedItem | None = None) -> Iterator[SourceItem]:
        self._pages += 1
        stored = url in self._stored
        try:
            fetched = self._fetcher.get(url, self._state.validators(url) if stored else None)
        except ReadError as exc:
            yield exc
            return
        yield from self._page_from(fetched, item)

    def _page_from(self, fetched: Fetched, item: FeedItem | None = None) -> Iterator[SourceItem]:
        url = fetched.url
        if fetched.not_modified and url in self._stored:
            self._state.remember(fetched)
            yield Unchanged(url)
            return
        if fetched.content_type not in HTML_TYPES:
            yield ReadError(url, f"not an HTML page ({fetched.content_type or 'no type'})")
            return
        try:
            release = read_page(
                decode_html(fetched.body, fetched.charset),
                url,
                title=item.title if item else "",
                date=item.date if item else None,
            )
        except ReadError as exc:
            self._state.forget(url)
            yield exc
            return
        self._state.remember(fetched)
        yield release

    def _feed(self, fetched: Fetched, body: bytes) -> Iterator[SourceItem]:
        listing = []
        for item in read_feed(body, fetched.url):
            fallback = False
            if item.link not in self._done:
                self._done.add(item.link)
                if item.full_text:
                    yield from self._inline(item)
                elif self._pages >= self._max_pages:
                    self._left += 1
                else:
                    for result in self._page(item.link, item):
                        if isinstance(result, ReadError) and item.summary_html.strip():
                            log.warning("%s; using the feed's summary instead", result)
                            fallback = True
                            yield from self._inline(item, summary=True)
                        else:
                            yield result
            listing.append(Listed(item.link, inline=item.full_text, fallback=fallback))
        self._state.remember(fetched, listing, "feed")

    def _inline(self, item: FeedItem, *, summary: bool = False) -> Iterator[SourceItem]:
        try:
            yield read_fragment(
                item.summary_html if summary else item.content_html,
                item.link,
                title=item.title,
                date=item.date,
                language=item.language,
            )
        except ReadError as exc:
            yield exc

    def _feed_unchanged(self, fetched: Fetched, listing: list[Listed]) -> Iterator[SourceItem]:
        if any((e.inline or e.fallback) and e.url not in self._stored for e in listing):
            # The feed's own text of an item we do not hold is needed: read it whole.
            fresh = self._fetcher.get(fetched.url)
            yield from self._feed(fresh, _unzipped(fresh))
            return
        for entry in listing:
            if entry.url in self._done:
                continue
            self._done.add(entry.url)
            if entry.inline:
                yield Unchanged(entry.url)
            elif self._pages >= self._max_pages:
                self._left += 1
            else:
                for result in self._page(entry.url):
                    # The release is the feed's summary, unchanged with the feed: keep it.
                    fell_back = isinstance(result, ReadError) and entry.fallback
                    yield Unchanged(entry.url) if fell_back else result
        self._state.remember(fetched, listing, "feed")


def _scope(sitemap_url: str) -> str:
    """The URL prefix a sitemap speaks for: its host and folder."""
    parts = urlsplit(sitemap_url)
    folder = parts.path.rsplit("/", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{folder}/"


def _unzipped(fetched: Fetched) -> bytes:
    if not fetched.body.startswith(b"\x1f\x8b"):
        return fetched.body
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = unpacker.decompress(fetched.body, _MAX_UNZIPPED)
    except zlib.error as exc:
        raise ReadError(fetched.url, f"cannot unpack gzip data: {exc}") from None
    if unpacker.unconsumed_tail:
        raise ReadError(fetched.url, f"unpacks to more than {_MAX_UNZIPPED:,} bytes")
    return body
