"""The HTTP API through FastAPI's test client, over a real Chroma store and a scripted model."""

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from answer.assistant import Assistant
from answer.chat_models import FakeChatModel
from ingest.pipeline import Ingestor
from presschat.server import save_uploads
from retrieval.errors import BackendError
from retrieval.index import Index
from retrieval.settings import Settings
from ui.access import RateLimiter
from ui.admin_operations import AdminOperations, OnProgress, Upload
from ui.api import ApiHandlers, create_api, install_error_handlers
from ui.feedback import FeedbackLog


@pytest.fixture
def generator() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def client(
    index: Index, settings: Settings, generator: FakeChatModel, data_dir: Path, tmp_path: Path
) -> TestClient:
    ingestor = Ingestor.for_index(index)
    ingestor.ingest([data_dir / "releases"])

    def ingest_uploads(files: Sequence[Upload], report: OnProgress | None) -> dict[str, Any]:
        return ingestor.ingest(save_uploads(files, tmp_path / "uploads")).as_dict()

    app = FastAPI()
    app.include_router(
        create_api(
            ApiHandlers(
                Assistant(index, generator, settings),
                admin_token="s3cret",
                operations=AdminOperations(ingest_uploads, None, index.store.delete_release),
                limiter=RateLimiter(3),
                feedback=FeedbackLog(tmp_path / "feedback.jsonl"),
            )
        )
    )
    install_error_handlers(app)
    return TestClient(app)


def test_ask_returns_the_answer_contract(client: TestClient, generator: FakeChatModel) -> None:
    generator.enqueue("A $500,000 fine [1].")
    response = client.post("/api/ask", json={"question": "What fine did Tyson Foods pay?"})
    assert response.status_code == 200
    body = response.json()
    assert body["answer"] == "A $500,000 fine [1]." and body["refused"] is False
    assert body["citations"][0]["release_id"] == body["sources"][0]["release_id"]
    assert "$500,000" in body["citations"][0]["quote"] in body["citations"][0]["text"]


def test_stream_sends_sources_before_tokens_then_done(
    client: TestClient, generator: FakeChatModel
) -> None:
    generator.enqueue("A $500,000 fine [1].")
    with client.stream(
        "POST", "/api/ask/stream", json={"question": "What fine did Tyson Foods pay?"}
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [
            line.removeprefix("event: ")
            for line in response.iter_lines()
            if line.startswith("event: ")
        ]
    assert events[0] == "sources" and events[-1] == "done"
    assert set(events[1:-1]) == {"token"}


def test_invalid_requests_get_4xx_with_a_message(client: TestClient) -> None:
    assert client.post("/api/ask", json={"question": ""}).status_code == 422
    bad_date = client.post("/api/ask", json={"question": "q", "filters": {"since": "soon"}})
    assert bad_date.status_code == 422 and "unrecognised date" in bad_date.text
    bad_role = client.post(
        "/api/ask", json={"question": "q", "history": [{"role": "robot", "content": "x"}]}
    )
    assert bad_role.status_code == 422
    assert client.get("/api/search", params={"q": "x", "since": "soon"}).status_code == 422
    blank = client.get("/api/search", params={"q": "  "})
    assert blank.status_code == 422 and "the query is empty" in blank.text
    no_language = client.get("/api/search", params={"q": "x", "lang": "x1"})
    assert no_language.status_code == 422 and "'x1' is not a language" in no_language.text
    # Three rejected questions used none of the limit of 3 per minute.
    assert client.post("/api/ask", json={"question": "Tyson fine?"}).status_code == 200


def test_backend_failure_is_503_and_the_server_keeps_serving(
    client: TestClient, generator: FakeChatModel
) -> None:
    generator.enqueue(
        BackendError("cannot reach the LLM at http://127.0.0.1:9"), "A $500,000 fine [1]."
    )
    failed = client.post("/api/ask", json={"question": "What fine did Tyson Foods pay?"})
    assert failed.status_code == 503 and "cannot reach the LLM" in failed.json()["detail"]
    again = client.post("/api/ask", json={"question": "What fine did Tyson Foods pay?"})
    assert again.status_code == 200


def test_stream_reports_a_backend_failure_in_band(
    client: TestClient, generator: FakeChatModel
) -> None:
    generator.enqueue(BackendError("the LLM timed out"))
    with client.stream("POST", "/api/ask/stream", json={"question": "Tyson fine?"}) as response:
        text = "".join(response.iter_text())
    assert "event: error" in text and "timed out" in text


def test_search_with_filters(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "water", "lang": "RU", "k": 3}).json()
    assert hits and {h["language"] for h in hits} == {"ru"}


def test_admin_routes_need_the_token(client: TestClient, tmp_path: Path) -> None:
    upload = {"files": ("new.md", b"# New release\n\nThe embassy moved to a new building.\n")}
    assert client.post("/api/ingest", files=upload).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.delete("/api/releases/doj-test-1", headers=wrong).status_code == 401
    admin = {"Authorization": "Bearer s3cret"}
    summary = client.post("/api/ingest", files=upload, headers=admin).json()
    assert summary["added"] == 1 and summary["failed"] == 0
    assert client.delete("/api/releases/doj-test-1", headers=admin).json()["chunks"] > 0
    assert client.delete("/api/releases/doj-test-1", headers=admin).status_code == 404


