"""Cutting a release into chunks: one per paragraph, tiny paragraphs merged into the next, long
ones split at sentence boundaries (then clause, word and token boundaries) so that each piece
fits the embedder's input.

Cutting takes time linear in the text: each sentence is counted once, a sentence too long for one
piece is tokenized once (`token_ends`), and pieces are packed from those counts; only the final
piece, and a decision within a few tokens of the limit, are counted exactly.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.index import ChunkingRecipe
from retrieval.sentences import split_sentences
from retrieval.types import Chunk, Release

TokenEnds = Callable[[str], list[int]]

# Texts longer than this many characters per allowed token are never counted whole (e5 takes
# seconds for a megabyte); they are measured sentence by sentence or word by word instead.
_LONG_CHARS_PER_TOKEN = 16
# Packing decisions this close to the limit are checked with an exact count.
_MARGIN = 4
_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s(?=[—–]\s)")
_SPACE_RUN = re.compile(r"\s+")


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
    release: Release,
    recipe: ChunkingRecipe,
    count_tokens: Callable[[str], int],
    token_ends: TokenEnds | None = None,
) -> list[Chunk]:
    """The chunks of a release, in order; `seq` numbers them from 0.

    `token_ends` (the embedder's) finds cut points inside a sentence too long for one piece;
    without it, words are counted one by one.
    """
    meter = _Meter(count_tokens, token_ends or _ends_by_word(count_tokens), recipe.max_tokens)
    prefix = title_prefix(release.title, recipe, count_tokens) if recipe.embed_titles else ""
    groups = _merge_tiny(release.paragraphs, recipe.min_chars)
    chunks: list[Chunk] = []
    for primary, first, last, text in groups:
        pieces = _fit(text, prefix, meter)
        for piece_number, piece in enumerate(pieces):
            embed_text = prefix + piece
            chunks.append(
                Chunk(
                    release_id=release.release_id,
                    seq=len(chunks),
                    paragraph=primary,
                    paragraph_first=first,
                    paragraph_last=last,
                    content_hash=hashlib.sha256(embed_text.encode()).hexdigest()[:32],
                    piece=piece_number,
                    text=piece,
                    embed_text=embed_text,
                )
            )
    return chunks


def _ends_by_word(count_tokens: Callable[[str], int]) -> TokenEnds:
    from retrieval.embedders import token_ends_by_word

    return lambda text: token_ends_by_word(text, count_tokens)


@dataclass(frozen=True)
class _Meter:
    count: Callable[[str], int]
    ends: TokenEnds
    max_tokens: int

    def is_long(self, text: str) -> bool:
        """Too long to count whole cheaply, and surely too long for one piece."""
        return len(text) > self.max_tokens * _LONG_CHARS_PER_TOKEN


def title_prefix(title: str, recipe: ChunkingRecipe, count_tokens: Callable[[str], int]) -> str:
    """The title line embedded before each paragraph, cut to a quarter of the model's input so
    that a very long title never squeezes the paragraph into one-word pieces."""
    if not title:
        return ""
    budget = recipe.max_tokens // 4
    if len(title) + 2 <= budget:
        return f"{title}\n\n"
    words = title.split()
    if len(words) > 4 * budget:  # every word is a token at least: never count a huge title
        words = words[: 4 * budget]
    elif count_tokens(title) <= budget:
        return f"{title}\n\n"
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


def _fit(text: str, prefix: str, meter: _Meter) -> list[str]:
    """Split text into pieces that fit the model's input with the prefix, at sentence
    boundaries; a piece is the sentences it holds joined by single spaces."""
    # A token covers at least one character in these tokenizers, so short texts need no count;
    # counting costs ~1 ms per paragraph with e5, which would dominate re-ingest.
    limit = meter.max_tokens
    if len(prefix) + len(text) + 8 <= limit:
        return [text]
    if not meter.is_long(text) and meter.count(prefix + text) <= limit:
        return [text]
    base = meter.count(prefix)
    queue = deque(_units(text, prefix, base, meter))
    pieces: list[str] = []
    while queue:
        current = [queue.popleft()]
        tokens, exact = base + current[0][1], False
        while queue:
            unit, unit_tokens = queue[0]
            estimate = tokens + unit_tokens
            if estimate > limit + _MARGIN:
                break
            if estimate > limit - _MARGIN:  # too close to trust a sum of parts: count it
                estimate = meter.count(prefix + _joined([*current, queue[0]]))
                if estimate > limit:
                    break
            current.append(queue.popleft())
            tokens, exact = estimate, estimate > limit - _MARGIN
        # A sum of parts may miss a token where parts meet; near the limit, count the piece.
        if not exact and tokens > limit - _MARGIN:
            while meter.count(prefix + _joined(current)) > limit and len(current) > 1:
                queue.appendleft(current.pop())
            if len(current) == 1:
                current, rest = _shrink(current[0], prefix, meter)
                queue.extendleft(reversed(rest))
        pieces.append(_joined(current))
    return pieces


def _joined(units: list[tuple[str, int]]) -> str:
    return " ".join(text for text, _ in units)


def _shrink(
    unit: tuple[str, int], prefix: str, meter: _Meter
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """A single unit, cut finer while its exact count is over the limit (an estimate inside a
    word was low); returns the piece and the units cut off it."""
    rest: list[tuple[str, int]] = []
    text, tokens = unit
    while not meter.is_long(prefix + text):
        over = meter.count(prefix + text) - meter.max_tokens
        if over <= 0:
            break
        parts = _cut_long(text, max(1, tokens - over - _MARGIN), meter)
        if len(parts) < 2:
            break  # cannot cut it (one token that is too long): the model truncates it
        (text, tokens), rest = parts[0], parts[1:] + rest
    return [(text, tokens)], rest


def _units(text: str, prefix: str, base: int, meter: _Meter) -> list[tuple[str, int]]:
    """(sentence, tokens it adds to a piece); a sentence too long for one piece is cut at
    clause, else word, else token boundaries into runs that fit."""
    budget = meter.max_tokens - base
    units: list[tuple[str, int]] = []
    for sentence in split_sentences(text):
        if not meter.is_long(sentence):
            tokens = meter.count(prefix + sentence) - base
            if tokens <= budget:
                units.append((sentence, tokens))
                continue
        # Runs a little under the limit need no exact count to be trusted.
        units.extend(_cut_long(sentence, max(1, budget - _MARGIN), meter))
    return units


def _cut_long(sentence: str, budget: int, meter: _Meter) -> list[tuple[str, int]]:
    """Cut one sentence into runs of at most `budget` tokens (by its token ends), each ending
    at the last clause boundary that fits, else the last word boundary, else a token's end."""
    ends = meter.ends(sentence)
    if not ends:
        return [(sentence, 0)]
    clauses = [m.end() for m in _CLAUSE_END.finditer(sentence)]
    spaces = [m.start() for m in _SPACE_RUN.finditer(sentence)]
    runs: list[tuple[str, int]] = []
    start, first = 0, 0  # first character and first token not yet in a run
    while first < len(ends):
        if first + budget >= len(ends):
            stop, following = len(sentence), len(ends)
        else:
            cut = ends[first + budget - 1]  # the end of the last token that fits
            limit = ends[first + budget] - 1  # a boundary before the first that does not
            # A clause boundary is taken only if it keeps at least half a piece.
            half = ends[first + budget // 2]
            stop = _last_in(clauses, half, limit) or _last_in(spaces, start, limit) or cut
            following = bisect.bisect_right(ends, stop, lo=first)
            if following == first:  # that boundary holds no whole token: cut at the token
                stop, following = cut, first + budget
        run = sentence[start:stop].strip()
        tokens = following - first
        if stop < len(sentence) and not (sentence[stop].isspace() or sentence[stop - 1].isspace()):
            # Cut inside a word: a piece of its own, never joined to the next with a space.
            tokens = budget + 2 * _MARGIN + 1
        if run:
            runs.append((run, tokens))
        start, first = stop, following
    return runs


def _last_in(offsets: list[int], start: int, limit: int) -> int | None:
    """The last offset in (start, limit], if any."""
    i = bisect.bisect_right(offsets, limit)
    return offsets[i - 1] if i and offsets[i - 1] > start else None
