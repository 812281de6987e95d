"""The chat and the widget in a real Chromium (Debian's, driven by Playwright).

Set PRESSCHAT_SCREENSHOT=path to keep the chat screenshot (the README's picture comes from
scripts/screenshot, which runs the same page with the real model).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.ui.conftest import ADMIN_TOKEN, Site, running_site

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("PRESSCHAT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EXAMPLE_PAGE = Path(__file__).resolve().parents[2] / "examples" / "intranet.html"
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: scripts/setup installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class _Page:
    """An HTML page to serve; the body is set once the port (its origin) is known."""

    body = b""


@contextlib.contextmanager
def static_page(page: _Page) -> Iterator[str]:
    """Serve one HTML page on a loopback port of its own: a different origin from the server.

    The port is bound here (port 0, chosen by the kernel) and held for the whole test, so
    nothing started later can take it: picking a free port first and binding it afterwards
    raced with the site's own server in CI.
    """

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _intranet_page(server_url: str) -> str:
    return EXAMPLE_PAGE.read_text(encoding="utf-8").replace("http://127.0.0.1:7860", server_url)


def _ask_in_chat(page: Page, question: str) -> None:
    page.locator("#pc-question textarea").fill(question)
    page.locator("#pc-ask").click()


@pytest.fixture
def slow_site(tmp_path: Path, data_dir: Path) -> Iterator[Site]:
    with running_site(tmp_path, [data_dir / "releases"], delay=0.2, rate_limit=0) as site:
        yield site


def test_chat_streams_a_cited_answer_that_survives_a_reload(
    browser: Browser, slow_site: Site, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(slow_site.url)
    _ask_in_chat(page, "What fine did Tyson Foods pay?")

    chat = page.locator("#pc-chat")
    panel = page.locator("#pc-sources")
    # Sources first, then the answer word by word, and only then its checked citations.
    expect(panel.locator(".pc-source").first).to_be_visible()
    expect(chat).to_contain_text("Tyson Foods agreed")
    assert chat.locator(".pc-citation").count() == 0, "sources should come before the answer"
    citation = chat.locator(".pc-citation").first
    expect(citation).to_be_visible()
    expect(panel.locator(".pc-source.pc-cited")).to_have_count(1)

    quote = citation.locator(".pc-quote").inner_text()
    assert quote == panel.locator(".pc-source").first.locator(".pc-quote").inner_text()
    # The sentence the answer cites the paragraph for is marked.
    expect(citation.locator("mark.pc-hl")).to_contain_text("fine of $500,000")
    link = citation.locator("a").first.get_attribute("href")
    assert link and link.startswith("https://")
    expect(citation).to_contain_text("paragraph ")

    chat.locator("a.pc-cite").first.click()
    anchor = citation.get_attribute("id")
    assert page.url.endswith(f"#{anchor}")
    expect(citation).to_be_in_viewport()

    shot = tmp_path / "chat.png"
    page.screenshot(path=str(shot))
    if target := os.environ.get("PRESSCHAT_SCREENSHOT"):
        shutil.copy(shot, target)

    page.goto(slow_site.url)  # a reload: the answer comes back with the same citation data
    expect(chat.locator(".pc-citation")).to_have_count(1)
    assert chat.locator(".pc-citation .pc-quote").inner_text() == quote
    assert chat.locator(".pc-citation a").first.get_attribute("href") == link
    expect(panel.locator(".pc-source.pc-cited")).to_have_count(1)

    calls = len(slow_site.generator.calls)
    page.locator("#pc-new").click()
    expect(chat.locator(".pc-citation")).to_have_count(0)
    page.locator("#pc-earlier input").click()
    page.get_by_role("option", name="What fine did Tyson Foods pay?").click()
    expect(chat.locator(".pc-citation .pc-quote")).to_have_text(quote)
    assert len(slow_site.generator.calls) == calls, "reopening must not ask the model again"


HOSTILE_TITLE = "<img src=x onerror=\"window.__pwned='title'\">Hostile release"
HOSTILE_TEXT = (
    "<script>window.__pwned='script'</script> The ministry said <img src=x "
    "onerror=\"window.__pwned='paragraph'\"> that the meeting took place in Astana."
)
HOSTILE_ANSWER = "<img src=x onerror=\"window.__pwned='answer'\"> It took place in Astana [1]."
HOSTILE_QUESTION = "<b>Where</b> was the meeting? <img src=x onerror=\"window.__pwned='q'\">"


@pytest.fixture
def hostile_site(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    release = {
        "id": "hostile-1",
        "title": HOSTILE_TITLE,
        "date": "2025-08-31",
        "url": "javascript:window.__pwned='url'",
        "paragraphs": [HOSTILE_TEXT, HOSTILE_TEXT.replace("Astana", "Almaty")],
    }
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(release) + "\n", encoding="utf-8")
    page = _Page()
    with (
        static_page(page) as page_url,
        running_site(
            tmp_path,
            [path],
            answer=HOSTILE_ANSWER,
            rate_limit=0,
            allowed_origins=page_url.rstrip("/"),
        ) as site,
    ):
        page.body = _intranet_page(site.url).encode()
        yield site, page_url


def test_html_in_releases_questions_and_answers_renders_as_text(
    browser: Browser, hostile_site: tuple[Site, str]
) -> None:
    site, intranet = hostile_site
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(site.url)
    _ask_in_chat(page, HOSTILE_QUESTION)
    chat = page.locator("#pc-chat")
    expect(chat.locator(".pc-citation")).to_have_count(1)
    expect(chat).to_contain_text("<b>Where</b> was the meeting?")
    expect(chat).to_contain_text("<img src=x onerror=\"window.__pwned='answer'\">")
    expect(chat.locator(".pc-citation")).to_contain_text("<script>window.__pwned='script'")
    expect(chat.locator(".pc-citation")).to_contain_text(HOSTILE_TITLE)
    expect(page.locator("#pc-sources")).to_contain_text(HOSTILE_TITLE)
    assert chat.locator(".pc-citation a").count() == 0, "a javascript: url must not be a link"
    assert page.locator("#pc-chat img, #pc-sources img, #pc-sources script").count() == 0
    assert page.evaluate("window.__pwned") is None

    widget = browser.new_page()
    widget.set_default_timeout(TIMEOUT)
    widget.goto(intranet)
    widget.locator("#presschat-widget .launcher").click()
    widget.locator("#presschat-widget textarea").fill(HOSTILE_QUESTION)
    widget.locator("#presschat-widget textarea").press("Enter")
    cites = widget.locator("#presschat-widget ol.cites li")
    expect(cites).to_have_count(1)
    expect(cites).to_contain_text(HOSTILE_TITLE)
    expect(widget.locator("#presschat-widget .log")).to_contain_text(HOSTILE_QUESTION)
    assert widget.locator("#presschat-widget .log img").count() == 0
    assert widget.locator("#presschat-widget ol.cites a").count() == 0
    assert widget.evaluate("window.__pwned") is None


@pytest.fixture
def widget_site(tmp_path: Path, data_dir: Path) -> Iterator[tuple[Site, str, str]]:
    page = _Page()
    with (
        static_page(page) as allowed,
        static_page(page) as other,
        running_site(
            tmp_path,
            [data_dir / "releases"],
            rate_limit=0,
            allowed_origins=allowed.rstrip("/"),
        ) as site,
    ):
        page.body = _intranet_page(site.url).encode()
        yield site, allowed, other


def test_widget_on_an_intranet_page_answers_with_citations(
    browser: Browser, widget_site: tuple[Site, str, str]
) -> None:
    site, intranet, _ = widget_site
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(TIMEOUT)
    page.goto(intranet)
    widget = page.locator("#presschat-widget")
    launcher = widget.locator(".launcher")
    # The page's `button { background: lime !important }` does not reach into the widget.
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(29, 78, 216)"
    launcher.click()
    widget.locator("textarea").fill("What fine did Tyson Foods pay?")
    widget.locator("button.send").click()
    expect(widget.locator(".msg.bot").last).to_contain_text("Tyson Foods agreed to pay")
    item = widget.locator("ol.cites li").first
    expect(item).to_contain_text("paragraph ")
    expect(item.locator(".quote mark")).to_contain_text("fine of $500,000")
    assert (item.locator("a").get_attribute("href") or "").startswith("https://")
    widget.locator("button.cite").first.click()
    expect(item).to_have_class("hl")

    widget.locator(".votes button").first.click()  # thumbs up
    expect(widget.locator(".votes").first).to_contain_text("Thanks")
    feedback = site.settings.feedback_path.read_text(encoding="utf-8")
    assert '"rating": "up"' in feedback and "Tyson" in feedback

    phone = browser.new_page(viewport={"width": 375, "height": 700}, is_mobile=True)
    phone.set_default_timeout(TIMEOUT)
    phone.goto(intranet)
    phone.locator("#presschat-widget .launcher").click()
    box = phone.locator("#presschat-widget .panel").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert box["y"] >= 0 and box["y"] + box["height"] <= 700


def test_widget_on_an_origin_not_allowed_is_refused(
    browser: Browser, widget_site: tuple[Site, str, str]
) -> None:
    site, _, other = widget_site
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(other)
    widget = page.locator("#presschat-widget")
    widget.locator(".launcher").click()
    widget.locator("textarea").fill("What fine did Tyson Foods pay?")
    widget.locator("button.send").click()
    expect(widget.locator(".msg.error")).to_contain_text("PRESSCHAT_ALLOWED_ORIGINS")
    assert site.generator.calls == [], "a refused origin must not reach the model"


def test_admin_page_uploads_lists_and_deletes_releases(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    release = tmp_path / "embassy.md"
    release.write_text(
        "---\ndate: 2025-10-01\n---\n# Embassy opens in Tashkent\n\n"
        "The embassy opened a new consular section in Tashkent on 1 October 2025.\n",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{site.url}/admin/")

    def log_in(password: str) -> None:
        page.get_by_label("username").fill("operator")
        page.get_by_label("password").fill(password)
        page.get_by_role("button", name="Login").click()

    log_in("wrong")
    expect(page.get_by_text("presschat admin")).to_have_count(0)
    expect(page.get_by_text("Incorrect", exact=False).first).to_be_visible()
    log_in(ADMIN_TOKEN)
    expect(page.get_by_text("presschat admin")).to_be_visible()
    page.get_by_role("tab", name="Ingest").click()
    page.locator("#pc-upload input[type=file]").set_input_files(str(release))
    page.get_by_role("button", name="Ingest uploaded files").click()
    expect(page.locator("#pc-ingest-summary")).to_contain_text("added 1, updated 0")
    assert (site.settings.upload_dir / "embassy.md").is_file()

    page.get_by_role("tab", name="Releases").click()
    page.get_by_label("Search titles and ids").fill("Tashkent")
    page.get_by_role("button", name="List").click()
    expect(page.locator("#pc-releases")).to_contain_text("Embassy opens in Tashkent")
    release_id = next(r.release_id for r in site.index.store.releases() if "Tashkent" in r.title)
    page.get_by_label("Release id to delete").fill(release_id)
    page.get_by_role("button", name="Delete release").click()
    expect(page.get_by_text(f"Deleted {release_id}")).to_be_visible()
    assert all("Tashkent" not in r.title for r in site.index.store.releases())

    page.get_by_role("tab", name="Statistics").click()
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator("#pc-stats")).to_contain_text("presschat-fake-")


def test_chat_says_when_the_model_fails_and_keeps_working(browser: Browser, site: Site) -> None:
    from retrieval.errors import BackendError

    site.generator.enqueue(BackendError("cannot reach the LLM at http://127.0.0.1:9"))
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(site.url)
    _ask_in_chat(page, "What fine did Tyson Foods pay?")
    expect(page.locator("#pc-sources")).to_contain_text("No answer: The language model is not")
    expect(page.locator("#pc-question textarea")).to_have_value("What fine did Tyson Foods pay?")
    expect(page.locator("#pc-chat .message")).to_have_count(0)
    page.locator("#pc-ask").click()  # the same question again: the model is back
    expect(page.locator("#pc-chat .pc-citation")).to_have_count(1)
