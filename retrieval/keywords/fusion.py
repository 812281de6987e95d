"""Reciprocal rank fusion: one ranking from several, by rank alone.

Cosine similarities and BM25 scores are on scales that cannot be compared, so each ranking
gives an item 1 / (k + rank) and the sums decide (Cormack, Clarke and Büttcher, SIGIR 2009;
k = 60 is their constant). An item found by both rankings beats one found high by one alone.
An item can count for less than its rank says: the keyword ranking weighs each chunk by the
share of the question it holds (`retrieval.keywords.index`).
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
