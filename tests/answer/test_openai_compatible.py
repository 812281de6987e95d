"""The OpenAI-compatible backend (LangChain's ChatOpenAI as it is) against real servers on
loopback: llama-cpp-python's own OpenAI server with the packaged model, and small misbehaving
servers for the error paths."""

import http.server
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from answer.assistant import Assistant
from answer.chat_models import first_line, stream_text
from answer.packaged_model import packaged_model_path
from retrieval.errors import BackendError
from retrieval.settings import Settings
from tests.conftest import free_port, running_server
from tests.factories import make_hit


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    mode = "garbage"

    def do_POST(self) -> None:  # noqa: N802
        if self.mode == "slow":
            time.sleep(3)
        body = b"this is not json" if self.mode == "garbage" else b'{"error": "boom"}'
        self.send_response(200 if self.mode != "error" else 500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def misbehaving() -> Iterator[tuple[str, type[_Misbehaving]]]:
    handler = type("Handler", (_Misbehaving,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    server.shutdown()


HELLO = [HumanMessage("Say hello.")]


def chat_openai(base_url: str, *, timeout: float) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=base_url, model="m", api_key=SecretStr("k"), timeout=timeout, max_retries=1
    )


def test_unreachable_server_is_a_clear_backend_error() -> None:
    model = chat_openai(f"http://127.0.0.1:{free_port()}/v1", timeout=5)
    with pytest.raises(BackendError, match="cannot reach the LLM at http://127.0.0.1"):
        first_line(stream_text(model, HELLO, max_tokens=8, temperature=0))


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("garbage", "unusable reply"),
        ("error", "answered HTTP 500"),
        ("slow", "timed out"),
    ],
)
def test_misbehaving_server_is_a_clear_backend_error(
    misbehaving: tuple[str, type[_Misbehaving]], mode: str, message: str
) -> None:
    url, handler = misbehaving
    handler.mode = mode
    with pytest.raises(BackendError, match=message):
        first_line(stream_text(chat_openai(url, timeout=1), HELLO, max_tokens=8, temperature=0))


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    model = packaged_model_path(Settings().model_cache_dir)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
        "--use_mmap",
        "false",
        "--model_alias",
        "qwen",
    ]
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with running_server(command, f"http://127.0.0.1:{port}/v1/models", log, timeout=180):
        yield f"http://127.0.0.1:{port}/v1"


@pytest.mark.llm
@pytest.mark.server
def test_answers_through_a_real_openai_compatible_server(llama_server: str, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        embedder="fake",
        llm="openai",
        llm_base_url=llama_server,
        llm_model="qwen",
        llm_timeout=120,
    )
    assistant = Assistant.from_settings(settings)
    assert isinstance(assistant.chat_model, ChatOpenAI)
    hit = make_hit(
        "r1",
        2,
        title="Ministry opens consular centre",
        text="The consular centre in Almaty is open on weekdays from 9:00 to 18:00.",
    )
    answer = assistant.ask_with_sources("When is the consular centre in Almaty open?", [hit])
    assert not answer.refused
    assert "9" in answer.text and "18" in answer.text
    assert [c.number for c in answer.citations] == [1]
