"""Syncing a small press site on loopback: a sitemap index, feeds and article pages shaped like
gov.kz and justice.gov, with the failures a real site has. Each test checks the store's releases
and what a run cost: requests, bodies downloaded, and paragraphs embedded."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.pipeline import IngestReport
from ingest.web.sync import ingest_sources
from presschat.cli import cli
from retrieval.embedders import FakeEmbedder
from retrieval.index import Index
from retrieval.settings import Settings, load_settings
from tests.ingest.web_site import (
    Site,
    SiteServer,
    gov_kz_page,
    justice_page,
    sitemap,
    sitemap_index,
)

KZ = {
    "en": (
        "Minister met the Ambassador of Japan",
        [
            "Minister of Foreign Affairs Murat Nurtleu met the Ambassador of Japan and discussed "
            "a direct flight between Astana and Tokyo.",
            "The parties agreed to launch the flight in the spring of 2026.",
        ],
    ),
    "ru": (
        "Министр встретился с послом Японии",
        [
            "Министр иностранных дел Мурат Нуртлеу встретился с Послом Японии и обсудил открытие "
            "прямого авиарейса Астана — Токио.",
            "Стороны договорились запустить рейс весной 2026 года.",
        ],
    ),
    "kk": (
        "Министр Жапония елшісімен кездесті",
        [
            "Сыртқы істер министрі Мұрат Нұртілеу Жапония елшісімен кездесіп, Астана — Токио "
            "тікелей әуе рейсін ашуды талқылады.",
            "Тараптар рейсті 2026 жылдың көктемінде іске қосуға келісті.",
        ],
    ),
}
FRAUD = [
    "A Houston man was sentenced today to 87 months in prison for defrauding investors of "
    "$4.2 million in a Ponzi scheme.",
    "According to court documents, the man promised investors returns of 20 percent per month.",
]
OLD = "2025-09-01"
GOOD = ["/en/press/1001", "/ru/press/1001", "/kk/press/1001", "/opa/pr/fraud", "/en/press/1002"]
BROKEN = ["/en/press/slow", "/en/press/huge", "/loop/a", "/files/report.pdf", "/private/secret"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path / "store",
        embedder="fake",
        fetch_delay=0,
        fetch_timeout=0.5,
        fetch_retries=0,
        fetch_max_bytes=50_000,
    )


def build_site(site: Site) -> None:
    site.put("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for language, (title, paragraphs) in KZ.items():
        site.put(f"/{language}/press/1001", gov_kz_page(language, 12, title, paragraphs))
    site.put("/opa/pr/fraud", justice_page("fraud", "Texas Man Sentenced for Fraud", FRAUD))
    site.put("/en/press/1002", gov_kz_page("en", 14, "Water talks", ["Round one of talks."]))
    site.put("/en/press/1003", gov_kz_page("en", 15, "Visa rules", ["Visa rules change."]))
    site.put("/en/press/slow", gov_kz_page("en", 1, "Slow", ["Slow page."]), delay=2.0)
    site.put("/en/press/huge", gov_kz_page("en", 2, "Huge", ["word " * 20_000]))
    site.put("/loop/a", "", location="/loop/b")
    site.put("/loop/b", "", location="/loop/a")
    site.put("/files/report.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    site.put("/private/secret", gov_kz_page("en", 3, "Secret", ["Not for robots."]))
    write_sitemap(site, [(p, OLD) for p in [*GOOD, "/en/press/1003"]] + [(p, "") for p in BROKEN])


def write_sitemap(site: Site, entries: list[tuple[str, str]]) -> None:
    site.put("/sitemap.xml", sitemap_index(site.base, ["/sitemaps/press.xml"]), **XML)
    site.put("/sitemaps/press.xml", sitemap(site.base, entries), **XML)


XML: dict[str, object] = {"content_type": "application/xml"}


@pytest.fixture
def site() -> Iterator[Site]:
    with SiteServer(Site()) as served:
        build_site(served)
        yield served


def sync(index: Index, *urls: str, prune: bool = False) -> IngestReport:
    return ingest_sources(index, [], list(urls), prune=prune)


def test_a_sitemap_index_brings_in_each_article_once_without_boilerplate(
    site: Site, index: Index, embedder: FakeEmbedder
) -> None:
    report = sync(index, site.url("/sitemap.xml"))

    assert sorted(report.added) == sorted(site.url(p) for p in [*GOOD, "/en/press/1003"])
    reasons = {f.where.removeprefix(site.base): f.reason for f in report.failed}
    assert reasons == {
        "/en/press/slow": "timed out after 0.5 s (PRESSCHAT_FETCH_TIMEOUT)",
        "/en/press/huge": "larger than 50,000 bytes (PRESSCHAT_FETCH_MAX_BYTES)",
        "/loop/a": f"redirect loop: {site.url('/loop/a')} -> {site.url('/loop/b')} -> "
        f"{site.url('/loop/a')}",
        "/files/report.pdf": "not an HTML page (application/pdf)",
        "/private/secret": "disallowed by robots.txt",
    }
    assert site.requests_to("/private/") == []
    for language, (title, paragraphs) in KZ.items():
        summary, chunks = index.store.release(site.url(f"/{language}/press/1001")) or (None, [])
        assert summary is not None
        assert (summary.title, summary.language, summary.date) == (
            title,
            language,
            dt.date(2025, 9, 12),
        )
        assert summary.url == site.url(f"/{language}/press/1001")
        text = " ".join(t for _, t in chunks)
        assert paragraphs[0] in text and paragraphs[1] in text
        for boilerplate in ("cookies", "Share", "About the ministry", "All rights reserved"):
            assert boilerplate not in text
    fraud = index.store.release(site.url("/opa/pr/fraud"))
    assert fraud is not None
    assert [t for _, t in fraud[1]] == FRAUD
    assert (fraud[0].title, fraud[0].date) == (
        "Texas Man Sentenced for Fraud",
        dt.date(2017, 4, 12),
    )
    assert report.chunks_embedded == embedder.passages_embedded > 0
    assert report.requests == len(site.hits)
    assert report.bytes_downloaded > 0
    assert "not modified" in report.summary_line()


def test_a_second_sync_of_an_unchanged_site_fetches_no_page_and_embeds_nothing(
    site: Site, index: Index, embedder: FakeEmbedder
) -> None:
    sync(index, site.url("/sitemap.xml"))
    before, embedded = len(site.hits), embedder.passages_embedded

    again = sync(index, site.url("/sitemap.xml"))

    hits = site.hits[before:]
    assert (len(again.added), len(again.updated), again.unchanged) == (0, 0, 6)
    assert embedder.passages_embedded == embedded and again.chunks_embedded == 0
    assert [(h.path, h.status) for h in hits if h.path.startswith("/sitemap")] == [
        ("/sitemap.xml", 304),
        ("/sitemaps/press.xml", 304),
    ]
    assert [h for h in hits if h.path in GOOD] == []  # <lastmod> not newer than the last fetch
    assert again.not_modified == 3  # the two sitemaps and robots.txt
    assert len(again.failed) == len(BROKEN)  # still failing, one line each, nothing lost
    assert len(index.store.releases()) == 6


def test_changed_removed_and_gone_pages(site: Site, index: Index) -> None:
    sync(index, site.url("/sitemap.xml"))
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    site.put("/en/press/1002", gov_kz_page("en", 14, "Water talks", ["Round two of talks."]))
    site.put("/en/press/1003", "", status=410)
    site.put("/kk/press/1001", "", status=404)
    entries = [(p, OLD) for p in GOOD if p not in ("/en/press/1002", "/kk/press/1001")]
    write_sitemap(
        site, [*entries, ("/en/press/1002", now.isoformat()), ("/kk/press/1001", now.isoformat())]
    )

    report = sync(index, site.url("/sitemap.xml"), prune=True)

    assert report.updated == [site.url("/en/press/1002")]
    assert report.removed == [site.url("/en/press/1003")]  # gone from the sitemap
    assert [(f.where, f.reason) for f in report.failed] == [
        (site.url("/kk/press/1001"), "not found (404)")
    ]
    assert index.store.release(site.url("/kk/press/1001")) is not None  # a 404 loses nothing
    changed = index.store.release(site.url("/en/press/1002"))
    assert changed is not None and changed[1] == [(0, "Round two of talks.")]


def test_feeds_follow_links_use_their_own_text_and_never_prune(
    site: Site, index: Index, embedder: FakeEmbedder
) -> None:
    long_text = "".join(
        f"<p>Paragraph {i} of the full text carried by the feed.</p>" for i in range(12)
    )
    site.put(
        "/feed.rss",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>MFA</title>
<item><title>Minister met the Ambassador of Japan</title><link>{site.url("/en/press/1001")}</link>
<pubDate>Fri, 12 Sep 2025 10:00:00 GMT</pubDate></item>
<item><title>Fraud</title><link>{site.url("/opa/pr/fraud")}</link></item>
</channel></rss>""",
        content_type="application/rss+xml",
    )
    site.put(
        "/atom.xml",
        f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>News</title><id>urn:x</id><updated>2025-09-20T00:00:00Z</updated>
<entry><title>Full text in the feed</title><id>urn:1</id><link href="{site.url("/en/news/1")}"/>
<updated>2025-09-20T00:00:00Z</updated>
<content type="html"><![CDATA[{long_text}]]></content></entry>
<entry><title>Summary only</title><id>urn:2</id><link href="{site.url("/en/news/2")}"/>
<updated>2025-09-21T00:00:00Z</updated>
<summary>The page is gone, but the feed says what the release was about.</summary></entry>
</feed>""",
        content_type="application/atom+xml",
    )
    first = sync(index, site.url("/feed.rss"), site.url("/atom.xml"))
    assert sorted(first.added) == sorted(
        site.url(p) for p in ["/en/press/1001", "/opa/pr/fraud", "/en/news/1", "/en/news/2"]
    )
    assert first.ok, first.failed
    assert site.requests_to("/en/news/1") == []  # the feed carried its text
    inline = index.store.release(site.url("/en/news/1"))
    assert inline is not None and len(inline[1]) >= 1 and inline[0].title == "Full text in the feed"
    summary = index.store.release(site.url("/en/news/2"))
    assert summary is not None and "the feed says" in summary[1][0][1]
    before, embedded = len(site.hits), embedder.passages_embedded

    again = sync(index, site.url("/feed.rss"), site.url("/atom.xml"), prune=True)

    hits = site.hits[before:]
    assert again.unchanged == 4 and again.removed == [] and again.ok
    assert embedder.passages_embedded == embedded
    assert [h.path for h in hits if h.status == 200] == [] and again.bytes_downloaded == 0
    assert {(h.path, h.status) for h in hits} >= {
        ("/robots.txt", 304),
        ("/feed.rss", 304),
        ("/atom.xml", 304),
        ("/en/press/1001", 304),
        ("/opa/pr/fraud", 304),
    }


def test_the_command_line_mixes_files_and_urls_and_syncs_the_sources(
    site: Site, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "DATA_DIR": str(tmp_path / "cli"),
        "EMBEDDER": "fake",
        "FETCH_DELAY": "0",
        "FETCH_TIMEOUT": "0.5",
        "FETCH_RETRIES": "0",
    }.items():
        monkeypatch.setenv(f"PRESSCHAT_{name}", value)
    runner = CliRunner()
    page = site.url("/opa/pr/fraud")
    result = runner.invoke(
        cli, ["ingest", "-q", "--json", str(data_dir / "releases"), page], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 10 and summary["files"] > 0 and summary["requests"] == 2

    monkeypatch.setenv("PRESSCHAT_SOURCES", f"{page},{site.url('/en/press/missing')}")
    synced = runner.invoke(cli, ["sync", "-q"], catch_exceptions=False)
    assert synced.exit_code == 1
    assert f"failed: {site.url('/en/press/missing')}: not found (404)" in synced.stderr
    assert "unchanged 1" in synced.stdout and "2 not modified" in synced.stdout

    monkeypatch.delenv("PRESSCHAT_SOURCES")
    nothing = runner.invoke(cli, ["sync"], catch_exceptions=False)
    assert nothing.exit_code == 2 and "PRESSCHAT_SOURCES" in nothing.output


def test_the_page_limit_leaves_the_rest_for_the_next_run(site: Site, tmp_path: Path) -> None:
    limited = load_settings(
        data_dir=tmp_path / "limited", embedder="fake", fetch_delay=0, fetch_max_pages=2
    )
    index = Index.from_settings(limited, embedder=FakeEmbedder())
    pages = ["/en/press/1001", "/ru/press/1001", "/kk/press/1001"]
    site.put("/press/sitemap.xml", sitemap(site.base, [(p, OLD) for p in pages]), **XML)

    first = sync(index, site.url("/press/sitemap.xml"))
    second = sync(index, site.url("/press/sitemap.xml"))

    assert len(first.added) == 2
    assert [f.reason for f in first.failed] == [
        "page limit of 2 per run reached (PRESSCHAT_FETCH_MAX_PAGES): 1 pages left for the next run"
    ]
    assert (len(second.added), second.unchanged, second.ok) == (1, 2, True)


def test_an_article_url_is_asked_for_conditionally_and_re_embeds_only_what_changed(
    site: Site, index: Index, embedder: FakeEmbedder
) -> None:
    page = site.url("/en/press/1001")
    assert sync(index, page).added == [page]
    embedded = embedder.passages_embedded

    same = sync(index, page)
    assert (same.unchanged, same.not_modified, embedder.passages_embedded) == (1, 2, embedded)
    assert same.bytes_downloaded == 0  # the page and robots.txt answered 304

    title, paragraphs = KZ["en"]
    changed = [paragraphs[0], "The parties agreed to launch the flight in the summer of 2026."]
    site.put("/en/press/1001", gov_kz_page("en", 12, title, changed), modified=1_760_000_000.0)
    again = sync(index, page)
    assert again.updated == [page] and again.not_modified == 1  # robots.txt only
    assert embedder.passages_embedded == embedded + 1  # only the changed paragraph
    stored = index.store.release(page)
    assert stored is not None and "summer of 2026" in stored[1][-1][1]


def test_gzipped_sitemaps_and_an_unreadable_state_file(
    site: Site, index: Index, settings: Settings
) -> None:
    import gzip

    xml = sitemap(site.base, [("/opa/pr/fraud", OLD)]).encode()
    site.put("/sitemap.xml.gz", gzip.compress(xml), content_type="application/x-gzip")
    settings.web_state_path.parent.mkdir(parents=True, exist_ok=True)
    settings.web_state_path.write_text("{not json")

    report = sync(index, site.url("/sitemap.xml.gz"))

    assert report.added == [site.url("/opa/pr/fraud")] and report.ok
    assert json.loads(settings.web_state_path.read_text())["urls"]  # written afresh


def test_an_empty_sitemap_prunes_nothing(site: Site, index: Index) -> None:
    sync(index, site.url("/sitemap.xml"))
    write_sitemap(site, [])
    report = sync(index, site.url("/sitemap.xml"), prune=True)
    assert report.removed == [] and len(index.store.releases()) == 6
