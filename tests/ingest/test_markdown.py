import datetime as dt
from pathlib import Path

import pytest

from ingest.files import read_releases
from ingest.markdown import parse_markdown
from retrieval.errors import ReadError
from retrieval.types import Release


def test_markdown_front_matter_heading_and_inline_markup(data_dir: Path) -> None:
    path = data_dir / "releases" / "visit.md"
    release = parse_markdown(path.read_text(), str(path))
    assert release.title == "Deputy Minister visits Geneva"
    assert release.date == dt.date(2024, 11, 20)
    assert release.url == "https://example.gov/geneva"
    assert release.paragraphs[0] == (
        "The Deputy Minister of Foreign Affairs took part in the session of the UN Human Rights "
        "Council in Geneva."
    )
    assert len(release.paragraphs) == 2


def test_plain_text_title_is_first_line_and_no_date(data_dir: Path) -> None:
    (release,) = read_releases(data_dir / "releases" / "notes.txt")
    assert isinstance(release, Release)
    assert release.title == "Embassy opens consular office in Almaty"
    assert release.date is None
    assert len(release.paragraphs) == 2


def test_markdown_without_front_matter_takes_first_heading() -> None:
    release = parse_markdown("# Heading one\n\nBody text of the release.\n", "a.md")
    assert (release.title, release.date) == ("Heading one", None)


def test_bad_front_matter_date() -> None:
    with pytest.raises(ReadError, match="front matter `date`"):
        parse_markdown("---\ndate: someday\n---\n# T\n\nBody.\n", "a.md")
