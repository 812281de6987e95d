"""Finding [n] markers in an answer and mapping each to exactly one retrieved paragraph."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.types import Citation
from retrieval.types import Hit

CITATION_MARKER = re.compile(r"\[(\d+)\]")
"""A citation marker such as [2] in an answer; group 1 is the number."""
_GROUPED = re.compile(r"\[(\d+(?:\s*,\s*\d+)+)\]")
# A marker the reply ends in the middle of ("... жариялады [2]. [1"): generation stopped.
_CUT_MARKER = re.compile(r"[ \t]*\[[\d, ]*$")
# The prompt's own placeholder, copied ("... 200 million US dollars. [n] [2]").
_PLACEHOLDER = re.compile(r"\[n\][ \t]*", re.IGNORECASE)


def normalized_markers(text: str) -> str:
    """Grouped markers such as [1, 3] as [1][3], and a marker cut off at the end dropped (read
    as a figure, "[1" made an answer to "how many?" look as if it stated one), as is the
    prompt's "[n]" written as it stands."""
    text = _PLACEHOLDER.sub("", _CUT_MARKER.sub("", text))
    return _GROUPED.sub(lambda m: "".join(f"[{n.strip()}]" for n in m[1].split(",")), text)


def resolve_citations(text: str, sources: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
    """Drop markers that point to no source; return the cleaned text and the kept citations,
    in order of first appearance. Grouped markers such as [1, 3] become [1][3]; a marker cut
    off at the end is dropped."""
    text = normalized_markers(text)
    cited: dict[int, Citation] = {}

    def keep_or_drop(match: re.Match[str]) -> str:
        number = int(match[1])
        if not 1 <= number <= len(sources):
            return ""
        if number not in cited:
            hit = sources[number - 1]
            cited[number] = Citation(
                number=number, paragraph=hit.paragraph, text=hit.text, **hit.release_fields()
            )
        return match[0]

    cleaned = CITATION_MARKER.sub(keep_or_drop, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    return cleaned, tuple(cited.values())
