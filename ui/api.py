"""The HTTP API: ask (whole or streamed as Server-Sent Events), search, feedback, health, and
the operator's ingest, delete and statistics behind the admin token.

`create_api` takes the assistant and, for ingest, `Operations` from the composition point, so
this package depends on retrieval and prompts only, never on ingest.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field, field_validator, model_validator

from retrieval.assistant import Assistant
from retrieval.dates import parse_date
from retrieval.errors import BackendError, PresschatError, StoreError
from retrieval.serialize import answer_to_dict, filters_to_dict, hit_to_dict
from retrieval.types import AnswerDone, AnswerToken, SearchFilters, SourcesFound, Turn
from ui.access import RateLimited, RateLimiter, client_key
from ui.feedback import FeedbackLog
from ui.stats import store_stats

log = logging.getLogger(__name__)

ANSWER_SLOTS = 16

OnProgress = Callable[[int, int], None]
"""Called with (paragraphs written, paragraphs to write) while an ingest embeds."""


Upload = tuple[str, bytes]
"""An uploaded release file: its name as the user's machine called it, and its bytes."""


@dataclass(frozen=True)
class Operations:
    """What an operator may run besides questions, built by the composition point (which knows
    the ingest package). Both return the ingest summary as a dict, as `--json` prints it, and
    raise PresschatError for a bad upload (such as a hidden file name)."""

    ingest_uploads: Callable[[Sequence[Upload], OnProgress | None], dict[str, Any]]
    reingest_folders: Callable[[OnProgress | None], dict[str, Any]] | None
    delete_release: Callable[[str], int]
    """Remove a release (waiting for a running ingest); the number of paragraphs removed."""


class TurnIn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class FiltersIn(BaseModel):
    since: dt.date | None = None
    until: dt.date | None = None
    lang: str | None = Field(default=None, max_length=8)

    @field_validator("since", "until", mode="before")
    @classmethod
    def _written_dates(cls, value: Any) -> Any:
        if isinstance(value, str):  # an empty form field means no filter
            return parse_date(value) if value.strip() else None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> FiltersIn:
        if self.since and self.until and self.since > self.until:
            raise ValueError("'since' is after 'until'")
        return self

    def to_filters(self) -> SearchFilters:
        return SearchFilters(self.since, self.until, self.lang.lower() if self.lang else None)


class CitationIn(BaseModel):
    number: int
    release_id: str = Field(max_length=500)
    title: str = Field(default="", max_length=1_000)
    date: str | None = Field(default=None, max_length=20)
    url: str = Field(default="", max_length=2_000)
    paragraph: int
    text: str = Field(default="", max_length=20_000)


class AnswerIn(BaseModel):
    answer: str = Field(max_length=20_000)
    refused: bool = False
    citations: list[CitationIn] = Field(default_factory=list, max_length=20)