def test_health(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["chunks"] > 0
    assert body["collection"].startswith("presschat-fake-")


def test_questions_over_the_rate_limit_get_429_with_a_message(client: TestClient) -> None:
    codes = [client.post("/api/ask", json={"question": "water?"}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    limited = client.post("/api/ask/stream", json={"question": "water?"})
    assert limited.status_code == 429
    assert "limit is 3 per minute" in limited.json()["detail"]
    assert int(limited.headers["Retry-After"]) >= 1
    assert client.get("/api/search", params={"q": "water"}).status_code == 200  # not a question


def test_feedback_is_logged_with_question_answer_and_citations(
    client: TestClient, generator: FakeChatModel, tmp_path: Path
) -> None:
    generator.enqueue("A $500,000 fine [1].")
    answer = client.post("/api/ask", json={"question": "What fine did Tyson Foods pay?"}).json()
    vote = {"rating": "down", "question": answer["question"], "answer": answer}
    assert client.post("/api/feedback", json=vote).json() == {"recorded": "down"}
    assert client.post("/api/feedback", json={**vote, "rating": "meh"}).status_code == 422
    [entry] = FeedbackLog(tmp_path / "feedback.jsonl").entries()
    assert entry["rating"] == "down" and entry["question"] == "What fine did Tyson Foods pay?"
    assert entry["citations"][0]["text"] == answer["citations"][0]["text"]


def test_stats_and_upload_names(client: TestClient) -> None:
    admin = {"Authorization": "Bearer s3cret"}
    stats = client.get("/api/stats", headers=admin).json()
    assert stats["releases"] > 0 and stats["paragraphs"] >= stats["releases"]
    assert set(stats["languages"]) >= {"en", "ru"} and stats["embedder"].startswith("fake")
    assert stats["first_date"] <= stats["last_date"]
    hidden = {"files": (".env", b"PRESSCHAT_ADMIN_TOKEN=x\n")}
    refused = client.post("/api/ingest", files=hidden, headers=admin)
    assert refused.status_code == 422 and "bad file name" in refused.text


def test_empty_date_fields_mean_no_filter_and_reversed_ranges_are_refused(
    client: TestClient,
) -> None:
    assert client.get("/api/search", params={"q": "water", "since": "", "until": ""}).json()
    reversed_range = {"question": "q", "filters": {"since": "2025-02-01", "until": "2025-01-01"}}
    response = client.post("/api/ask", json=reversed_range)
    assert response.status_code == 422 and "after" in response.text


def test_feedback_size_is_bounded_and_the_admin_token_check_never_crashes(
    client: TestClient,
) -> None:
    huge = {"rating": "up", "question": "q", "answer": {"answer": "x" * 30_000}}
    assert client.post("/api/feedback", json=huge).status_code == 422
    odd = {"Authorization": b"Bearer t\xf6ken"}  # a byte >= 0x80 in the header
    assert client.get("/api/stats", headers=odd).status_code == 401  # type: ignore[dict-item]
    assert client.get("/api/stats", headers={"Authorization": "bearer s3cret"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_a_lone_surrogate_is_a_422_with_a_message(client: TestClient, path: str) -> None:
    body = b'{"question": "trade \\ud800 turnover"}'
    headers = {"Content-Type": "application/json"}
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 422 and "unicode" in response.text
    # the 422 that repeats the bad text back must not fail either
    bad = b'{"question": "x", "history": [{"role": "robot", "content": "\\ud800"}]}'
    assert client.post(path, content=bad, headers=headers).status_code == 422


def test_a_lone_surrogate_in_feedback_is_a_422(client: TestClient) -> None:
    body = b'{"rating": "up", "question": "q \\udfff", "answer": {"answer": "a"}}'
    response = client.post(
        "/api/feedback", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "unicode" in response.text


def test_docs_show_the_tokens_and_the_answer_contract(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"access token", "bearer token"} <= set(schema["components"]["securitySchemes"])
    ask = schema["paths"]["/api/ask"]["post"]
    assert ask["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "AnswerOut"
    )
    assert "citations" in schema["components"]["schemas"]["AnswerOut"]["properties"]
    assert "security" in schema["paths"]["/api/ingest"]["post"]


def test_a_stream_waiting_for_the_model_keeps_the_connection_alive(
    client: TestClient, generator: FakeChatModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastapi.routing

    monkeypatch.setattr(fastapi.routing, "_PING_INTERVAL", 0.05)
    original = FakeChatModel._stream

    def slow_start(self: FakeChatModel, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # the model takes a while before its first token
        yield from original(self, *args, **kwargs)

    monkeypatch.setattr(FakeChatModel, "_stream", slow_start)
    with client.stream("POST", "/api/ask/stream", json={"question": "Tyson fine?"}) as response:
        text = "".join(response.iter_text())
    assert ": ping" in text and "event: done" in text
