"""A real presschat server on loopback (in a thread, so tests can script its model), built by
the same composition point as `presschat serve`."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from langchain_core.outputs import ChatGenerationChunk

from answer.assistant import Assistant
from answer.chat_models import FakeChatModel
from ingest.pipeline import Ingestor
from presschat.server import build_server
from retrieval.embedders import FakeEmbedder
from retrieval.index import Index
from retrieval.settings import Settings, load_settings
from tests.conftest import free_port

ADMIN_TOKEN = "admin-s3cret"
ANSWER = "Tyson Foods agreed to pay a $500,000 criminal fine [1]."


class SlowChatModel(FakeChatModel):
    """The fake model, pausing between words so a browser can see the answer stream."""

    delay: float = 0.0

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for chunk in super()._stream(*args, **kwargs):
            time.sleep(self.delay)
            yield chunk


@dataclass
class Site:
    url: str
    settings: Settings
    generator: SlowChatModel
    index: Index


@contextlib.contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on a free loopback port until the block ends."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def site_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "site",
        "embedder": "fake",
        "llm": "fake",
        "admin_token": ADMIN_TOKEN,
    }
    return load_settings(**{**values, **overrides})


@contextlib.contextmanager
def running_site(
    tmp_path: Path,
    releases: Sequence[Path],
    *,
    answer: str = ANSWER,
    delay: float = 0.0,
    embedder: FakeEmbedder | None = None,
    **overrides: Any,
) -> Iterator[Site]:
    """The whole server over `releases`, with a scripted model that always says `answer`."""
    settings = site_settings(tmp_path, **overrides)
    index = Index.from_settings(settings, embedder=embedder or FakeEmbedder())
    report = Ingestor.for_index(index).ingest(releases)
    assert report.ok, report.failed
    generator = SlowChatModel(answer, delay=delay)
    assistant = Assistant(index, generator, settings)
    with serve(build_server(settings, assistant=assistant)) as url:
        yield Site(url, settings, generator, index)


@pytest.fixture
def site(tmp_path: Path, data_dir: Path) -> Iterator[Site]:
    with running_site(tmp_path, [data_dir / "releases"], rate_limit=0) as running:
        yield running
