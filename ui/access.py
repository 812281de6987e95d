"""Who may use the server: allowed origins for cross-site pages (the widget), an optional access
token, and a per-client limit on questions."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

TOKEN_HEADER = "X-Presschat-Token"


class RateLimited(Exception):
    """A client asked more often than the limit allows."""

    def __init__(self, limit: int, retry_after: float, what: str = "questions") -> None:
        self.limit = limit
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            f"Too many {what}: the limit is {limit} per minute. Try again in {self.retry_after} s."
        )


class RateLimiter:
    """At most `per_minute` requests (`what`: questions, votes) per client in any 60-second
    window (0 = unlimited)."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        what: str = "questions",
    ) -> None:
        self.per_minute = per_minute
        self.what = what
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Count one question for `client`, or raise RateLimited without counting it."""
        if self.per_minute <= 0:
            return
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and now - times[0] >= 60.0:
                times.popleft()
            if len(times) >= self.per_minute:
                raise RateLimited(self.per_minute, 60.0 - (now - times[0]), self.what)
            times.append(now)
            if len(self._seen) > 10_000:  # forget idle clients so memory stays bounded
                for key in [k for k, v in self._seen.items() if not v or now - v[-1] >= 60.0]:
                    del self._seen[key]


def client_key(request: Any) -> str:
    """The address a limit applies to (of a Starlette or a Gradio request)."""
    return request.client.host if request.client else "unknown"


def _same_origin(origin: str, request: Request) -> bool:
    host = request.headers.get("host", "")
    return bool(host) and urlsplit(origin).netloc.lower() == host.lower()


def host_name(host_header: str) -> str:
    """The name in a Host header, without the port ("[::1]:7860" -> "::1")."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


class AccessPolicy:
    """Hosts, origins and the access token, applied to every request by `middleware`.

    The Host check comes first: "same origin" is judged from the Host header, which a page on
    another site can control through DNS rebinding unless the server knows its own names."""

    def __init__(
        self,
        allowed_origins: Iterable[str] = (),
        access_token: str | None = None,
        allowed_hosts: Iterable[str] = ("*",),
    ):
        self.allowed_origins = frozenset(allowed_origins)
        self.access_token = access_token or None
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)

    def host_allowed(self, request: Request) -> bool:
        """The request names one of the server's own hosts."""
        if "*" in self.allowed_hosts:
            return True
        return host_name(request.headers.get("host", "")) in self.allowed_hosts

    def origin_allowed(self, origin: str | None, request: Request) -> bool:
        """Requests without an Origin (curl, servers) and from the server's own pages pass."""
        if not origin or _same_origin(origin, request):
            return True
        return "*" in self.allowed_origins or origin.rstrip("/") in self.allowed_origins

    def token_ok(self, request: Request) -> bool:
        """No token configured, or the request carries it (header or Bearer)."""
        if self.access_token is None:
            return True
        given = request.headers.get(TOKEN_HEADER) or ""
        if not given:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return secrets.compare_digest(given.encode(), self.access_token.encode())

    @staticmethod
    def _cors_headers(origin: str | None, request: Request) -> dict[str, str]:
        """Headers for an origin the middleware has already let through."""
        if not origin or _same_origin(origin, request):
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Vary": "Origin",
            "Access-Control-Expose-Headers": "Retry-After",
        }

    def middleware(
        self, protected: Callable[[str], bool]
    ) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
        """An HTTP middleware: refuse other origins (403, preflights included), answer allowed
        origins' preflights, and ask for the token on `protected` paths."""

        async def check(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            if not self.host_allowed(request):
                return PlainTextResponse(
                    f"this presschat server does not answer to the host name "
                    f"{request.headers.get('host', '')!r} (an operator can add it to "
                    "PRESSCHAT_ALLOWED_HOSTS)",
                    status_code=400,
                )
            origin = request.headers.get("origin")
            if not self.origin_allowed(origin, request):
                return PlainTextResponse(
                    f"origin {origin} is not allowed to use this presschat server "
                    "(an operator can add it to PRESSCHAT_ALLOWED_ORIGINS)",
                    status_code=403,
                )
            cors = self._cors_headers(origin, request)
            if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
                return Response(
                    status_code=204,
                    headers={
                        **cors,
                        "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
                        "Access-Control-Allow-Headers": (
                            f"Content-Type, Authorization, {TOKEN_HEADER}"
                        ),
                        "Access-Control-Max-Age": "600",
                    },
                )
            if protected(request.url.path) and not self.token_ok(request):
                response: Response = JSONResponse(
                    {"detail": "this presschat server needs an access token"}, status_code=401
                )
            else:
                response = await call_next(request)
            response.headers.update(cors)
            return response

        return check
