"""A question as it reaches presschat, from the HTTP API, the Gradio API, the web chat or the
command line: validated here, once, whatever the entry."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from answer.types import Turn
from retrieval.filters import FiltersIn, invalid_request
from retrieval.types import SearchFilters

MAX_QUESTION_CHARS = 2_000
MAX_TURN_CHARS = 20_000
MAX_TURNS = 50
EMPTY_QUESTION = "type a question first"
QUESTION_TOO_LONG = "the question is too long"
"""The start of the message for a question over MAX_QUESTION_CHARS; callers that word the
problem themselves (the web chat, in three languages) recognise these two."""


class TurnIn(BaseModel):
    """One earlier turn of the conversation."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class AskRequest(BaseModel):
    """A question, the conversation before it, and the filters to search within."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[TurnIn] = Field(default_factory=list, max_length=MAX_TURNS)
    filters: FiltersIn = Field(default_factory=lambda: FiltersIn())

    @field_validator("question", mode="before")
    @classmethod
    def _stripped(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise ValueError(EMPTY_QUESTION)
            if len(value) > MAX_QUESTION_CHARS:
                raise ValueError(
                    f"{QUESTION_TOO_LONG}: {len(value)} characters, at most {MAX_QUESTION_CHARS}"
                )
        return value

    def turns(self) -> list[Turn]:
        """The history as the assistant takes it."""
        return [Turn(t.role, t.content) for t in self.history]

    def search_filters(self) -> SearchFilters:
        """The filters the store applies."""
        return self.filters.to_filters()


def read_ask_request(question: Any, history: Any = None, filters: Any = None) -> AskRequest:
    """An AskRequest from loose values (a form, JSON, command-line options); raises
    RequestError that names the bad field."""
    try:
        return AskRequest.model_validate(
            {"question": question, "history": history or [], "filters": filters or {}}
        )
    except ValidationError as exc:
        raise invalid_request(exc) from None
