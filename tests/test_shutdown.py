"""`presschat serve` and SIGTERM: an answer being streamed ends with an `error` event saying the
server is shutting down, and the process exits within 10 s (service managers wait 10-30 s
before they kill).

Two servers in their own processes: one built by the same `run_server` that `presschat serve`
calls, with a scripted model that writes a word every half second (no model needed, so it
runs everywhere), and the real `presschat serve` with the real local model writing a long
answer (marked `llm`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
EXIT_WITHIN_S = 10.0

SLOW_SERVER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    from answer.assistant import Assistant
    from answer.chat_models import FakeChatModel
    from ingest.pipeline import Ingestor
    from presschat.server import build_server, run_server
    from retrieval.index import Index
    from retrieval.settings import load_settings


    class SlowChatModel(FakeChatModel):
        def _stream(self, messages, stop=None, run_manager=None, **kwargs):
            for chunk in super()._stream(messages, stop, run_manager, **kwargs):
                time.sleep(0.5)
                yield chunk


    data_dir, releases, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    settings = load_settings(data_dir=data_dir, embedder="fake", llm="fake", rate_limit=0)
    index = Index.from_settings(settings)
    Ingestor.for_index(index).ingest([releases])
    model = SlowChatModel("Tyson Foods " + "paid " * 200 + "a fine [1].")
    assistant = Assistant(index, model, settings)
    run_server(build_server(settings, assistant=assistant), assistant, host="127.0.0.1", port=port)
    """
)


def stream_then_sigterm(
    process: subprocess.Popen[bytes], url: str, question: str
) -> tuple[list[str], float]:
    """Ask on /api/ask/stream, send SIGTERM at the first token, read the stream to its end;
    the events seen and the seconds from SIGTERM to the process's exit."""
    request = urllib.request.Request(
        f"{url}/api/ask/stream",
        data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    events: list[str] = []
    sent = 0.0
    with urllib.request.urlopen(request, timeout=60) as response:
        for raw in response:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                events.append(line.removeprefix("event: "))
            elif line.startswith("data: ") and events[-1] == "error":
                events.append(json.loads(line.removeprefix("data: "))["message"])
            if sent and time.monotonic() - sent > EXIT_WITHIN_S:
                break  # (the old behaviour: the answer went on to its end)
            if events and events[-1] == "token" and not sent:
                process.send_signal(signal.SIGTERM)
                sent = time.monotonic()
    assert sent, f"no token came: {events}"
    process.wait(timeout=EXIT_WITHIN_S + 5)
    return events, time.monotonic() - sent


@contextlib.contextmanager
def server_process(
    command: list[str], url: str, log: Path, env: dict[str, str], timeout: float = 120
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, once its /healthz answers; killed afterwards if still running."""
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {log.read_text()}") from exc
                time.sleep(0.3)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def assert_stopped(
    process: subprocess.Popen[bytes], events: list[str], exit_s: float, log: Path
) -> None:
    assert events[0] == "sources" and "token" in events, events
    assert events[-2:] == ["error", "the server is shutting down"], events
    assert exit_s < EXIT_WITHIN_S, f"exited {exit_s:.1f} s after SIGTERM"
    # uvicorn re-raises the SIGTERM it handled, so a service manager sees the usual status.
    assert process.returncode in (0, -signal.SIGTERM), (process.returncode, log.read_text())


@pytest.fixture
def slow_server(tmp_path: Path, data_dir: Path) -> tuple[list[str], str, Path, dict[str, str]]:
    """Command, URL, log and environment of a server whose model writes a word every 0.5 s."""
    script = tmp_path / "slow_server.py"
    script.write_text(SLOW_SERVER)
    port = free_port()
    releases = str(data_dir / "releases")
    command = [sys.executable, str(script), str(tmp_path / "data"), releases, str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return command, f"http://127.0.0.1:{port}", tmp_path / "serve.log", env


def test_sigterm_ends_a_streamed_answer_and_the_server_exits(
    slow_server: tuple[list[str], str, Path, dict[str, str]],
) -> None:
    command, url, log, env = slow_server
    with server_process(command, url, log, env) as process:
        events, exit_s = stream_then_sigterm(process, url, "What fine did Tyson Foods pay?")
    assert_stopped(process, events, exit_s, log)
    assert exit_s < 3, f"nothing else was open, yet it took {exit_s:.1f} s"


def test_an_open_chat_page_session_does_not_hold_up_the_exit(
    slow_server: tuple[list[str], str, Path, dict[str, str]],
) -> None:
    from gradio_client import Client

    command, url, log, env = slow_server
    with server_process(command, url, log, env) as process:
        job = Client(url, verbose=False).submit("What fine did Tyson pay?", api_name="/ask")
        events, exit_s = stream_then_sigterm(process, url, "What fine did Tyson Foods pay?")
        with pytest.raises(Exception, match="the server is shutting down"):
            job.result(timeout=5)
    assert_stopped(process, events, exit_s, log)


TOWNS = (
    "Aktobe, Aktau, Almaty, Arkalyk, Astana, Atyrau, Balkhash, Ekibastuz, Karaganda, Kentau, "
    "Kokshetau, Kostanay, Kyzylorda, Pavlodar, Petropavl, Ridder, Rudny, Satbayev, Semey, "
    "Shymkent, Stepnogorsk, Taldykorgan, Taraz, Temirtau, Turkistan, Uralsk, Ust-Kamenogorsk, "
    "Zhanaozen, Zhezkazgan and Zhitikara"
)


@pytest.mark.llm
def test_presschat_serve_with_the_local_model_exits_soon_after_sigterm(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    (releases / "schools.md").write_text(
        "---\ntitle: New schools in thirty towns\ndate: 2025-05-05\n---\n\n"
        f"The ministry of education will open a new school in each of these towns: {TOWNS}.\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PRESSCHAT_DATA_DIR": str(tmp_path / "data"),
        "PRESSCHAT_EMBEDDER": "fake",
        "PRESSCHAT_LLM": "local",
        "PRESSCHAT_LLM_MAX_TOKENS": "2048",
        "PRESSCHAT_RATE_LIMIT": "0",
    }
    presschat = [sys.executable, "-m", "presschat"]
    subprocess.run([*presschat, "ingest", "-q", str(releases)], env=env, check=True, timeout=120)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    command = [*presschat, "serve", "--port", str(port)]
    with server_process(command, url, log, env, timeout=180) as process:
        question = "List every town that gets a new school, one per line, each with its region."
        events, exit_s = stream_then_sigterm(process, url, question)
    assert_stopped(process, events, exit_s, log)
