"""Reciprocal rank fusion: rank alone decides, agreement wins."""

import pytest

from retrieval.keywords.fusion import (
    E5_GAPS,
    RRF_K,
    closeness_gaps,
    keyword_weights,
    reciprocal_rank_fusion,
)


def test_an_item_both_rankings_found_beats_the_top_of_one() -> None:
    dense = ["a", "b", "c"]
    keywords = ["x", "c"]
    assert reciprocal_rank_fusion([dense, keywords]) == ["c", "a", "x", "b"]


def test_ties_keep_the_first_ranking_first() -> None:
    assert reciprocal_rank_fusion([["a", "b"], ["x", "y"]]) == ["a", "x", "b", "y"]


def test_each_item_scores_the_sum_of_one_over_k_plus_rank() -> None:
    # 'b' at ranks 2 and 3 against 'a' at rank 1 alone: 1/62 + 1/63 > 1/61.
    assert reciprocal_rank_fusion([["a", "b"], ["c", "d", "b"]])[0] == "b"
    # With a large k, rank matters less and agreement more; with k=0 rank 1 alone wins.
    assert reciprocal_rank_fusion([["a", "b"], ["c", "d", "e", "f", "b"]], k=0)[0] == "a"
    assert RRF_K == 60


def test_an_item_counts_for_its_weight() -> None:
    # "x" tops the keyword ranking but holds little of the question: the dense runner-up wins.
    dense, keywords = ["a", "b"], ["x", "b"]
    assert reciprocal_rank_fusion([dense, keywords]) == ["b", "a", "x"]
    assert reciprocal_rank_fusion([dense, keywords], weights=[None, [0.1, 1.0]])[:2] == ["b", "a"]
    assert reciprocal_rank_fusion([dense, keywords], weights=[None, [0.1, 0.0]]) == ["a", "b", "x"]
    assert reciprocal_rank_fusion([["a"], ["x"]], weights=[[1.0], [2.0]]) == ["x", "a"]


def test_weights_must_match_the_rankings() -> None:
    with pytest.raises(ValueError, match="per ranking"):
        reciprocal_rank_fusion([["a"], ["x"]], weights=[None])
    with pytest.raises(ValueError, match="one weight per item"):
        reciprocal_rank_fusion([["a"], ["x", "y"]], weights=[None, [1.0]])


def test_empty_rankings_give_the_other_one_unchanged() -> None:
    assert reciprocal_rank_fusion([[], ["x", "y"]]) == ["x", "y"]
    assert reciprocal_rank_fusion([[], []]) == []


@pytest.mark.parametrize(
    ("cosine", "share", "first"),
    [
        (0.79, 0.29, "en-1"),  # far below the closest paragraph: the keywords have no say
        (0.82, 0.29, "kk-1"),  # about as close: they count in full
        (0.79, 1.0, "kk-1"),  # a hit holding the whole question (a case number) counts anyway
    ],
)
def test_a_keyword_hit_far_below_the_closest_paragraph_has_no_say(
    cosine: float, share: float, first: str
) -> None:
    # The bundled example asked in Kazakh: a Kazakh release whose title shares "Сыртқы істер
    # министрлігі" with the question came before the English release that answers it.
    dense = sorted(
        [("en-1", 0.83), ("en-2", 0.829), ("en-3", 0.828), ("kk-1", cosine)], key=lambda r: -r[1]
    )
    found = [("kk-1", share)]

    def fused(gaps: tuple[float, float] | None) -> list[str]:
        weights = keyword_weights(found, dense, gaps)
        return reciprocal_rank_fusion([[i for i, _ in dense], ["kk-1"]], weights=[None, weights])

    assert fused(E5_GAPS)[0] == first
    # Without gaps (an embedder other than e5), the plain fusion: the keywords always count.
    assert fused(None)[0] == "kk-1"


def test_only_e5_embedders_weigh_keyword_hits_by_closeness() -> None:
    for name in ("e5-small-torch", "e5-small-q4", "e5-small-onnx-int8"):
        assert closeness_gaps(name) == E5_GAPS
    for name in ("minilm-l6-v2", "fake-hash256", "st-my-model"):
        assert closeness_gaps(name) is None
