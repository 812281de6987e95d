"""The shapes of the HTTP API's replies, so that /docs shows the answer contract."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Release(BaseModel):
    """The release a paragraph belongs to."""

    release_id: str
    title: str
    date: str | None
    url: str
    site: str = ""
    language: str = ""


class HitOut(Release):
    """A retrieved paragraph; `paragraph` is its 0-based index in the release (a chunk of
    merged tiny paragraphs spans paragraph_first..paragraph_last; a piece of a long one has
    `piece` > 0)."""

    chunk_id: str
    paragraph: int
    paragraph_first: int
    paragraph_last: int
    piece: int
    text: str
    score: float


class CitationOut(Release):
    """A [n] marker the answer kept, and the one paragraph it points to."""

    number: int
    paragraph: int
    text: str
    quote: str = Field(
        default="",
        description="The sentence (or two) of `text` the answer cites it for; empty if none.",
    )


class FiltersOut(BaseModel):
    """The filters the search used (the asker's, narrowed by dates named in the question)."""

    since: str | None
    until: str | None
    lang: str | None


class AnswerOut(BaseModel):
    """The answer contract. `sources` are numbered [1].. in order; `citations` the markers the
    answer kept. A refusal (`refused`: the releases do not hold the answer, or no
    answer the checks could back was found) cites nothing."""

    question: str
    standalone_question: str
    language: str
    answer: str
    refused: bool
    citations: list[CitationOut]
    sources: list[HitOut]
    filters: FiltersOut


class HealthOut(BaseModel):
    """What /healthz reports."""

    status: str
    chunks: int
    collection: str
    model: str
