"""Shorter sources for the model: the sentences of a long paragraph that best match the
question, with their neighbours, so the prompt (and the wait for the first token) stays short.
Citations still carry the whole paragraph."""

from __future__ import annotations

from retrieval.sentences import split_sentences
from retrieval.words import content_words


def excerpt_for_question(text: str, question: str, limit: int) -> str:
    """`text` itself if it fits in `limit` characters; else the run of whole sentences around
    the one that shares most words with `question`, marked with "…" where text was left out."""
    if len(text) <= limit:
        return text
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return text[:limit].rstrip() + " …"
    wanted = content_words(question)
    scores = [len(wanted & content_words(s)) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    first = last = best
    size = len(sentences[best])
    # Grow the window one sentence at a time, preferring the side with the better match.
    while True:
        options = []
        if first > 0:
            options.append((scores[first - 1], 1, first - 1))
        if last < len(sentences) - 1:
            options.append((scores[last + 1], 0, last + 1))
        grown = False
        for _, _, i in sorted(options, reverse=True):
            if size + 1 + len(sentences[i]) <= limit:
                size += 1 + len(sentences[i])
                first, last = min(first, i), max(last, i)
                grown = True
                break
        if not grown:
            break
    excerpt = " ".join(sentences[first : last + 1])
    if len(excerpt) > limit:  # one sentence longer than the limit
        excerpt = excerpt[:limit].rstrip() + " …"
    return ("… " if first > 0 else "") + excerpt + (" …" if last < len(sentences) - 1 else "")
