"""Origins, the access token and the rate limit, through a real ASGI app."""

from collections.abc import Sequence

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from ui.access import AccessToken, RateLimited, RateLimiter, install_access_rules


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_counts_per_client_in_a_sliding_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock)
    limiter.check("a")
    limiter.check("a")
    limiter.check("b")  # another client has its own budget
    with pytest.raises(RateLimited, match="limit is 2 per minute.*Try again in 60 s"):
        limiter.check("a")
    clock.now += 30
    with pytest.raises(RateLimited, match="Try again in 30 s"):
        limiter.check("a")
    clock.now += 30
    limiter.check("a")  # the first two fell out of the window


def test_zero_means_no_limit() -> None:
    limiter = RateLimiter(0)
    for _ in range(1000):
        limiter.check("a")


def _client(
    allowed_origins: Sequence[str] = (),
    access_token: str | None = None,
    allowed_hosts: Sequence[str] = ("*",),
) -> TestClient:
    app = FastAPI()
    install_access_rules(app, allowed_hosts, allowed_origins)

    @app.post("/api/ask", dependencies=[Depends(AccessToken(access_token))])
    def ask() -> dict[str, str]:
        return {"answer": "yes"}

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return TestClient(app, base_url="http://presschat.test")


def test_other_origins_are_refused_unless_allowed() -> None:
    client = _client(["https://intranet.example"])
    refused = client.post("/api/ask", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "not allowed" in refused.text
    preflight = client.options(
        "/api/ask",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 403
    allowed = client.post("/api/ask", headers={"Origin": "https://intranet.example"})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://intranet.example"
    assert "Retry-After" in allowed.headers["Access-Control-Expose-Headers"]
    ok_preflight = client.options(
        "/api/ask",
        headers={
            "Origin": "https://intranet.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-presschat-token",
        },
    )
    assert ok_preflight.status_code == 200
    assert "X-Presschat-Token" in ok_preflight.headers["Access-Control-Allow-Headers"]
    # the server's own pages and clients that send no Origin
    assert client.post("/api/ask", headers={"Origin": "http://presschat.test"}).status_code == 200
    assert client.post("/api/ask").status_code == 200


def test_no_allowed_origins_by_default() -> None:
    response = _client().post("/api/ask", headers={"Origin": "https://intranet.example"})
    assert response.status_code == 403


def test_access_token_guards_the_api_only() -> None:
    client = _client(access_token="t0ken")
    assert client.post("/api/ask").status_code == 401
    assert client.post("/api/ask", headers={"X-Presschat-Token": "wrong"}).status_code == 401
    assert client.post("/api/ask", headers={"X-Presschat-Token": "t0ken"}).status_code == 200
    assert client.post("/api/ask", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_unknown_host_names_are_refused() -> None:
    # DNS rebinding: a page on evil.example re-pointed at the server sends its own name as Host
    # and Origin; without a Host check it would pass as "same origin".
    app_client = _client(allowed_hosts=["localhost", "presschat.test", "::1"])
    rebound = app_client.post(
        "/api/ask",
        headers={"Host": "evil.example:7860", "Origin": "http://evil.example:7860"},
    )
    assert rebound.status_code == 400
    assert app_client.post("/api/ask").status_code == 200  # Host: presschat.test
    assert app_client.get("/healthz", headers={"Host": "localhost:7860"}).status_code == 200
    assert app_client.get("/healthz", headers={"Host": "[::1]:7860"}).status_code == 200
