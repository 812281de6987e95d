import datetime as dt
from pathlib import Path

from ingest.html_page import parse_html_release


def test_justice_gov_page_without_navigation_or_footer(data_dir: Path) -> None:
    path = data_dir / "releases" / "justice_page.html"
    release = parse_html_release(path.read_text(), str(path))
    assert release.title == "Texas Man Sentenced for Wire Fraud Scheme"
    assert release.date == dt.date(2017, 4, 12)
    assert release.url == "https://www.justice.gov/opa/pr/texas-man-sentenced-wire-fraud-scheme"
    assert release.release_id == release.url
    assert release.language == "en"
    assert release.paragraphs == (
        "A Houston man was sentenced today to 87 months in prison for defrauding investors of "
        "$4.2 million in a Ponzi scheme.",
        "According to court documents, the man promised investors returns of 20 percent per "
        "month from oil and gas leases.",
        "The FBI investigated the case.",
    )


def test_gov_kz_page_with_meta_date_and_menus(data_dir: Path) -> None:
    path = data_dir / "releases" / "govkz_page.html"
    release = parse_html_release(path.read_text(), str(path))
    assert release.title == "Министр встретился с послом Японии"
    assert release.date == dt.date(2025, 9, 12)
    assert release.language == "ru"
    assert "lang=ru" in release.url
    text = " ".join(release.paragraphs)
    assert "авиарейса Астана — Токио" in text
    assert "Главная" not in text and "Все права защищены" not in text
    assert len(release.paragraphs) == 2


def test_article_text_without_paragraph_tags() -> None:
    html = (
        "<html><body><article><h1>Title here</h1>Line one of the body.<br><br>"
        "Line two.</article></body></html>"
    )
    release = parse_html_release(html, "x.html")
    assert release.title == "Title here"
    assert "Line one of the body." in " ".join(release.paragraphs)
