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


def release_record(rid: str, *paragraphs: str, **fields: object) -> dict[str, object]:
    """A release as one JSON Lines record (dated 2024-05-01), for ingest tests."""
    return {
        "id": rid,
        "title": f"Release {rid}",
        "date": "2024-05-01",
        "paragraphs": list(paragraphs),
        **fields,
    }
