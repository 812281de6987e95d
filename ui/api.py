"""The HTTP API: ask (whole or streamed as Server-Sent Events), search, feedback, health, and
the operator's ingest, delete and statistics behind the admin token.

`ApiHandlers` holds one small method per route; `create_api` wires them into a router. The
question, history and filters of a request are checked by `answer.request.AskRequest` and
`retrieval.filters.FiltersIn`, the same models the chat and the command line use.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse

from answer.assistant import Assistant
from answer.request import AskRequest
from answer.serialize import answer_to_dict
from answer.types import AnswerEvent, AnswerToken, SourcesFound
from retrieval.errors import BackendError, PresschatError, StoreError
from retrieval.filters import read_filters
from retrieval.serialize import filters_to_dict, hit_to_dict
from ui.access import RateLimited, RateLimiter, client_key
from ui.admin_operations import AdminOperations
from ui.feedback import FeedbackIn, FeedbackLog
from ui.stats import store_stats

log = logging.getLogger(__name__)

ANSWER_SLOTS = 16
"""Questions answered at once; more wait without holding a worker thread, so a burst of
questions cannot take every thread from health checks, search and ingest."""


def sse(event: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def event_to_sse(event: AnswerEvent) -> str:
    """A streamed answer's event as the SSE the widget and API clients read."""
    if isinstance(event, SourcesFound):
        return sse(
            "sources",
            {
                "sources": [hit_to_dict(h) for h in event.sources],
                "standalone_question": event.standalone_question,
                "filters": filters_to_dict(event.filters),
            },
        )
    if isinstance(event, AnswerToken):
        return sse("token", {"text": event.text})
    return sse("done", answer_to_dict(event.answer))


def check_limit(limiter: RateLimiter, client: str) -> None:
    """Count one request for the client, or answer 429 with Retry-After."""
    try:
        limiter.check(client)
    except RateLimited as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None


@dataclass
class ApiHandlers:
    """The routes' handlers, bound to one assistant and the operator's operations."""

    assistant: Assistant
    admin_token: str | None = None
    operations: AdminOperations | None = None
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0))
    feedback: FeedbackLog | None = None
    votes: RateLimiter = field(init=False)
    answering: anyio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.votes = RateLimiter(60 if self.limiter.per_minute else 0, what="votes")
        self.answering = anyio.Semaphore(ANSWER_SLOTS)

    def require_admin(self, authorization: Annotated[str | None, Header()] = None) -> None:
        """Admin routes need `Authorization: Bearer <PRESSCHAT_ADMIN_TOKEN>`."""
        if not self.admin_token:
            raise HTTPException(403, "admin is disabled: set PRESSCHAT_ADMIN_TOKEN")
        scheme, _, given = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            given.strip().encode(), self.admin_token.encode()
        ):
            raise HTTPException(401, "missing or wrong admin token")

    def healthz(self) -> dict[str, Any]:
        """Liveness and what the store holds."""
        return {
            "status": "ok",
            "chunks": self.assistant.index.store.count(),
            "collection": self.assistant.index.store.collection_name,
            "model": self.assistant.model_name,
        }

    async def ask(self, body: AskRequest, request: Request) -> dict[str, Any]:
        """The whole answer with its citations and sources."""
        check_limit(self.limiter, client_key(request))  # only valid questions count
        async with self.answering:
            answer = await run_in_threadpool(
                self.assistant.ask, body.question, body.turns(), body.search_filters()
            )
        return answer_to_dict(answer)

    def ask_stream(self, body: AskRequest, request: Request) -> StreamingResponse:
        """Server-Sent Events: `sources` (before the first token), `token`s, then `done` with
        the checked answer, or `error` with a message."""
        check_limit(self.limiter, client_key(request))
        return StreamingResponse(
            self._bounded_events(body),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache"},
        )

    async def _bounded_events(self, body: AskRequest) -> AsyncIterator[str]:
        async with self.answering:
            async for event in iterate_in_threadpool(self._events(body)):
                yield event

    def _events(self, body: AskRequest) -> Iterator[str]:
        try:
            for event in self.assistant.stream(body.question, body.turns(), body.search_filters()):
                yield event_to_sse(event)
        except PresschatError as exc:  # the stream has started: report in-band
            log.warning("streamed answer failed: %s", exc)
            yield sse("error", {"message": str(exc)})

    def search(
        self,
        q: Annotated[str, Query(min_length=1, max_length=2_000)],
        k: Annotated[int, Query(ge=1, le=100)] = 10,
        since: str | None = None,
        until: str | None = None,
        lang: str | None = None,
    ) -> list[dict[str, Any]]:
        """The paragraphs that best match `q`."""
        filters = read_filters(since, until, lang)
        return [hit_to_dict(h) for h in self.assistant.index.search(q, k, filters)]

    def give_feedback(self, body: FeedbackIn, request: Request) -> dict[str, Any]:
        """Thumbs up or down on an answer, logged with its question and citations."""
        if self.feedback is None:
            raise HTTPException(503, "feedback is not recorded on this server")
        check_limit(self.votes, client_key(request))
        self.feedback.record(
            rating=body.rating,
            question=body.question,
            answer=body.answer.model_dump(),
            client=client_key(request),
            comment=body.comment,
        )
        return {"recorded": body.rating}

    async def ingest(self, files: list[UploadFile]) -> dict[str, Any]:
        """Ingest uploaded release files; the same summary as the command line."""
        if self.operations is None:
            raise HTTPException(503, "ingest is not available on this server")
        uploads = [(upload.filename or "", await upload.read()) for upload in files]
        # Embedding takes a while: off the event loop, so chats keep streaming meanwhile.
        return await run_in_threadpool(self.operations.ingest_uploads, uploads, None)

    def stats(self) -> dict[str, Any]:
        """Releases, paragraphs, languages, date range and embedder of the store."""
        return store_stats(self.assistant.index)

    def delete_release(self, release_id: str) -> dict[str, Any]:
        """Remove a release and its paragraphs."""
        if self.operations is None:
            raise HTTPException(503, "deleting is not available on this server")
        removed = self.operations.delete_release(release_id)
        if not removed:
            raise HTTPException(404, f"no release with id {release_id!r}")
        return {"deleted": release_id, "chunks": removed}


def create_api(handlers: ApiHandlers) -> APIRouter:
    """The /api routes and /healthz, served by these handlers."""
    admin = [Depends(handlers.require_admin)]
    router = APIRouter()
    router.add_api_route("/healthz", handlers.healthz, methods=["GET"])
    router.add_api_route("/api/ask", handlers.ask, methods=["POST"])
    router.add_api_route("/api/ask/stream", handlers.ask_stream, methods=["POST"])
    router.add_api_route("/api/search", handlers.search, methods=["GET"])
    router.add_api_route("/api/feedback", handlers.give_feedback, methods=["POST"])
    router.add_api_route("/api/ingest", handlers.ingest, methods=["POST"], dependencies=admin)
    router.add_api_route("/api/stats", handlers.stats, methods=["GET"], dependencies=admin)
    router.add_api_route(
        "/api/releases/{release_id:path}",
        handlers.delete_release,
        methods=["DELETE"],
        dependencies=admin,
    )
    return router


def install_error_handlers(app: FastAPI) -> None:
    """Model and store failures become 503 with a message, a bad request 422; the server keeps
    serving."""

    async def unavailable(_: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    async def bad_request(_: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    app.add_exception_handler(BackendError, unavailable)
    app.add_exception_handler(StoreError, unavailable)
    app.add_exception_handler(PresschatError, bad_request)
