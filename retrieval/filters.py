"""Search filters as people write them (the chat's fields, the HTTP and Gradio APIs, the command
line), checked in one place: dates in any written form `parse_date` reads, an ordered range, a
language by code or name (`language_code`); and the search query itself, which must not be
blank."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from retrieval.dates import parse_date
from retrieval.errors import RequestError
from retrieval.language import language_code
from retrieval.types import SearchFilters


class FiltersIn(BaseModel):
    """`since` and `until` (inclusive) and `lang`; empty fields mean no restriction."""

    since: dt.date | None = None
    until: dt.date | None = None
    lang: str | None = Field(default=None, max_length=8)

    @field_validator("since", "until", mode="before")
    @classmethod
    def _written_dates(cls, value: Any) -> Any:
        if isinstance(value, str):  # an empty form field means no filter
            return parse_date(value) if value.strip() else None
        return value

    @field_validator("lang", mode="before")
    @classmethod
    def _language_code(cls, value: Any) -> Any:
        if isinstance(value, str):
            return language_code(value) if value.strip() else None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> FiltersIn:
        if self.since and self.until and self.since > self.until:
            raise ValueError("'since' is after 'until'")
        return self

    def to_filters(self) -> SearchFilters:
        """The filters the store applies."""
        return SearchFilters(self.since, self.until, self.lang)


def read_filters(
    since: str | None = None, until: str | None = None, lang: str | None = None
) -> SearchFilters:
    """Filters from text fields; raises RequestError that says which field is wrong."""
    try:
        return FiltersIn.model_validate({"since": since, "until": until, "lang": lang}).to_filters()
    except ValidationError as exc:
        raise invalid_request(exc) from None


def read_query(query: str) -> str:
    """A search query as typed, checked: RequestError if it is blank (the store would find
    nothing and the asker would not know why)."""
    if not query.strip():
        raise RequestError(
            "the query is empty: type the words to search for", ((("q",), "empty", query),)
        )
    return query


def invalid_request(exc: ValidationError) -> RequestError:
    """A RequestError that says, field by field, what pydantic found wrong, in one line a user
    can act on."""
    problems = tuple(
        (tuple(error["loc"]), str(error["msg"]).removeprefix("Value error, "), error.get("input"))
        for error in exc.errors()
    )
    message = "; ".join(
        f"{'.'.join(str(part) for part in where)}: {text}" if where else text
        for where, text, _ in problems
    )
    return RequestError(message, problems)
