"""Reciprocal rank fusion: one ranking from several, by rank alone.

Cosine similarities and BM25 scores are on scales that cannot be compared, so each ranking
gives an item 1 / (k + rank) and the sums decide (Cormack, Clarke and Büttcher, SIGIR 2009;
k = 60 is their constant). An item found by both rankings beats one found high by one alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[T]],
    *,
    weights: Sequence[float] | None = None,
    k: int = RRF_K,
) -> list[T]:
    """The items of all rankings (each best first), best first by summed 1 / (k + rank);
    ties keep the order in which the items were first met, earlier rankings first."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[T, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])  # stable: ties keep first-met order
