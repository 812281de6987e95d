from answer.attribution import resolve_citations
from retrieval.types import Hit
from tests.factories import make_hit


def _hit(n: int) -> Hit:
    return make_hit(
        f"r{n}", n, text=f"paragraph text {n}", title=f"Title {n}", url=f"https://x/{n}"
    )


SOURCES = [_hit(1), _hit(2), _hit(3)]


def test_markers_map_to_their_exact_paragraphs_in_order_of_appearance() -> None:
    text, citations = resolve_citations("Fine of $5 [2]. Paid in May [1][2].", SOURCES)
    assert text == "Fine of $5 [2]. Paid in May [1][2]."
    assert [c.number for c in citations] == [2, 1]
    assert (citations[0].release_id, citations[0].paragraph, citations[0].text) == (
        "r2",
        2,
        "paragraph text 2",
    )


def test_out_of_range_markers_are_removed() -> None:
    text, citations = resolve_citations("Claim [4]. Other [0]. Real [3].", SOURCES)
    assert text == "Claim. Other. Real [3]."
    assert [c.number for c in citations] == [3]


def test_grouped_markers_are_split() -> None:
    text, citations = resolve_citations("Both [1, 3].", SOURCES)
    assert text == "Both [1][3]." and [c.number for c in citations] == [1, 3]


def test_no_markers_no_citations() -> None:
    assert resolve_citations("Plain text.", SOURCES) == ("Plain text.", ())


def test_a_marker_cut_off_at_the_end_is_dropped() -> None:
    # Seen from the default model on a Kazakh question (session 18): generation stopped
    # inside the last marker.
    text, citations = resolve_citations("Бағдарламаны жариялады [2]. [1", SOURCES)
    assert text == "Бағдарламаны жариялады [2]." and [c.number for c in citations] == [2]
    assert resolve_citations("Fine [", SOURCES)[0] == "Fine"
    assert resolve_citations("Both [1, 3", SOURCES)[0] == "Both"


def test_the_prompts_placeholder_written_as_a_marker_is_dropped() -> None:
    # Seen from the default model (session 23): "[n]", as the prompt writes it, before the
    # real marker; left in, it showed in the checked answer.
    text, citations = resolve_citations("By 200 million US dollars. [n] [2]", SOURCES)
    assert text == "By 200 million US dollars. [2]" and [c.number for c in citations] == [2]
    assert resolve_citations("Fine [N][1].", SOURCES)[0] == "Fine [1]."
