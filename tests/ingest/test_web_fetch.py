"""The fetcher against a real HTTP server on loopback: conditional requests, limits, robots.txt,
redirects, retries, and one clear line per failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingest.web.fetch import Fetcher, Validators
from retrieval.errors import ReadError
from tests.conftest import free_port
from tests.ingest.web_site import Site, SiteServer


@pytest.fixture
def site() -> Iterator[Site]:
    with SiteServer(Site()) as served:
        served.put("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        served.put("/page", "<html><body><p>Hello</p></body></html>")
        yield served


def fetcher(**options: object) -> Fetcher:
    settings: dict[str, object] = {"user_agent": "presschat-test", "delay": 0, "timeout": 0.5}
    settings.update(options)
    return Fetcher(**settings)  # type: ignore[arg-type]


def reason(f: Fetcher, url: str) -> str:
    with pytest.raises(ReadError) as caught:
        f.get(url)
    assert caught.value.where == url
    assert "\n" not in caught.value.reason
    return caught.value.reason


def test_a_page_is_asked_for_again_with_its_validators_and_not_downloaded(site: Site) -> None:
    with fetcher() as f:
        first = f.get(site.url("/page"))
        assert first.status == 200 and first.body.startswith(b"<html>")
        assert first.validators.etag and first.validators.last_modified
        again = f.get(site.url("/page"), first.validators)
        by_date = f.get(site.url("/page"), Validators(last_modified=first.validators.last_modified))
    assert again.not_modified and again.body == b""
    assert by_date.not_modified
    assert f.counts.not_modified == 2
    assert [h.status for h in site.requests_to("/page")] == [200, 304, 304]
    assert f.counts.bytes_downloaded == site.bodies_sent()  # robots.txt and the page once
    assert f.counts.requests == 4  # robots.txt once, then the page three times


def test_each_failure_is_one_clear_line(site: Site) -> None:
    site.put("/gone", "", status=410)
    site.put("/slow", "<html></html>", delay=2.0)
    site.put("/loop/a", "", location="/loop/b")
    site.put("/loop/b", "", location="/loop/a")
    site.put("/huge", "<html>" + "x" * 20_000 + "</html>")
    site.put("/away", "", location="ftp://127.0.0.1/file")
    with fetcher(retries=0, max_bytes=10_000) as f:
        assert reason(f, site.url("/missing")) == "not found (404)"
        assert reason(f, site.url("/gone")) == "gone (410)"
        assert reason(f, site.url("/slow")) == "timed out after 0.5 s (PRESSCHAT_FETCH_TIMEOUT)"
        assert reason(f, site.url("/loop/a")).startswith("redirect loop: ")
        assert "larger than 10,000 bytes" in reason(f, site.url("/huge"))
        assert reason(f, site.url("/private/x")) == "disallowed by robots.txt"
        assert "only http and https" in reason(f, site.url("/away"))
        assert "only http and https" in reason(f, "file:///etc/passwd")
        assert reason(f, "http://no-such-host.invalid/").startswith("DNS lookup failed: ")
        refused = f"http://127.0.0.1:{free_port()}/page"
        assert reason(f, refused) == "cannot connect: connection refused"
    assert site.requests_to("/private/") == []  # robots.txt is obeyed before any request


def test_timeouts_and_server_errors_are_retried_with_backoff(site: Site) -> None:
    site.put("/flaky", "", status=503)
    waits: list[float] = []
    with fetcher(retries=2, sleep=waits.append) as f:
        assert reason(f, site.url("/flaky")) == "HTTP error (503)"
    assert len(site.requests_to("/flaky")) == 3
    assert waits == [0.5, 1.0]


def test_requests_to_one_host_keep_the_delay(site: Site) -> None:
    waits: list[float] = []
    with fetcher(delay=5.0, sleep=waits.append) as f:
        f.get(site.url("/page"))
        f.get(site.url("/page"))
    assert len(waits) == 2 and all(4.0 < w <= 5.0 for w in waits)  # after robots.txt, the page


def test_run_byte_limit_stops_downloads(site: Site) -> None:
    site.put("/big", "<html>" + "y" * 3000 + "</html>")
    with fetcher(max_run_bytes=5000) as f:
        f.get(site.url("/big"))
        assert "download limit" in reason(f, site.url("/big"))


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (410, True), (403, False), (401, False), (503, False)]
)
def test_robots_txt_missing_forbidden_or_unavailable(
    site: Site, status: int, allowed: bool
) -> None:
    site.put("/robots.txt", "", status=status)
    with fetcher(retries=0) as f:
        if allowed:
            assert f.get(site.url("/page")).status == 200
        else:
            assert "robots.txt" in reason(f, site.url("/page"))
            assert site.requests_to("/page") == []
