"""Cutting a release into chunks: one per paragraph, tiny paragraphs merged into the next, long
ones split at sentence boundaries so that each piece fits the embedder's input."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from retrieval.index import ChunkingRecipe
from retrieval.sentences import split_sentences
from retrieval.types import Chunk, Release


def release_hash(release: Release, recipe: ChunkingRecipe) -> str:
    """Fingerprint of everything that ends up in the store for this release."""
    payload = json.dumps(
        [
            recipe.tag,
            release.release_id,
            release.title,
            release.date.isoformat() if release.date else "",
            release.url,
            release.site,
            release.language,
            release.source_path,
            sorted(release.extra.items()),
            release.paragraphs,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def chunk_release(
    release: Release, recipe: ChunkingRecipe, count_tokens: Callable[[str], int]
) -> list[Chunk]:
    """The chunks of a release, in order; `seq` numbers them from 0."""
    prefix = _title_prefix(release.title, recipe, count_tokens) if recipe.embed_titles else ""
    groups = _merge_tiny(release.paragraphs, recipe.min_chars)
    chunks: list[Chunk] = []
    for primary, first, last, text in groups:
        pieces = _fit(text, prefix, recipe.max_tokens, count_tokens)
        for piece_number, piece in enumerate(pieces):
            embed_text = prefix + piece
            chunks.append(
                Chunk(
                    release_id=release.release_id,
                    seq=len(chunks),
                    paragraph=primary,
                    paragraph_first=first,
                    paragraph_last=last,
                    piece=piece_number,
                    text=piece,
                    embed_text=embed_text,
                    content_hash=hashlib.sha256(embed_text.encode()).hexdigest()[:32],
                )
            )
    return chunks


def _title_prefix(title: str, recipe: ChunkingRecipe, count_tokens: Callable[[str], int]) -> str:
    """The title line embedded before each paragraph, cut to a quarter of the model's input so
    that a very long title never squeezes the paragraph into one-word pieces."""
    if not title:
        return ""
    budget = recipe.max_tokens // 4
    if len(title) + 2 <= budget or count_tokens(title) <= budget:
        return f"{title}\n\n"
    words = title.split()
    while len(words) > 1 and count_tokens(" ".join(words)) > budget:
        words = words[: len(words) * 3 // 4]
    return f"{' '.join(words)}\n\n"


def _merge_tiny(paragraphs: tuple[str, ...], min_chars: int) -> list[tuple[int, int, int, str]]:
    """(primary index, first index, last index, text). A tiny paragraph is carried forward and
    joins the following ones until the joined text is long enough (so captions attach to the
    next paragraph, and a run of one-line paragraphs becomes a few chunks, not one or hundreds);
    tiny ones left at the end join the previous chunk."""
    groups: list[tuple[int, int, int, str]] = []
    pending: list[int] = []
    for index, text in enumerate(paragraphs):
        pending.append(index)
        if len(text) < min_chars and len(" ".join(paragraphs[i] for i in pending)) < min_chars:
            continue
        groups.append((index, pending[0], index, "\n".join(paragraphs[i] for i in pending)))
        pending = []
    if pending:
        tail = "\n".join(paragraphs[i] for i in pending)
        if groups:
            primary, first, _, text = groups.pop()
            groups.append((primary, first, pending[-1], text + "\n" + tail))
        else:
            groups.append((pending[0], pending[0], pending[-1], tail))
    return groups


def _fit(text: str, prefix: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Split text into pieces that fit `max_tokens` with the prefix, at sentence boundaries."""
    # A token covers at least one character in these tokenizers, so short texts need no count;
    # counting costs ~1 ms per paragraph with e5, which would dominate re-ingest.
    if len(prefix) + len(text) + 8 <= max_tokens or count_tokens(prefix + text) <= max_tokens:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _units(text, prefix, max_tokens, count_tokens):
        candidate = f"{current} {sentence}" if current else sentence
        if current and count_tokens(prefix + candidate) > max_tokens:
            pieces.append(current)
            current = sentence
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _units(
    text: str, prefix: str, max_tokens: int, count_tokens: Callable[[str], int]
) -> list[str]:
    """Sentences; a sentence that alone is too long is cut into runs of words."""
    units: list[str] = []
    for sentence in split_sentences(text):
        if count_tokens(prefix + sentence) <= max_tokens:
            units.append(sentence)
            continue
        run: list[str] = []
        for word in sentence.split():
            if run and count_tokens(prefix + " ".join([*run, word])) > max_tokens:
                units.append(" ".join(run))
                run = []
            run.append(word)
        if run:
            units.append(" ".join(run))
    return units
