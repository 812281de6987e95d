"""HTML for answers and sources in the web chat.

Release text, questions and model output are untrusted: every piece of them is escaped here, and
only the markup this module writes itself reaches the page. Links go out only to http(s) URLs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from answer.attribution import CITATION_MARKER
from ui.locales import CHAT, Words

ENGLISH = Words(CHAT)


def _text(value: Any) -> str:
    return html.escape(str(value or ""), quote=True)


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (no javascript:, data:, ...)."""
    text = str(url or "").strip()
    return text if re.match(r"https?://[^\s\"'<>]+$", text, re.IGNORECASE) else None


def anchor(message_key: str, number: int) -> str:
    """The element id of citation `number` in the message `message_key`."""
    return f"pc-{re.sub(r'[^a-zA-Z0-9_-]', '', message_key)}-{number}"


def _release_line(release: Mapping[str, Any], words: Words) -> str:
    link = safe_url(release.get("url"))
    name = _text(release.get("title")) or _text(words("untitled"))
    head = (
        f'<a href="{_text(link)}" target="_blank" rel="noopener noreferrer">{name}</a>'
        if link
        else name
    )
    paragraph = release.get("paragraph")
    where = words("paragraph", number=paragraph + 1) if isinstance(paragraph, int) else ""
    date = words.date(release.get("date"))
    meta = " · ".join(_text(part) for part in (date, where) if part)
    return f'{head} <span class="pc-meta">{meta}</span>'


def _paragraphs(text: str) -> str:
    return "<br>".join(_text(line) for line in text.split("\n"))


def _with_quote(text: str, quote: Any) -> str:
    """The paragraph as HTML, its quoted sentence (what the answer cites it for) marked."""
    at = text.find(quote) if isinstance(quote, str) and quote else -1
    if at < 0:
        return _paragraphs(text)
    end = at + len(quote)
    marked = f'<mark class="pc-hl">{_paragraphs(quote)}</mark>'
    return _paragraphs(text[:at]) + marked + _paragraphs(text[end:])


def answer_html(answer: Mapping[str, Any], message_key: str, words: Words = ENGLISH) -> str:
    """An answer as chat HTML: its text with each kept [n] linked to the cited paragraph, then
    the cited paragraphs themselves (release, date, paragraph number, link to the original)."""
    numbers = {int(c["number"]) for c in answer.get("citations", [])}

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number not in numbers:
            return match.group(0)
        return f'<a class="pc-cite" href="#{anchor(message_key, number)}">[{number}]</a>'

    body = CITATION_MARKER.sub(link, _paragraphs(str(answer.get("answer", ""))))
    return body + citations_html(answer.get("citations", []), message_key, words)


def citations_html(
    citations: Iterable[Mapping[str, Any]], message_key: str, words: Words = ENGLISH
) -> str:
    """The cited paragraphs of one answer, each with the id its [n] links to and the sentence
    it is cited for marked."""
    items = [
        f'<li id="{anchor(message_key, int(c["number"]))}" class="pc-citation">'
        f'<span class="pc-num">[{int(c["number"])}]</span> '
        f"{_release_line(c, words)}"
        f'<blockquote class="pc-quote">{_with_quote(str(c.get("text", "")), c.get("quote"))}'
        "</blockquote></li>"
        for c in citations
    ]
    if not items:
        return ""
    return '<ol class="pc-citations">' + "".join(items) + "</ol>"


def sources_html(
    sources: Iterable[Mapping[str, Any]],
    *,
    cited: Iterable[int] = (),
    status: str = "",
    words: Words = ENGLISH,
) -> str:
    """The sources panel: the retrieved paragraphs in the order given to the model (numbered as
    the model saw them), the cited ones marked."""
    cited_numbers = set(cited)
    rows = []
    for number, source in enumerate(sources, start=1):
        mark = " pc-cited" if number in cited_numbers else ""
        line = _release_line(source, words)
        rows.append(
            f'<li class="pc-source{mark}" data-number="{number}">'
            f'<span class="pc-num">[{number}]</span> {line}'
            f'<div class="pc-quote">{_paragraphs(str(source.get("text", "")))}</div></li>'
        )
    head = f'<p class="pc-status">{_text(status)}</p>' if status else ""
    if not rows:
        empty = f'<p class="pc-status">{_text(words("no_sources"))}</p>'
        return f'<div class="pc-sources">{head or empty}</div>'
    return f'<div class="pc-sources">{head}<ol class="pc-source-list">{"".join(rows)}</ol></div>'


def question_html(question: str) -> str:
    """A user's question as chat HTML (escaped; line breaks kept)."""
    return _paragraphs(question)
