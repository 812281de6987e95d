"""Polite HTTP fetching: robots.txt, a delay per host, retries, size limits, redirects checked one
by one, and conditional requests.

Every problem with one URL is a ReadError naming the URL with a one-line reason (DNS, refused,
404, 410, timeout, too large, redirect loop, disallowed by robots.txt); it fails that URL only.
"""

from __future__ import annotations

import logging
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from retrieval.errors import ReadError
from retrieval.settings import Settings

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_BACKOFF = 0.5  # seconds before the first retry; doubled for each further one


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version it sent, to ask "changed since?" next time."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators allow."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """A successful answer: 200 with its body, or 304 (not modified) with none."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    validators: Validators

    @property
    def not_modified(self) -> bool:
        """The server said the version we hold is current (304)."""
        return self.status == 304


@dataclass
class FetchCounts:
    """What a run cost: requests sent, of them answered 304, and body bytes received."""

    requests: int = 0
    not_modified: int = 0
    bytes_downloaded: int = 0


class Fetcher:
    """Fetches URLs one at a time for one run, keeping to robots.txt and the limits given."""

    def __init__(
        self,
        *,
        user_agent: str,
        delay: float = 1.0,
        timeout: float = 20.0,
        retries: int = 2,
        max_bytes: int = 5 * 2**20,
        max_run_bytes: int = 500 * 2**20,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        robots_cache: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
        )
        self._agent = user_agent
        self._delay = delay
        self._timeout = timeout
        self._retries = retries
        self._max_bytes = max_bytes
        self._max_run_bytes = max_run_bytes
        self._sleep = sleep
        self._robots: dict[str, urllib.robotparser.RobotFileParser | ReadError] = {}
        # robots.txt bodies with their validators from earlier runs, asked for conditionally
        self._robots_cache = robots_cache if robots_cache is not None else {}
        self._last_request: dict[str, float] = {}
        self.counts = FetchCounts()

    @classmethod
    def from_settings(
        cls, settings: Settings, robots_cache: dict[str, dict[str, str]] | None = None
    ) -> Fetcher:
        """A fetcher with the limits the settings name."""
        return cls(
            robots_cache=robots_cache,
            user_agent=settings.user_agent,
            delay=settings.fetch_delay,
            timeout=settings.fetch_timeout,
            retries=settings.fetch_retries,
            max_bytes=settings.fetch_max_bytes,
            max_run_bytes=settings.fetch_max_run_bytes,
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, validators: Validators | None = None) -> Fetched:
        """The URL's body (or 304 when `validators` still hold); raises ReadError naming `url`."""
        current = url
        visited = [url]
        headers = validators.headers() if validators else {}
        for _ in range(_MAX_REDIRECTS + 1):
            _check_scheme(url, current)
            if not self._allowed(current):
                raise ReadError(url, _via(url, current, "disallowed by robots.txt"))
            response, body = self._send(url, current, headers)
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                target = urljoin(current, location.strip())
                if target in visited:
                    raise ReadError(url, "redirect loop: " + " -> ".join([*visited, target]))
                visited.append(target)
                current = target
                continue
            return self._answer(url, current, response, body)
        raise ReadError(url, f"more than {_MAX_REDIRECTS} redirects")

    def _answer(self, url: str, final: str, response: httpx.Response, body: bytes) -> Fetched:
        status = response.status_code
        if status == 304:
            self.counts.not_modified += 1
        elif status != 200:
            raise ReadError(url, _via(url, final, _status_reason(response)))
        content_type, _, params = response.headers.get("content-type", "").partition(";")
        charset = None
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip("\"' ").lower()
        return Fetched(
            url=url,
            final_url=final,
            status=status,
            content_type=content_type.strip().lower(),
            charset=charset,
            body=body,
            validators=Validators(
                response.headers.get("etag", ""), response.headers.get("last-modified", "")
            ),
        )

    def _send(
        self, url: str, current: str, headers: dict[str, str]
    ) -> tuple[httpx.Response, bytes]:
        """One request, retried after timeouts and 5xx answers; the body read within limits."""
        attempt = 0
        while True:
            self._wait_for_host(current)
            self.counts.requests += 1
            try:
                with self._client.stream("GET", current, headers=headers) as response:
                    if response.status_code >= 500 and attempt < self._retries:
                        raise _Retry
                    if response.status_code != 200:
                        return response, b""
                    return response, self._read_body(url, response)
            except (_Retry, httpx.TimeoutException) as exc:
                if attempt >= self._retries:
                    raise ReadError(url, _via(url, current, self._timed_out())) from None
                log.info("retrying %s after %s", current, type(exc).__name__)
                self._sleep(_BACKOFF * 2**attempt)
                attempt += 1
            except httpx.HTTPError as exc:
                raise ReadError(url, _via(url, current, _connect_reason(exc))) from None

    def _timed_out(self) -> str:
        return f"timed out after {self._timeout:g} s (PRESSCHAT_FETCH_TIMEOUT)"

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        too_large = f"larger than {self._max_bytes:,} bytes (PRESSCHAT_FETCH_MAX_BYTES)"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise ReadError(url, too_large)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            self.counts.bytes_downloaded += len(chunk)
            if size > self._max_bytes:
                raise ReadError(url, too_large)
            if self.counts.bytes_downloaded > self._max_run_bytes:
                raise ReadError(
                    url,
                    f"download limit of {self._max_run_bytes:,} bytes per run reached "
                    "(PRESSCHAT_FETCH_MAX_RUN_BYTES)",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        robots = self._robots.get(_origin(url))
        delay = self._delay
        if isinstance(robots, urllib.robotparser.RobotFileParser):
            delay = max(delay, float(robots.crawl_delay(self._agent) or 0))
        last = self._last_request.get(host)
        if last is not None and delay > 0:
            wait = last + delay - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = time.monotonic()

    def _allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets us fetch it (read once per run)."""
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        robots = self._robots[origin]
        if isinstance(robots, ReadError):
            raise ReadError(url, robots.reason)
        return robots.can_fetch(self._agent, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | ReadError:
        """RFC 9309: no robots.txt (4xx) allows everything, 401/403 and an unavailable one (5xx)
        nothing; a host that cannot be reached fails its URLs with the same reason."""
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            status, body = self._robots_txt(origin + "/robots.txt")
        except ReadError as exc:
            return ReadError(origin, exc.reason)
        if status == 200:
            parser.parse(body.decode("utf-8", "replace").splitlines())
        elif status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif status >= 500:
            return ReadError(origin, f"robots.txt unavailable (HTTP {status}): not fetching")
        else:
            parser.parse([])
        return parser

    def _robots_txt(self, url: str) -> tuple[int, bytes]:
        """robots.txt's status and body, following redirects (RFC 9309 asks for five); a copy
        from an earlier run is asked for with its validators."""
        cached = self._robots_cache.get(url)
        validators = Validators(cached["etag"], cached["last_modified"]) if cached else None
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            headers = validators.headers() if validators and current == url else {}
            response, body = self._send(url, current, headers)
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                current = urljoin(current, location.strip())
                continue
            if response.status_code == 304 and cached:
                self.counts.not_modified += 1
                return 200, cached["body"].encode()
            if response.status_code == 200 and current == url:
                self._robots_cache[url] = {
                    "etag": response.headers.get("etag", ""),
                    "last_modified": response.headers.get("last-modified", ""),
                    "body": body.decode("utf-8", "replace"),
                }
            return response.status_code, body
        return 404, b""  # a redirect chain that never ends: as if there were none


class _Retry(Exception):
    """A 5xx answer worth asking again."""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _check_scheme(url: str, current: str) -> None:
    scheme = urlsplit(current).scheme.lower()
    if scheme not in ("http", "https"):
        raise ReadError(url, _via(url, current, f"only http and https are fetched, not {scheme!r}"))
    if not urlsplit(current).hostname:
        raise ReadError(url, _via(url, current, "no host in the URL"))


def _via(url: str, current: str, reason: str) -> str:
    return reason if current == url else f"{reason} (redirected to {current})"


def _status_reason(response: httpx.Response) -> str:
    names = {404: "not found", 410: "gone", 401: "unauthorized", 403: "forbidden"}
    code = response.status_code
    return f"{names.get(code, 'HTTP error')} ({code})" if code >= 400 else f"HTTP status {code}"


def _connect_reason(exc: httpx.HTTPError) -> str:
    text = str(exc)
    lowered = text.lower()
    if any(
        s in lowered
        for s in ("name or service not known", "nodename nor servname", "name resolution")
    ):
        return f"DNS lookup failed: {text}"
    if "refused" in lowered:
        return "cannot connect: connection refused"
    return f"cannot connect: {text or type(exc).__name__}"
