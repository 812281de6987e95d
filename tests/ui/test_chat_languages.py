"""The web chat in Russian and Kazakh browsers, the page's language picker, and a question sent
while an answer streams (real Chromium; see test_browser.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.ui.conftest import Site
from tests.ui.test_browser import TIMEOUT, _ask_in_chat, browser, slow_site  # noqa: F401

pytestmark = pytest.mark.browser


def _open(browser: Browser, site: Site, locale: str) -> Page:  # noqa: F811
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(site.url)
    return page


@pytest.mark.parametrize(
    ("locale", "ask", "searched", "paragraph", "month"),
    [
        ("ru-RU", "Спросить", "Искали:", "абзац ", " г."),
        ("kk-KZ", "Сұрау", "Іздеу сұрауы:", "-абзац", " ж. "),
    ],
)
def test_the_chat_speaks_the_browsers_language(
    browser: Browser,  # noqa: F811
    slow_site: Site,  # noqa: F811
    locale: str,
    ask: str,
    searched: str,
    paragraph: str,
    month: str,
) -> None:
    page = _open(browser, slow_site, locale)
    expect(page.locator("#pc-ask")).to_have_text(ask)
    _ask_in_chat(page, "What fine did Tyson Foods pay?")
    panel = page.locator("#pc-sources")
    expect(panel.locator(".pc-status")).to_contain_text(searched)
    citation = page.locator("#pc-chat .pc-citation").first
    expect(citation).to_contain_text(paragraph)
    expect(citation.locator(".pc-meta")).to_contain_text(month)  # the date, written locally
    expect(page.locator("#pc-ask")).to_have_text(ask)  # back from "answering" when done
    page.context.close()


def test_the_page_language_picker_overrides_the_browser(
    browser: Browser,  # noqa: F811
    slow_site: Site,  # noqa: F811
) -> None:
    page = _open(browser, slow_site, "en-US")
    expect(page.locator("#pc-ask")).to_have_text("Ask")
    page.locator("#pc-interface-language input").click()
    page.get_by_role("option", name="Қазақша").click()
    expect(page.locator("#pc-ask")).to_have_text("Сұрау")
    page.reload()  # the choice is kept in the browser
    expect(page.locator("#pc-ask")).to_have_text("Сұрау")
    _ask_in_chat(page, "")
    expect(page.get_by_text("Алдымен сұрақты жазыңыз.").first).to_be_visible()
    page.context.close()


def test_a_question_asked_while_an_answer_streams_is_not_dropped(
    browser: Browser,  # noqa: F811
    slow_site: Site,  # noqa: F811
) -> None:
    page = _open(browser, slow_site, "en-US")
    box = page.locator("#pc-question textarea")
    _ask_in_chat(page, "What fine did Tyson Foods pay?")
    # While the answer streams the chat says it is busy and takes no question to lose.
    expect(page.locator("#pc-ask")).to_have_text("Answering…")
    expect(page.locator("#pc-ask")).to_be_disabled()
    expect(box).to_be_disabled()
    expect(box).to_have_attribute(
        "placeholder", "Writing the answer… Ask your next question when it is done."
    )
    expect(page.locator("#pc-chat .pc-citation")).to_have_count(1, timeout=TIMEOUT)
    expect(box).to_be_enabled()
    _ask_in_chat(page, "And how much was the fine?")
    expect(page.locator("#pc-chat .pc-citation")).to_have_count(2, timeout=TIMEOUT)
    assert len(slow_site.generator.calls) >= 2
    page.context.close()
