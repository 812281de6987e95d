"""Article pages as releases: trafilatura's article, the site reader as fallback, the language
a gov.kz URL names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.web import pages
from ingest.web.pages import decode_html, read_page, url_language


@pytest.mark.parametrize(
    ("url", "language"),
    [
        ("https://www.gov.kz/memleket/entities/mfa/press/news/details/1?lang=kk", "kk"),
        ("https://www.gov.kz/ru/memleket/entities/mfa/press/news/details/1", "ru"),
        ("https://www.gov.kz/en/news/1", "en"),
        ("https://www.justice.gov/opa/pr/entry", ""),
        ("https://example.com/enterprise/ru-news", ""),
    ],
)
def test_the_url_names_the_language(url: str, language: str) -> None:
    assert url_language(url) == language


def test_an_article_page_without_menus_share_bars_or_footers(data_dir: Path) -> None:
    html = (data_dir / "releases" / "justice_page.html").read_text()
    url = "https://www.justice.gov/opa/pr/texas-man-sentenced-wire-fraud-scheme"
    release = read_page(html, url)
    assert release.release_id == release.url == url
    assert release.title == "Texas Man Sentenced for Wire Fraud Scheme"
    assert release.date == dt.date(2017, 4, 12)
    assert release.language == "en"
    assert release.paragraphs == (
        "A Houston man was sentenced today to 87 months in prison for defrauding investors of "
        "$4.2 million in a Ponzi scheme.",
        "According to court documents, the man promised investors returns of 20 percent per "
        "month from oil and gas leases.",
        "The FBI investigated the case.",
    )


def test_the_site_reader_takes_over_when_trafilatura_finds_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages.trafilatura, "bare_extraction", lambda *a, **k: None)
    html = (data_dir / "releases" / "govkz_page.html").read_text()
    url = "https://www.gov.kz/kk/memleket/entities/mfa/press/news/details/100001"
    release = read_page(html, url)
    assert release.title == "Министр встретился с послом Японии"
    assert release.date == dt.date(2025, 9, 12)
    assert release.language == "kk"  # the URL's language wins over the page's lang attribute
    assert release.release_id == url
    assert len(release.paragraphs) == 2 and "Все права" not in " ".join(release.paragraphs)


def test_pages_decode_in_the_charset_they_name() -> None:
    body = "<html><head><meta charset='windows-1251'></head>Привет</html>".encode("cp1251")
    assert "Привет" in decode_html(body, None)
    assert "Привет" in decode_html("Привет".encode("koi8-r"), "koi8-r")
