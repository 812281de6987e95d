"""A saved release web page (gov.kz, justice.gov and similar): title, date, url, body paragraphs.

Navigation, menus, headers, footers, sidebars and share widgets are removed before the body is
chosen; the body is the article element when the page marks one, else the element holding most
paragraph text.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Tag

from ingest.release import build_release, clean_paragraph, split_blocks
from retrieval.dates import parse_date
from retrieval.errors import ReadError
from retrieval.types import Release

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
    "template",
    "select",
    "input",
)
_BOILERPLATE = re.compile(
    r"(^|[-_ ])(nav|navbar|navigation|menu|breadcrumbs?|footer|header|sidebar|share|social|"
    r"cookie|related|banner|subscribe|pager|pagination|skip|search|logo|contentinfo|"
    r"complementary)($|[-_ ])",
    re.IGNORECASE,
)
_BODY_SELECTORS = (
    "[itemprop=articleBody]",
    ".field--name-body",
    ".field--name-field-pr-body",
    "article",
    "main",
    "[role=main]",
)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "date",
    "dc.date",
    "dcterms.date",
    "pubdate",
    "publish-date",
    "datepublished",
)
_DATE_IN_TEXT = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2},\s+\d{4}|\d{1,2}\s+(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\s+\d{4})\b"
)
_DATE_ELEMENTS = "time, .date-display-single, .date, .news-date, .pr-date, [itemprop=datePublished]"
_BLOCKS = ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "pre", "div", "td", "dd")


def parse_html_release(html: str, source_path: str) -> Release:
    """Read one release from a saved HTML page."""
    soup = BeautifulSoup(html, "lxml")
    url = _meta(soup, "og:url") or _link(soup, "canonical")
    site = _meta(soup, "og:site_name") or (urlparse(url).hostname or "")
    page_title = _meta(soup, "og:title") or (soup.title.get_text() if soup.title else "")
    # Menus, logos and sidebars go first, so that their headings and dates are never taken.
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_boilerplate):
        tag.decompose()
    date = _date(soup)
    body = _body(soup)
    if body is None:
        raise ReadError(source_path, "no article text found in the HTML page")
    h1 = body.find("h1") or soup.find("h1")
    if isinstance(h1, Tag) and h1.get_text(strip=True):
        title = clean_paragraph(h1.get_text(" "))
        h1.decompose()
    else:
        title = re.split(r"\s+[|–—-]\s+", page_title.strip())[0]
    for tag in body.select(_DATE_ELEMENTS):
        if _is_date(tag.get_text(" ", strip=True)):  # a dateline block, not text in a sentence
            tag.decompose()
    return build_release(
        where=source_path,
        source_path=source_path,
        title=title,
        date=date,
        paragraphs=_paragraphs(body),
        url=url,
        site=site,
        language=str(soup.html.get("lang", "")).split("-")[0] if soup.html else "",
    )


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in ("html", "body") or getattr(tag, "attrs", None) is None:
        return False
    classes: list[str] = list(tag.get("class") or [])
    names = " ".join([*classes, str(tag.get("id", "")), str(tag.get("role", ""))])
    return bool(names.strip()) and bool(_BOILERPLATE.search(names))


def _meta(soup: BeautifulSoup, key: str) -> str:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return str(tag.get("content", "")).strip() if isinstance(tag, Tag) else ""


def _link(soup: BeautifulSoup, rel: str) -> str:
    tag = soup.find("link", rel=rel)
    return str(tag.get("href", "")).strip() if isinstance(tag, Tag) else ""


def _date(soup: BeautifulSoup) -> dt.date | None:
    candidates = [_meta(soup, key) for key in _DATE_META]
    for tag in soup.find_all("time"):
        candidates.append(str(tag.get("datetime", "")) or tag.get_text(" ", strip=True))
    for tag in soup.select(_DATE_ELEMENTS):
        candidates.append(str(tag.get("content", "")) or tag.get_text(" ", strip=True))
    for value in candidates:
        if value:
            try:
                return parse_date(value)
            except ValueError:
                continue
    for match in _DATE_IN_TEXT.finditer(soup.get_text(" ")):
        try:
            return parse_date(match[1])
        except ValueError:  # looks like a date but is none, e.g. 45.67.2024
            continue
    return None


def _is_date(text: str) -> bool:
    try:
        parse_date(re.sub(r"^\w+day,\s*", "", text))  # "Wednesday, April 12, 2017"
    except ValueError:
        return False
    return True


def _body(soup: BeautifulSoup) -> Tag | None:
    for selector in _BODY_SELECTORS:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    best: Tag | None = None
    best_length = 0
    for paragraph in soup.find_all("p"):
        parent = paragraph.parent
        if not isinstance(parent, Tag):
            continue
        length = sum(len(p.get_text(strip=True)) for p in parent.find_all("p", recursive=False))
        if length > best_length:
            best, best_length = parent, length
    if best is None and soup.body is not None and soup.body.get_text(strip=True):
        return soup.body
    return best


def _paragraphs(body: Tag) -> list[str]:
    """Text of the innermost block elements, in order; <br><br> inside a block splits it."""
    for br in body.find_all("br"):
        br.replace_with("\n")
    leaves = [b for b in body.find_all(_BLOCKS) if not b.find(_BLOCKS)]
    if not leaves:
        return split_blocks(body.get_text())
    paragraphs: list[str] = []
    for leaf in leaves:
        paragraphs.extend(split_blocks(leaf.get_text()))
    return paragraphs
