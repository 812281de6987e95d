"""Shorter sources for the model: the sentences of a long paragraph that hold the question's
words, with their neighbours, so the prompt (and the wait for the first token) stays short.
Citations still carry the whole paragraph."""

from __future__ import annotations

from retrieval.sentences import split_sentences
from retrieval.words import content_words

GAP = " … "


def excerpt_for_question(text: str, question: str, limit: int) -> str:
    """`text` itself if it fits in `limit` characters; else whole sentences of it, in order,
    marked with "…" where text was left out: first the sentence that shares most words with
    `question`, then those that hold question words it lacks ("How many hours of community
    service was the Dilkon man ordered to perform?": the sentence naming the man, and the one
    with the hours), then their neighbours, the better matching first."""
    if len(text) <= limit:
        return text
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return text[:limit].rstrip() + " …"
    wanted = _keys(question)
    words = [_keys(s) & wanted for s in sentences]
    scores = [len(w) for w in words]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    if len(sentences[best]) > limit:  # one sentence longer than the limit
        cut = sentences[best][:limit].rstrip() + " …"
        return ("… " if best > 0 else "") + cut
    chosen = {best}
    missing = wanted - words[best]
    # Sentences holding question words the chosen ones lack, most new words first.
    while missing:
        gains = {
            i: len(words[i] & missing)
            for i in range(len(sentences))
            if i not in chosen and _size(sentences, chosen | {i}) <= limit
        }
        extra = max(gains, key=lambda i: (gains[i], scores[i], -i), default=None)
        if extra is None or not gains[extra]:
            break
        chosen.add(extra)
        missing -= words[extra]
    # Then the neighbours, the better matching first (the earlier one on a tie).
    while True:
        neighbours = {j for i in chosen for j in (i - 1, i + 1)} - chosen
        fitting = [
            j
            for j in neighbours
            if 0 <= j < len(sentences) and _size(sentences, chosen | {j}) <= limit
        ]
        if not fitting:
            break
        chosen.add(max(fitting, key=lambda j: (scores[j], -j)))
    return _render(sentences, chosen)


def _keys(text: str) -> set[str]:
    """The text's content words by their first five letters ("agreed" and "agree",
    "sentenced" and "sentence", "Тәжікстанның" and "Тәжікстан" alike)."""
    return {word[:5] for word in content_words(text)}


def _runs(chosen: set[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in sorted(chosen):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _size(sentences: list[str], chosen: set[int]) -> int:
    """The length of the excerpt of these sentences, without the marks at its ends."""
    runs = _runs(chosen)
    text = sum(len(sentences[i]) for i in chosen) + len(chosen) - len(runs)
    return text + len(GAP) * (len(runs) - 1)


def _render(sentences: list[str], chosen: set[int]) -> str:
    runs = _runs(chosen)
    excerpt = GAP.join(" ".join(sentences[i] for i in run) for run in runs)
    head = "… " if runs[0][0] > 0 else ""
    tail = " …" if runs[-1][-1] < len(sentences) - 1 else ""
    return head + excerpt + tail
