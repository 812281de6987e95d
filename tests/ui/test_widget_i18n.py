"""The widget in the asker's language (the browser's, or the page's data-locale), its launcher
icon, and questions sent while an answer streams, in a real Chromium.

Set PRESSCHAT_WIDGET_SCREENSHOT=path to keep the Kazakh widget's screenshot.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, expect

from tests.conftest import free_port
from tests.ui.conftest import Site, running_site
from tests.ui.test_browser import TIMEOUT, _intranet_page, browser  # noqa: F401

pytestmark = pytest.mark.browser

TYSON_QUESTION = "What fine did Tyson Foods pay?"

# What a user sees, written out here rather than read from widget.js, so a wrong translation in
# the table fails the test.
LABELS: dict[str, dict[str, str]] = {
    "ru": {
        "open": "Открыть чат пресс-службы",
        "title": "Вопрос пресс-службе",
        "close": "Закрыть",
        "question": "Ваш вопрос",
        "send": "Спросить",
        "helpful": "Ответ помог",
        "paragraph": "абзац 1",
        "date": "6 января 2009 г.",
        "hint": "Попробуйте переформулировать вопрос",
        "queued": "В очереди",
    },
    "kk": {
        "open": "Баспасөз қызметінің чатын ашу",
        "title": "Баспасөз қызметіне сұрақ",
        "close": "Жабу",
        "question": "Сұрағыңыз",
        "send": "Сұрау",
        "helpful": "Жауап көмектесті",
        "paragraph": "1-абзац",
        "date": "2009 ж. 6 қаңтар",
        "hint": "Сұрақты басқаша не нақтырақ қойып көріңіз",
        "queued": "Кезекте",
    },
    "en": {
        "open": "Open the press office chat",
        "title": "Ask the press office",
        "close": "Close",
        "question": "Your question",
        "send": "Ask",
        "helpful": "Helpful",
        "paragraph": "paragraph 1",
        "date": "6 January 2009",  # en-GB; a browser that prefers en-US gets "January 6, 2009"
        "hint": "Try other words",
        "queued": "Waiting: this question is asked as soon as the current answer is finished.",
    },
}


def found_status(locale: str, n: int) -> str:
    """The status line once `n` paragraphs are found, with the language's plural."""
    if locale == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return f"Найден {n} абзац, пишу ответ…"
        few = 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14
        return f"Найдено {n} {'абзаца' if few else 'абзацев'}, пишу ответ…"
    if locale == "kk":
        return f"{n} абзац табылды, жауап жазып жатырмын…"
    return f"Found {n} paragraph{'' if n == 1 else 's'}; writing the answer…"


@dataclass
class Intranet:
    """A server with a slow scripted model, and a loopback origin it allows whose pages the
    test writes (a page Playwright fulfils itself counts as public and may not reach loopback)."""

    site: Site
    origin: str
    pages: dict[str, bytes]

    def open(self, context: BrowserContext, attributes: str = "") -> Page:
        """The example intranet page, its script tag given extra `attributes`."""
        path = f"/page{len(self.pages)}.html"
        html = _intranet_page(self.site.url).replace('widget.js"', f'widget.js" {attributes}')
        self.pages[path] = html.encode()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(self.origin + path)
        return page


@pytest.fixture
def intranet(tmp_path: Path, data_dir: Path) -> Iterator[Intranet]:
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with running_site(
            tmp_path, [data_dir / "releases"], delay=0.15, rate_limit=0, allowed_origins=origin
        ) as site:
            yield Intranet(site, origin, pages)
    finally:
        server.shutdown()
        server.server_close()


def record_bot_texts(widget: Locator) -> None:
    """Keep every text the widget's answer bubbles show, even for a moment, in window.__seen."""
    widget.evaluate(
        """host => {
            window.__seen = [];
            new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => {
                if (n.nodeType === Node.TEXT_NODE && n.parentNode && n.parentNode.matches('.bot'))
                    window.__seen.push(n.data);
            }))).observe(host.shadowRoot.querySelector('.log'), {subtree: true, childList: true});
        }"""
    )


