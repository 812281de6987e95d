"""A small press site served on loopback by a real http.server, for the web ingest tests.

Pages can be changed, removed (404 or 410), slowed down or redirected between runs; every
request is logged with its status and the body bytes sent, so tests can count what a sync cost.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str = ""
    delay: float = 0.0
    modified: float = 1_750_000_000.0  # Last-Modified, as a Unix time
    validators: bool = True  # sends ETag and Last-Modified, answers 304


@dataclass
class Hit:
    path: str
    status: int
    sent: int
    conditional: bool


@dataclass
class Site:
    """The pages by path, and the log of requests; `base` is http://127.0.0.1:<port>."""

    pages: dict[str, Page] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: str | bytes, **options: object) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = Page(data, **options)  # type: ignore[arg-type]

    def requests_to(self, prefix: str = "/") -> list[Hit]:
        return [h for h in self.hits if h.path.startswith(prefix)]

    def bodies_sent(self, prefix: str = "/") -> int:
        return sum(h.sent for h in self.requests_to(prefix))


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            page = site.pages.get(self.path)
            conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
            if page is None:
                self._answer(Hit(self.path, 404, 0, conditional), b"not found", "text/plain")
                return
            if page.delay:  # logged on arrival (status 0): the client gives up before the answer
                site.hits.append(Hit(self.path, 0, 0, conditional))
                time.sleep(page.delay)
                return
            if page.location:
                status = page.status if 300 <= page.status < 400 else 302
                site.hits.append(Hit(self.path, status, 0, conditional))
                self.send_response(status)
                self.send_header("Location", page.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
            modified = formatdate(page.modified, usegmt=True)
            if page.status == 200 and page.validators and self._not_modified(etag, page):
                site.hits.append(Hit(self.path, 304, 0, conditional))
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            extra = {"ETag": etag, "Last-Modified": modified} if page.validators else {}
            self._answer(
                Hit(self.path, page.status, len(page.body), conditional),
                page.body,
                page.content_type,
                extra,
            )

        def _not_modified(self, etag: str, page: Page) -> bool:
            if "If-None-Match" in self.headers:
                return self.headers["If-None-Match"] == etag
            since = self.headers.get("If-Modified-Since")
            if since:
                return parsedate_to_datetime(since).timestamp() >= int(page.modified)
            return False

        def _answer(
            self, hit: Hit, body: bytes, content_type: str, extra: dict[str, str] | None = None
        ) -> None:
            site.hits.append(hit)  # before answering: the client may look at once
            self.send_response(hit.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            # The client may give up part-way (a page over its byte limit).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class SiteServer:
    """Serves a Site on loopback in a thread while in a `with` block."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
        self._server.daemon_threads = True
        site.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self._thread.start()
        return self.site

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def gov_kz_page(language: str, number: int, title: str, paragraphs: list[str]) -> str:
    """A page shaped like a gov.kz release: header menu, cookie banner, share bar, footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<title>{title} | gov.kz</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2025-09-{number:02d}T10:30:00+05:00">
</head><body>
<div class="cookie-banner">This site uses cookies. <button>Accept</button></div>
<header><nav class="header-menu"><a href="/{language}">Home</a>
<a href="/{language}/about">About the ministry</a>
<a href="/{language}/contacts">Contacts</a></nav></header>
<div class="content"><div class="news-detail">
<h1>{title}</h1>
<div class="news-date">{number:02d}.09.2025</div>
{body}
<div class="share-bar">Share: Facebook Telegram WhatsApp</div>
</div></div>
<footer><div class="footer-links"><p>© 2025 Ministry of Foreign Affairs of the Republic of
Kazakhstan. All rights reserved by law.</p></div></footer>
</body></html>"""


def justice_page(slug: str, title: str, paragraphs: list[str]) -> str:
    """A page shaped like a justice.gov press release."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | OPA | Department of Justice</title>
<meta property="og:site_name" content="justice.gov">
</head><body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li>
<li><a href="/news">News</a></li></ul></nav></header>
<div class="breadcrumb"><a href="/">Justice.gov</a> › Office of Public Affairs</div>
<main id="main"><h1 id="page-title">{title}</h1>
<div class="pr-date"><span class="date-display-single">Wednesday, April 12, 2017</span></div>
<div class="field--name-field-pr-body">{body}</div>
<div class="share-links">Share this: Facebook Twitter</div></main>
<aside class="sidebar"><h2>Related content</h2><p>Other press releases you might like.</p></aside>
<footer class="site-footer"><p>Department of Justice, 950 Pennsylvania Avenue NW</p></footer>
</body></html>"""


def sitemap(base: str, entries: list[tuple[str, str]]) -> str:
    """A <urlset> of (path, lastmod) pairs (lastmod may be '')."""
    rows = "".join(
        f"<url><loc>{base}{path}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>"
        for path, mod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'
    )


def sitemap_index(base: str, paths: list[str]) -> str:
    rows = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'
    )
