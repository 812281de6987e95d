"""The answer contract as plain JSON, shared by the command line, the web chat and the API."""

from __future__ import annotations

from typing import Any

from answer.types import Answer, Citation
from retrieval.serialize import filters_to_dict, hit_to_dict, to_plain


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    """A kept [n] marker and its paragraph (0-based index in the release)."""
    return to_plain(citation)


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The answer contract: text, citations, sources, refused, and how it was searched."""
    return {
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "language": answer.language,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [citation_to_dict(c) for c in answer.citations],
        "sources": [hit_to_dict(h) for h in answer.sources],
        "filters": filters_to_dict(answer.filters),
    }
