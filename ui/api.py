"""The HTTP API: ask (whole or streamed as Server-Sent Events), search, feedback, health, and
the operator's ingest, delete and statistics behind the admin token.

`ApiHandlers` holds one small method per route; `create_api` wires them into a router. The
question, history and filters of a request are checked by `answer.request.AskRequest` and
`retrieval.filters.FiltersIn`, the same models the chat and the command line use.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent

from answer.assistant import Assistant
from answer.request import AskRequest
from answer.types import AnswerEvent, AnswerToken, SourcesFound, answer_to_dict
from retrieval.errors import BackendError, PresschatError, StoreError
from retrieval.filters import read_filters, read_query
from retrieval.serialize import filters_to_dict, hit_to_dict
from ui.access import AccessToken, AdminToken, RateLimited, RateLimiter, client_key
from ui.admin_operations import AdminOperations
from ui.feedback import FeedbackIn, FeedbackLog
from ui.schemas import AnswerOut, HealthOut, HitOut
from ui.stats import store_stats

log = logging.getLogger(__name__)

ANSWER_SLOTS = 16
"""Questions answered at once; more wait without holding a worker thread, so a burst of
questions cannot take every thread from health checks, search and ingest."""

SEARCH_THREADS = 100
"""Searches waiting at once, each in a worker thread of its own besides the 40 the other routes
share: searches that wait together are done as one batch (`retrieval.batching`), so a burst of
50 costs two batches instead of three or four in turn behind the shared threads."""


def event_to_sse(event: AnswerEvent) -> ServerSentEvent:
    """A streamed answer's event as the SSE the widget and API clients read."""
    if isinstance(event, SourcesFound):
        data: dict[str, Any] = {
            "sources": [hit_to_dict(h) for h in event.sources],
            "standalone_question": event.standalone_question,
            "filters": filters_to_dict(event.filters),
        }
        return ServerSentEvent(event="sources", data=data)
    if isinstance(event, AnswerToken):
        return ServerSentEvent(event="token", data={"text": event.text})
    return ServerSentEvent(event="done", data=answer_to_dict(event.answer))


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
    access_token: str | None = None
    operations: AdminOperations | None = None
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0))
    feedback: FeedbackLog | None = None
    votes: RateLimiter = field(init=False)
    answering: anyio.Semaphore = field(init=False)
    searching: anyio.CapacityLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.votes = RateLimiter(60 if self.limiter.per_minute else 0, what="votes")
        self.answering = anyio.Semaphore(ANSWER_SLOTS)
        self.searching = anyio.CapacityLimiter(SEARCH_THREADS)

    def healthz(self) -> dict[str, Any]:
        """Liveness and what the store holds."""
        return {
            "status": "ok",
            "chunks": self.assistant.index.store.count(),
            "collection": self.assistant.index.store.collection_name,
            "model": self.assistant.model_name,
        }

    def count_question(self, body: AskRequest, request: Request) -> None:
        """Count a valid question against the asker's limit (FastAPI calls this only once the
        body is valid, and before a streamed answer starts)."""
        check_limit(self.limiter, client_key(request))

    async def ask(self, body: AskRequest) -> dict[str, Any]:
        """The whole answer with its citations and sources."""
        async with self.answering:
            answer = await run_in_threadpool(
                self.assistant.ask, body.question, body.turns(), body.search_filters()
            )
        return answer_to_dict(answer)

    async def ask_stream(self, body: AskRequest) -> AsyncIterator[ServerSentEvent]:
        """Server-Sent Events: `sources` (before the first token), `token`s, then `done` with
        the checked answer, or `error` with a message; comments keep the connection alive
        while a question waits for the model."""
        async with self.answering:
            async for event in iterate_in_threadpool(self._events(body)):
                yield event

    def _events(self, body: AskRequest) -> Iterator[ServerSentEvent]:
        try:
            for event in self.assistant.stream(body.question, body.turns(), body.search_filters()):
                yield event_to_sse(event)
        except PresschatError as exc:  # the stream has started: report in-band
            log.warning("streamed answer failed: %s", exc)
            yield ServerSentEvent(event="error", data={"message": str(exc)})

    async def search(
        self,
        q: Annotated[str, Query(min_length=1, max_length=2_000)],
        k: Annotated[int, Query(ge=1, le=100)] = 10,
        since: str | None = None,
        until: str | None = None,
        lang: str | None = None,
    ) -> list[dict[str, Any]]:
        """The paragraphs that best match `q`."""
        filters = read_filters(since, until, lang)
        search = self.assistant.index.search
        hits = await anyio.to_thread.run_sync(
            search, read_query(q), k, filters, limiter=self.searching
        )
        return [hit_to_dict(h) for h in hits]

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
    admin = [Depends(AdminToken(handlers.admin_token))]
    access = [Depends(AccessToken(handlers.access_token))]
    asking = [*access, Depends(handlers.count_question)]
    router = APIRouter()
    route = router.add_api_route
    route("/healthz", handlers.healthz, methods=["GET"], response_model=HealthOut)
    route("/api/ask", handlers.ask, methods=["POST"], dependencies=asking, response_model=AnswerOut)
    route(
        "/api/ask/stream",
        handlers.ask_stream,
        methods=["POST"],
        dependencies=asking,
        response_class=EventSourceResponse,
    )
    route(
        "/api/search",
        handlers.search,
        methods=["GET"],
        dependencies=access,
        response_model=list[HitOut],
    )
    route("/api/feedback", handlers.give_feedback, methods=["POST"], dependencies=access)
    route("/api/ingest", handlers.ingest, methods=["POST"], dependencies=admin)
    route("/api/stats", handlers.stats, methods=["GET"], dependencies=admin)
    route(
        "/api/releases/{release_id:path}",
        handlers.delete_release,
        methods=["DELETE"],
        dependencies=admin,
    )
    return router


def install_error_handlers(app: FastAPI) -> None:
    """Model and store failures become 503 with a message, a bad request 422; the server keeps
    serving. A request's own bad text (a lone surrogate, say) is escaped in the 422 reply, so
    writing the reply never fails."""

    async def invalid(_: Any, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail = jsonable_encoder(exc.errors())
        body = json.dumps({"detail": detail}, ensure_ascii=True)
        return Response(body, status_code=422, media_type="application/json")

    async def unavailable(_: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    async def bad_request(_: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    app.add_exception_handler(BackendError, unavailable)
    app.add_exception_handler(StoreError, unavailable)
    app.add_exception_handler(PresschatError, bad_request)
    app.add_exception_handler(RequestValidationError, invalid)
