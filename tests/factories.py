"""Hand-made values for fast unit tests."""

from retrieval.types import Hit


def make_hit(
    release_id: str = "r1",
    paragraph: int = 0,
    *,
    last: int | None = None,
    text: str = "text",
    title: str = "t",
    url: str = "",
    score: float = 0.5,
) -> Hit:
    """A retrieved chunk of `release_id` spanning paragraphs `paragraph`..`last`."""
    return Hit(
        chunk_id=f"{release_id}-{paragraph}",
        release_id=release_id,
        title=title,
        date=None,
        url=url,
        language="en",
        paragraph=paragraph,
        paragraph_first=paragraph,
        paragraph_last=paragraph if last is None else last,
        piece=0,
        text=text,
        score=score,
    )
