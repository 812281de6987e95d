"""The whole server on loopback (`presschat serve`'s composition): API, docs, widget script,
admin, the Gradio API, and questions answered while an ingest runs."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from retrieval.embedders import FakeEmbedder, Vectors
from tests.ui.conftest import ADMIN_TOKEN, Site, running_site


def _request(
    url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_api_docs_widget_and_health(site: Site) -> None:
    status, answer = _request(f"{site.url}/api/ask", {"question": "What fine did Tyson pay?"})
    assert status == 200 and answer["citations"][0]["number"] == 1
    with urllib.request.urlopen(f"{site.url}/openapi.json") as response:
        paths = json.loads(response.read())["paths"]
    assert {"/api/ask", "/api/ask/stream", "/api/search", "/api/ingest", "/healthz"} <= set(paths)
    with urllib.request.urlopen(f"{site.url}/docs") as response:
        assert b"swagger" in response.read().lower()
    with urllib.request.urlopen(f"{site.url}/widget.js") as response:
        assert response.headers["Content-Type"].startswith("application/javascript")
        assert b"attachShadow" in response.read()
    assert _request(f"{site.url}/healthz")[1]["status"] == "ok"


def test_stream_over_http_sends_sources_first(site: Site) -> None:
    request = urllib.request.Request(
        f"{site.url}/api/ask/stream",
        data=json.dumps({"question": "What fine did Tyson pay?"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        events = [
            line.decode().removeprefix("event: ").strip()
            for line in response
            if line.startswith(b"event: ")
        ]
    assert events[0] == "sources" and events[-1] == "done" and "token" in events


def test_admin_page_is_behind_its_token(site: Site, tmp_path: Path, data_dir: Path) -> None:
    with urllib.request.urlopen(f"{site.url}/admin/") as response:
        assert response.status == 200  # the page; every action on it checks the token
    status, _ = _request(f"{site.url}/api/stats", headers={"Authorization": "Bearer wrong"})
    assert status == 401
    status, stats = _request(
        f"{site.url}/api/stats", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert status == 200 and stats["releases"] > 0
    with running_site(tmp_path / "b", [data_dir / "releases"], admin_token=None) as other:
        for path in ("/admin", "/admin/"):
            try:
                urllib.request.urlopen(f"{other.url}{path}")
                raise AssertionError("admin should be disabled")
            except urllib.error.HTTPError as exc:
                assert exc.code == 403 and b"PRESSCHAT_ADMIN_TOKEN" in exc.read()


def test_gradio_api_is_usable_from_gradio_client(site: Site) -> None:
    from gradio_client import Client

    client = Client(site.url, verbose=False)
    answer = client.predict("What fine did Tyson pay?", api_name="/ask")
    assert answer["answer"] == "Tyson Foods agreed to pay a $500,000 criminal fine [1]."
    assert answer["citations"][0]["release_id"] == answer["sources"][0]["release_id"]


def _upload(url: str, path: Path) -> dict[str, Any]:
    boundary = "presschat-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{url}/api/ingest",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Bearer {ADMIN_TOKEN}",
        },
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return dict(json.loads(response.read()))


class SlowPassages(FakeEmbedder):
    """Embeds paragraphs at a few milliseconds each (queries at once), so that an ingest of
    200 releases outlasts twenty questions: the fake embedder alone had finished it first in
    about one run of four."""

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        time.sleep(0.004 * len(texts))
        return super().embed_passages(texts)


def test_twenty_simultaneous_questions_complete_during_an_ingest(
    tmp_path: Path, data_dir: Path, shared: Path
) -> None:
    with running_site(
        tmp_path, [data_dir / "releases"], rate_limit=0, embedder=SlowPassages()
    ) as site:
        _questions_during_an_ingest(site, shared / "doj" / "doj_opa_demo_200.jsonl")


def _questions_during_an_ingest(site: Site, corpus: Path) -> None:
    ingest: dict[str, Any] = {}
    started = threading.Event()

    def run_ingest() -> None:
        started.set()
        ingest.update(_upload(site.url, corpus))

    ingester = threading.Thread(target=run_ingest)
    ingester.start()
    started.wait()
    questions = [f"Question {i}: what fine did Tyson Foods pay?" for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(
            pool.map(lambda q: _request(f"{site.url}/api/ask", {"question": q}), questions)
        )
    ingest_still_running = ingester.is_alive()
    ingester.join(timeout=300)
    for question, (status, answer) in zip(questions, results, strict=True):
        assert status == 200, answer
        assert answer["question"] == question and not answer["refused"]
        cited = answer["citations"][0]
        assert cited["text"] == answer["sources"][cited["number"] - 1]["text"]
    assert ingest["added"] == 200 and ingest["failed"] == 0, ingest
    assert ingest_still_running, "the ingest finished before the questions: not a real overlap"


def test_access_token_and_rate_limit_on_the_whole_server(tmp_path: Path, data_dir: Path) -> None:
    from gradio_client import Client

    with running_site(
        tmp_path, [data_dir / "releases"], access_token="t0ken", rate_limit=3
    ) as site:
        assert _request(f"{site.url}/config")[0] == 401  # the chat's Gradio app needs the login
        logged_in = Client(site.url, auth=("anyone", "t0ken"), verbose=False)
        assert logged_in.predict("What fine did Tyson pay?", api_name="/ask")["citations"]
        question = {"question": "What fine did Tyson pay?"}
        assert _request(f"{site.url}/api/ask", question)[0] == 401
        token = {"X-Presschat-Token": "t0ken"}
        assert _request(f"{site.url}/api/ask", question, token)[0] == 200
        assert _request(f"{site.url}/api/ask", question, token)[0] == 200
        status, body = _request(f"{site.url}/api/ask", question, token)
        assert status == 429 and "limit is 3 per minute" in body["detail"]
        assert _request(f"{site.url}/healthz")[0] == 200

    with running_site(tmp_path / "b", [data_dir / "releases"], rate_limit=1) as site:
        client = Client(site.url, verbose=False)
        client.predict("What fine did Tyson pay?", api_name="/ask")
        try:
            client.predict("And the second question?", api_name="/ask")
            raise AssertionError("the second question should be over the limit")
        except Exception as exc:  # gradio_client raises AppError with the server's message
            assert "at most 1 a minute" in str(exc)


def test_reingest_of_the_configured_folders_reports_progress_and_prunes(
    tmp_path: Path, data_dir: Path
) -> None:
    import shutil

    from answer.assistant import Assistant
    from answer.chat_models import FakeChatModel
    from presschat.server import operations_for
    from retrieval.embedders import FakeEmbedder
    from retrieval.index import Index
    from tests.ui.conftest import site_settings

    folder = tmp_path / "releases"
    shutil.copytree(data_dir / "releases", folder)
    settings = site_settings(tmp_path, ingest_paths=str(folder))
    index = Index.from_settings(settings, embedder=FakeEmbedder())
    operations = operations_for(Assistant(index, FakeChatModel(), settings), settings)
    assert operations.reingest_folders is not None
    progress: list[tuple[int, int]] = []
    first = operations.reingest_folders(lambda done, total: progress.append((done, total)))
    assert first["added"] == 9 and first["failed"] == 0
    assert progress[-1][0] == progress[-1][1] > 0
    (folder / "visit.md").unlink()
    second = operations.reingest_folders(None)
    assert second["removed"] == 1 and second["unchanged"] == 8
    no_folders = operations_for(
        Assistant(index, FakeChatModel(), settings), site_settings(tmp_path)
    )
    assert no_folders.reingest_folders is None


def test_web_sources_sync_now_and_on_the_schedule_one_run_at_a_time(tmp_path: Path) -> None:
    import threading
    import time

    from answer.assistant import Assistant
    from answer.chat_models import FakeChatModel
    from presschat.server import SourceSync, operations_for
    from retrieval.embedders import FakeEmbedder
    from retrieval.index import Index
    from tests.ingest.web_site import Site, SiteServer, gov_kz_page
    from tests.ui.conftest import site_settings
    from ui.admin import AdminHandlers

    with SiteServer(Site()) as site:
        site.put("/en/press/1", gov_kz_page("en", 1, "Visa rules", ["Visa rules change."]))
        page = site.url("/en/press/1")
        settings = site_settings(tmp_path, sources=page, fetch_delay="0", sync_interval="0.005")
        index = Index.from_settings(settings, embedder=FakeEmbedder())
        assistant = Assistant(index, FakeChatModel(), settings)
        lock = threading.Lock()
        syncer = SourceSync(assistant, settings, lock)
        operations = operations_for(assistant, settings, lock=lock, syncer=syncer)
        handlers = AdminHandlers(assistant, operations)
        assert handlers.source_rows() == [[page, "—", ""]]

        assert operations.sync_sources is not None
        first = operations.sync_sources(None)
        assert first["added"] == 1 and first["requests"] == 2  # robots.txt and the page
        [row] = handlers.source_rows()
        assert row[0] == page and row[1].endswith("UTC") and row[2].startswith("added 1,")

        with lock:  # an ingest is running: the scheduled sync waits for it
            syncer.start()
            time.sleep(0.5)
            assert len(site.requests_to("/en/press/")) == 1
        deadline = time.monotonic() + 10
        while len(site.requests_to("/en/press/")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        syncer.stop()
        statuses = [h.status for h in site.requests_to("/en/press/")]
        assert statuses[:3] == [200, 304, 304]  # every 0.3 s, each a conditional request
        assert "unchanged 1" in handlers.source_rows()[0][2]

    no_sources = operations_for(assistant, site_settings(tmp_path))
    assert no_sources.sync_sources is None and no_sources.source_status() == []
