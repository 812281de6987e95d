"""Reciprocal rank fusion: one ranking from several, by rank alone.

Cosine similarities and BM25 scores are on scales that cannot be compared, so each ranking
gives an item 1 / (k + rank) and the sums decide (Cormack, Clarke and Büttcher, SIGIR 2009;
k = 60 is their constant). An item found by both rankings beats one found high by one alone.
An item can count for less than its rank says: the keyword ranking weighs each chunk by the
share of the question it holds (`retrieval.keywords.index`) and, with an e5 embedder, by how
close the dense ranking finds it (`keyword_weights`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[T]],
    *,
    weights: Sequence[Sequence[float] | None] | None = None,
    k: int = RRF_K,
) -> list[T]:
    """The items of all rankings (each best first), best first by summed weight / (k + rank);
    `weights` gives each ranking's items their weights, in its order (None: 1 each). Ties keep
    the order in which the items were first met, earlier rankings first."""
    weights = weights if weights is not None else [None] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one list of weights (or None) per ranking")
    scores: dict[T, float] = {}
    for ranking, item_weights in zip(rankings, weights, strict=True):
        if item_weights is not None and len(item_weights) != len(ranking):
            raise ValueError("one weight per item of a ranking")
        for rank, item in enumerate(ranking, start=1):
            weight = 1.0 if item_weights is None else item_weights[rank - 1]
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])  # stable: ties keep first-met order


FULL_SHARE = 0.3
SHARE_POWER = 4
"""A keyword hit that holds at least `FULL_SHARE` of the question (`KeywordIndex.search_at`)
counts in the fusion in full, one that holds less for (share / FULL_SHARE) ** SHARE_POWER: a
Russian release that shared one common word ("год") with a question that an English release
answers held 0.10 of it and outranked that release at full weight. Weighing every hit by its
share (squared) did more for XQuAD but cost Kazakh (KazQAD) and exact case numbers in
questions that hold a word no release does (BENCHMARKS.md, "Keyword hits that hold little of
the question")."""
CLOSE_SHARE = 0.7
E5_GAPS = (0.02, 0.04)
"""With an e5-small embedder, a keyword hit that holds less than `CLOSE_SHARE` of the question
counts in full while the dense ranking finds it at most 0.02 (cosine) less close to the
question than the closest paragraph, not at all from 0.04 on, and linearly between (a hit the
dense ranking did not bring, as its last); one that holds more (an exact case number) counts
wherever it lies. The keyword ranking sees only paragraphs in the question's language: on the
bundled example it put a Kazakh release whose title shares "Сыртқы істер министрлігі" with a
question about the Kazakh and Tajik ministers' talks (0.79) above every paragraph of the
English release about them (0.83). On both dev sets this moved gold paragraphs up only;
KazQAD's Hits@10 fell 0.925 -> 0.907 (BENCHMARKS.md, "Keyword hits far below the closest
paragraph"). The gaps are e5's: its cosines lie close together (a DOJ question's 30 nearest
paragraphs within 0.07 at the median); other embedders keep the plain fusion."""


def keyword_weights(
    found: Sequence[tuple[str, float]],
    ranked: Sequence[tuple[str, float]],
    gaps: tuple[float, float] | None,
) -> list[float]:
    """The weight of each keyword hit (id, share of the question it holds) in the fusion with
    the dense ranking `ranked` (id, cosine; best first): by its share and, with `gaps`
    (`closeness_gaps`), by how much less close than the closest paragraph the dense ranking
    finds it."""
    cosines = dict(ranked)
    closest, last = (ranked[0][1], ranked[-1][1]) if ranked else (0.0, 0.0)
    return [
        _share_weight(share)
        * (
            1.0
            if gaps is None or share >= CLOSE_SHARE
            else _closeness(closest - cosines.get(chunk_id, last), gaps)
        )
        for chunk_id, share in found
    ]


def closeness_gaps(embedder: str) -> tuple[float, float] | None:
    """The gaps `keyword_weights` weighs keyword hits by, for an embedder by its name
    (`E5_GAPS`); None for the plain fusion."""
    return E5_GAPS if embedder.startswith("e5-small") else None


def _share_weight(share: float) -> float:
    return min(1.0, share / FULL_SHARE) ** SHARE_POWER


def _closeness(gap: float, gaps: tuple[float, float]) -> float:
    """All of the weight up to the first of `gaps`, none from the second, linearly between."""
    full, none = gaps
    return min(1.0, max(0.0, (none - gap) / (none - full)))
