"""What earlier runs learned about each URL, kept in one small JSON file in the data directory:
the validators of every page, feed and sitemap (for conditional requests), when it was last
fetched (against sitemap <lastmod>), and the pages each feed or sitemap listed (to go on from a
"not modified" answer without its body).

A missing or unreadable file only costs full downloads: it is never an error.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.web.fetch import Fetched, Validators

log = logging.getLogger(__name__)

_ROBOTS_KEYS = ("etag", "last_modified", "body")


@dataclass(frozen=True)
class Listed:
    """A URL a sitemap or feed lists: a page, or (in a sitemap index) another sitemap.
    `inline` marks a feed item whose text the feed itself carries, `fallback` one whose
    release is the feed's summary because its page could not be fetched."""

    url: str
    lastmod: dt.datetime | None = None
    inline: bool = False
    fallback: bool = False


class WebState:
    """The state file, loaded once per run and saved when the run has stored its releases."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._urls: dict[str, dict[str, Any]] = {}
        self.robots: dict[str, dict[str, str]] = {}
        """robots.txt bodies and validators by URL, for the fetcher to ask conditionally."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("urls"), dict):
                self._urls = data["urls"]
            if isinstance(data, dict) and isinstance(data.get("robots"), dict):
                self.robots = {
                    url: entry
                    for url, entry in data["robots"].items()
                    if isinstance(entry, dict)
                    and all(isinstance(entry.get(k), str) for k in _ROBOTS_KEYS)
                }
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable web state %s: %s", path, exc)

    def validators(self, url: str) -> Validators:
        """The validators the URL's last answer carried (empty when none)."""
        entry = self._urls.get(url, {})
        return Validators(str(entry.get("etag", "")), str(entry.get("last_modified", "")))

    def fetched_at(self, url: str) -> dt.datetime | None:
        """When the URL was last fetched successfully."""
        value = self._urls.get(url, {}).get("fetched")
        try:
            return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def listing(self, url: str) -> list[Listed] | None:
        """What the feed or sitemap at `url` listed last time, if known."""
        rows = self._urls.get(url, {}).get("listing")
        if not isinstance(rows, list):
            return None
        try:
            return [
                Listed(
                    str(row["url"]),
                    dt.datetime.fromisoformat(row["lastmod"]) if row.get("lastmod") else None,
                    bool(row.get("inline")),
                    bool(row.get("fallback")),
                )
                for row in rows
            ]
        except (KeyError, TypeError, ValueError):
            return None

    def kind(self, url: str) -> str:
        """What the URL was last time: 'feed', 'urlset', 'sitemapindex' or '' (a page)."""
        return str(self._urls.get(url, {}).get("kind", ""))

    def remember(
        self, fetched: Fetched, listing: list[Listed] | None = None, kind: str = ""
    ) -> None:
        """Keep the answer's validators and the fetch time; for a feed or sitemap, also its kind
        and what it listed."""
        entry = self._urls.setdefault(fetched.url, {})
        if not fetched.not_modified:
            entry["etag"] = fetched.validators.etag
            entry["last_modified"] = fetched.validators.last_modified
        entry["fetched"] = dt.datetime.now(dt.UTC).isoformat()
        if listing is not None:
            entry["kind"] = kind
            entry["listing"] = [
                {
                    "url": item.url,
                    "lastmod": item.lastmod.isoformat() if item.lastmod else None,
                    "inline": item.inline,
                    "fallback": item.fallback,
                }
                for item in listing
            ]

    def forget(self, url: str) -> None:
        """Drop what is known of a URL (its release could not be stored)."""
        self._urls.pop(url, None)

    def save(self) -> None:
        """Write the file atomically (a killed run leaves the previous one)."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        data = {"urls": self._urls, "robots": self.robots}
        temporary.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(temporary, self._path)