def ask(widget: Locator, question: str) -> None:
    widget.locator("textarea").fill(question)
    widget.locator("textarea").press("Enter")


def check_launcher(widget: Locator, label: str) -> None:
    """A visible speech-bubble icon (not an emoji a machine may lack) with a spoken label."""
    launcher = widget.locator(".launcher")
    expect(launcher).to_have_attribute("aria-label", label)
    assert launcher.inner_text().strip() == "", "the launcher shows an icon, no text or emoji"
    icon = launcher.locator("svg")
    expect(icon).to_be_visible()
    box = icon.bounding_box()
    assert box and box["width"] >= 20 and box["height"] >= 20, box
    assert icon.locator("path").evaluate("p => p.getBBox().width * p.getBBox().height") > 100


def check_interface(widget: Locator, locale: str) -> None:
    labels = LABELS[locale]
    check_launcher(widget, labels["open"])
    widget.locator(".launcher").click()
    expect(widget.locator(".launcher")).to_have_attribute("aria-expanded", "true")
    expect(widget.locator("header .title")).to_have_text(labels["title"])
    expect(widget.locator(".panel")).to_have_attribute("aria-label", labels["title"])
    expect(widget.locator(".close")).to_have_attribute("aria-label", labels["close"])
    expect(widget.locator("textarea")).to_have_attribute("placeholder", labels["question"])
    expect(widget.locator("textarea")).to_have_attribute("aria-label", labels["question"])
    expect(widget.locator("button.send")).to_have_text(labels["send"])


@pytest.mark.parametrize(("browser_locale", "locale"), [("ru-RU", "ru"), ("kk-KZ", "kk")])
def test_widget_speaks_the_browsers_language(
    browser: Browser,  # noqa: F811
    intranet: Intranet,
    tmp_path: Path,
    browser_locale: str,
    locale: str,
) -> None:
    site = intranet.site
    labels = LABELS[locale]
    context = browser.new_context(locale=browser_locale, viewport={"width": 1280, "height": 800})
    page = intranet.open(context)
    widget = page.locator("#presschat-widget")
    check_interface(widget, locale)

    # The first answer is the model's "cannot answer": the hint under it is in the interface
    # language, the refusal itself is the server's.
    site.generator.enqueue("NO_ANSWER")
    ask(widget, TYSON_QUESTION)
    expect(widget.locator(".msg.bot .hint")).to_contain_text(labels["hint"])

    record_bot_texts(widget)
    ask(widget, TYSON_QUESTION)
    answer = widget.locator(".msg.bot").nth(1)
    item = answer.locator("ol.cites li").first
    expect(item).to_contain_text(labels["paragraph"])
    expect(item.locator(".meta")).to_contain_text(labels["date"])
    expect(answer.locator(".votes button").first).to_have_attribute("aria-label", labels["helpful"])
    assert answer.get_attribute("lang") == "en", "the answer keeps the language it is written in"

    seen: list[str] = page.evaluate("window.__seen")
    found = [text for text in seen if re.search(r"\d", text) and "…" in text]
    assert found, f"no status line among {seen[:5]}"
    count = int(re.findall(r"\d+", found[0])[0])
    assert found[0] == found_status(locale, count)

    if locale == "kk":
        shot = tmp_path / "widget-kk.png"
        page.screenshot(path=str(shot))
        if target := os.environ.get("PRESSCHAT_WIDGET_SCREENSHOT"):
            shutil.copy(shot, target)
    context.close()


