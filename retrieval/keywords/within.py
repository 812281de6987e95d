"""Which paragraph of one release a question is about, by the question's words that set the
release's paragraphs apart: a word held by few of its paragraphs ("restitution", "synagogue")
says more than one held by most.

The dense ranking puts a release's first paragraph first for most questions about it: that
paragraph names the case in full ("Howard William Ledford of Hayesville, N.C."), and the
question names it too, while the paragraph that holds the asked fact names it in part ("Ledford
sold ..."). So names, here words capitalised after the question's first, do not count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from retrieval.keywords.terms import TOKEN, Analyzer


def distinct_words_held(
    question: str, paragraphs: Sequence[str], candidates: Sequence[str], language: str
) -> list[float]:
    """For each candidate text (a paragraph of the release), the question's words it holds,
    each weighted by how few of the release's `paragraphs` (in `language`) hold it,
    log((n + 1) / (held + 0.5))."""
    analyzer = Analyzer()
    tokens = TOKEN.findall(question)
    asked = " ".join(t for i, t in enumerate(tokens) if i == 0 or not t[:1].isupper())
    held = [set(analyzer.document_terms(text, language)) for text in paragraphs]
    weights: dict[tuple[str, ...], float] = {}
    for word in analyzer.query_words(asked):
        count = sum(not terms.isdisjoint(word) for terms in held)
        weights[word] = math.log((len(held) + 1) / (count + 0.5))
    scores = []
    for text in candidates:
        terms = set(analyzer.document_terms(text, language))
        scores.append(sum(w for word, w in weights.items() if not terms.isdisjoint(word)))
    return scores
