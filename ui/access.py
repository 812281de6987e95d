"""Who may use the server: its own host names, allowed origins for cross-site pages (the widget),
an optional access token, an admin token, and a per-client limit on questions. Starlette's
TrustedHostMiddleware and CORSMiddleware and FastAPI's security dependencies do the work; this
module adds the 403 for other sites and the limit."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

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


class OriginGate:
    """Refuses (403) requests sent by pages of other sites than the server's own and those
    listed, preflights included, before anything runs. Starlette's CORSMiddleware, inside it,
    writes the CORS headers for the listed ones; alone it would let a page on any site make
    the server answer (and call the model), only hiding the reply from that page."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = frozenset(o.rstrip("/").lower() for o in allowed_origins)

    def allows(self, origin: str | None, host: str) -> bool:
        """No Origin (curl, servers), the server's own pages, or a listed site."""
        if not origin:
            return True
        origin = origin.rstrip("/").lower()
        return (
            urlsplit(origin).netloc == host.lower()
            or "*" in self.allowed
            or (origin in self.allowed)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if self.allows(origin, headers.get("host", "")):
            await self.app(scope, receive, send)
            return
        response = PlainTextResponse(
            f"origin {origin} is not allowed to use this presschat server "
            "(an operator can add it to PRESSCHAT_ALLOWED_ORIGINS)",
            status_code=403,
        )
        await response(scope, receive, send)


def install_access_rules(
    app: Starlette, allowed_hosts: Sequence[str], allowed_origins: Sequence[str]
) -> None:
    """The server answers only to its own host names (TrustedHostMiddleware: against DNS
    rebinding, a page on another site re-pointed at this server), then only to its own pages
    and the listed sites (OriginGate), with CORS headers for the listed ones (CORSMiddleware)."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(allowed_origins),
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Authorization", TOKEN_HEADER],
        expose_headers=["Retry-After"],
        max_age=600,
    )
    app.add_middleware(OriginGate, allowed_origins=allowed_origins)
    # Starlette compares IPv6 literals with their brackets, as the Host header writes them.
    hosts = [f"[{h}]" if ":" in h and not h.startswith("[") else h for h in allowed_hosts]
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)


_HEADER_TOKEN = APIKeyHeader(name=TOKEN_HEADER, auto_error=False, scheme_name="access token")
_BEARER = HTTPBearer(auto_error=False, scheme_name="bearer token")


def _credentials(bearer: HTTPAuthorizationCredentials | None) -> str | None:
    return bearer.credentials if bearer is not None else None


def _matches(given: str | None, token: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), token.encode())


class AccessToken:
    """FastAPI security dependency for PRESSCHAT_ACCESS_TOKEN (in X-Presschat-Token or as a
    Bearer token); no token set, no check. /docs shows it."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None

    def __call__(
        self,
        header: Annotated[str | None, Security(_HEADER_TOKEN)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
    ) -> None:
        if self.token is None:
            return
        if _matches(header, self.token) or _matches(_credentials(bearer), self.token):
            return
        raise HTTPException(401, "this presschat server needs an access token")


class AdminToken:
    """FastAPI security dependency for PRESSCHAT_ADMIN_TOKEN, as a Bearer token; no token set,
    the admin routes are disabled (403)."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None

    def __call__(
        self, bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)]
    ) -> None:
        if self.token is None:
            raise HTTPException(403, "admin is disabled: set PRESSCHAT_ADMIN_TOKEN")
        if not _matches(_credentials(bearer), self.token):
            raise HTTPException(401, "missing or wrong admin token")