@pytest.mark.parametrize(
    ("browser_locale", "attributes", "locale"),
    [
        ("ru-RU", 'data-locale="kk"', "kk"),
        ("kk-KZ", 'data-locale="en"', "en"),
        # data-lang filters the releases; it does not change the interface language.
        ("en-US", 'data-lang="ru"', "en"),
        ("kk-KZ", 'data-lang="en" data-locale="ru"', "ru"),
    ],
)
def test_data_locale_overrides_the_browsers_language(
    browser: Browser,  # noqa: F811
    intranet: Intranet,
    browser_locale: str,
    attributes: str,
    locale: str,
) -> None:
    context = browser.new_context(locale=browser_locale)
    page = intranet.open(context, attributes)
    widget = page.locator("#presschat-widget")
    check_interface(widget, locale)
    with page.expect_request("**/api/ask/stream") as asked:
        ask(widget, TYSON_QUESTION)
    lang = re.search(r'data-lang="(\w+)"', attributes)
    sent: dict[str, Any] = asked.value.post_data_json
    assert sent["filters"] == ({"lang": lang.group(1)} if lang else {})
    context.close()


def test_kz_among_the_browsers_languages_means_kazakh(
    browser: Browser,  # noqa: F811
    intranet: Intranet,
) -> None:
    context = browser.new_context()
    # The first language the widget speaks wins; "kz" is a common tag for Kazakh.
    context.add_init_script(
        "Object.defineProperty(navigator, 'languages', {get: () => ['de-DE', 'kz', 'ru']});"
    )
    page = intranet.open(context)
    check_interface(page.locator("#presschat-widget"), "kk")
    context.close()


def test_widget_says_it_cannot_reach_the_server_in_the_interface_language(
    browser: Browser,  # noqa: F811
    intranet: Intranet,
) -> None:
    context = browser.new_context(locale="kk-KZ")
    closed = f"http://127.0.0.1:{free_port()}"
    page = intranet.open(context, f'data-server="{closed}"')
    widget = page.locator("#presschat-widget")
    widget.locator(".launcher").click()
    ask(widget, TYSON_QUESTION)
    error = widget.locator(".msg.error")
    expect(error).to_contain_text("presschat-пен байланыс орнамады")
    expect(error).to_contain_text("PRESSCHAT_ALLOWED_ORIGINS")
    context.close()


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_question_sent_while_an_answer_streams_waits_its_turn(
    browser: Browser,  # noqa: F811
    intranet: Intranet,
    locale: str,
) -> None:
    site = intranet.site
    first = "Tyson Foods agreed to pay the maximum fine of $500,000 for a worker death [1]."
    second = "Sentencing is scheduled for March 2009 [1]."
    # The second question comes with the first answer as history, which goes into its prompt.
    site.generator.enqueue(first, second)
    context = browser.new_context(locale={"en": "en-US", "ru": "ru-RU"}[locale])
    page = intranet.open(context)
    requests: list[Request] = []
    page.on("request", lambda r: requests.append(r) if r.url.endswith("/api/ask/stream") else None)
    widget = page.locator("#presschat-widget")
    widget.locator(".launcher").click()

    ask(widget, TYSON_QUESTION)
    answers = widget.locator(".msg.bot")
    expect(answers.first).to_contain_text("Tyson Foods agreed")  # streaming has begun
    ask(widget, "When is the sentencing?")
    questions = widget.locator(".msg.user")
    expect(questions).to_have_count(2)
    expect(widget.locator("textarea")).to_have_value("")
    expect(questions.nth(1)).to_have_class(re.compile(r"\bwaiting\b"))
    expect(answers.nth(1)).to_have_text(re.compile(re.escape(LABELS[locale]["queued"])))
    assert answers.first.locator(".votes").count() == 0, "the first answer was still streaming"

    expect(answers.nth(1)).to_contain_text("March 2009")
    expect(answers.nth(1).locator(".votes")).to_have_count(1)
    expect(questions).to_have_text([TYSON_QUESTION, "When is the sentencing?"])
    expect(answers.first).to_contain_text("$500,000")
    expect(questions.nth(1)).not_to_have_class(re.compile(r"\bwaiting\b"))
    # Asked in turn: the second request went out with the first answer in its history.
    assert len(requests) == 2
    history = requests[1].post_data_json["history"]
    assert [turn["content"] for turn in history][:1] == [TYSON_QUESTION]
    assert "$500,000" in history[1]["content"]
    context.close()