class FeedbackIn(BaseModel):
    """A vote on an answer, with the answer as the user saw it (bounded, so votes cannot fill
    the disk)."""

    rating: Literal["up", "down"]
    question: str = Field(max_length=2_000)
    answer: AnswerIn
    comment: str = Field(default="", max_length=2_000)


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=2_000)
    history: list[TurnIn] = Field(default_factory=list, max_length=50)
    filters: FiltersIn = Field(default_factory=lambda: FiltersIn())

    def turns(self) -> list[Turn]:
        return [Turn(t.role, t.content) for t in self.history]


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def create_api(
    assistant: Assistant,
    *,
    admin_token: str | None = None,
    operations: Operations | None = None,
    limiter: RateLimiter | None = None,
    feedback: FeedbackLog | None = None,
) -> APIRouter:
    """The /api routes and /healthz, bound to one assistant."""
    router = APIRouter()
    limiter = limiter or RateLimiter(0)
    votes = RateLimiter(60 if limiter.per_minute else 0, what="votes")
    # Questions wait here (without holding a worker thread) once this many are being answered,
    # so a burst of questions cannot take every thread from health checks, search and ingest.
    answering = anyio.Semaphore(ANSWER_SLOTS)

    def count(request: Request, against: RateLimiter) -> None:
        try:
            against.check(client_key(request))
        except RateLimited as exc:
            raise HTTPException(
                429, str(exc), headers={"Retry-After": str(exc.retry_after)}
            ) from None

    def limit(request: Request) -> None:
        count(request, limiter)

    def require_admin(authorization: Annotated[str | None, Header()] = None) -> None:
        if not admin_token:
            raise HTTPException(403, "admin is disabled: set PRESSCHAT_ADMIN_TOKEN")
        scheme, _, given = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            given.strip().encode(), admin_token.encode()
        ):
            raise HTTPException(401, "missing or wrong admin token")

    @router.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Liveness and what the store holds."""
        return {
            "status": "ok",
            "chunks": assistant.index.store.count(),
            "collection": assistant.index.store.collection_name,
            "model": assistant.generator.name,
        }

    @router.post("/api/ask", dependencies=[Depends(limit)])
    async def ask(body: AskIn) -> dict[str, Any]:
        """The whole answer with its citations and sources."""
        async with answering:
            answer = await run_in_threadpool(
                assistant.ask, body.question, body.turns(), body.filters.to_filters()
            )
        return answer_to_dict(answer)

    @router.post("/api/ask/stream", dependencies=[Depends(limit)])
    def ask_stream(body: AskIn) -> StreamingResponse:
        """Server-Sent Events: `sources` (before the first token), `token`s, then `done` with
        the checked answer, or `error` with a message."""
        filters = body.filters.to_filters()

        def events() -> Iterator[str]:
            try:
                for event in assistant.stream(body.question, body.turns(), filters):
                    if isinstance(event, SourcesFound):
                        yield _sse(
                            "sources",
                            {
                                "sources": [hit_to_dict(h) for h in event.sources],
                                "standalone_question": event.standalone_question,
                                "filters": filters_to_dict(event.filters),
                            },
                        )
                    elif isinstance(event, AnswerToken):
                        yield _sse("token", {"text": event.text})
                    elif isinstance(event, AnswerDone):
                        yield _sse("done", answer_to_dict(event.answer))
            except PresschatError as exc:  # the stream has started: report in-band
                log.warning("streamed answer failed: %s", exc)
                yield _sse("error", {"message": str(exc)})

        async def bounded() -> AsyncIterator[str]:
            async with answering:
                async for event in iterate_in_threadpool(events()):
                    yield event

        return StreamingResponse(
            bounded(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    @router.get("/api/search")
    def search(
        q: Annotated[str, Query(min_length=1, max_length=2_000)],
        k: Annotated[int, Query(ge=1, le=100)] = 10,
        since: str | None = None,
        until: str | None = None,
        lang: str | None = None,
    ) -> list[dict[str, Any]]:
        """The paragraphs that best match `q`."""
        try:
            filters = FiltersIn.model_validate(
                {"since": since, "until": until, "lang": lang}
            ).to_filters()
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return [hit_to_dict(h) for h in assistant.index.search(q, k, filters)]

    @router.post("/api/feedback")
    def give_feedback(body: FeedbackIn, request: Request) -> dict[str, Any]:
        """Thumbs up or down on an answer, logged with its question and citations."""
        if feedback is None:
            raise HTTPException(503, "feedback is not recorded on this server")
        count(request, votes)
        feedback.record(
            rating=body.rating,
            question=body.question,
            answer=body.answer.model_dump(),
            client=client_key(request),
            comment=body.comment,
        )
        return {"recorded": body.rating}

    @router.post("/api/ingest", dependencies=[Depends(require_admin)])
    async def ingest(files: list[UploadFile]) -> dict[str, Any]:
        """Ingest uploaded release files; the same summary as the command line."""
        if operations is None:
            raise HTTPException(503, "ingest is not available on this server")
        uploads = [(upload.filename or "", await upload.read()) for upload in files]
        # Embedding takes a while: off the event loop, so chats keep streaming meanwhile.
        return await run_in_threadpool(operations.ingest_uploads, uploads, None)

    @router.get("/api/stats", dependencies=[Depends(require_admin)])
    def stats() -> dict[str, Any]:
        """Releases, paragraphs, languages, date range and embedder of the store."""
        return store_stats(assistant.index)

    @router.delete("/api/releases/{release_id:path}", dependencies=[Depends(require_admin)])
    def delete_release(release_id: str) -> dict[str, Any]:
        """Remove a release and its paragraphs."""
        if operations is None:
            raise HTTPException(503, "deleting is not available on this server")
        removed = operations.delete_release(release_id)
        if not removed:
            raise HTTPException(404, f"no release with id {release_id!r}")
        return {"deleted": release_id, "chunks": removed}

    return router


def install_error_handlers(app: FastAPI) -> None:
    """Model and store failures become 503 with a message; the server keeps serving."""

    @app.exception_handler(BackendError)
    async def backend_down(_: Any, exc: BackendError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(StoreError)
    async def store_down(_: Any, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(PresschatError)
    async def bad_request(_: Any, exc: PresschatError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)
