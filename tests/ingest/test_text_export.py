import datetime as dt
from pathlib import Path

import pytest

from ingest.text_export import is_text_export, parse_text_export
from retrieval.errors import ReadError


def test_reads_the_real_gov_kz_seed(shared: Path) -> None:
    path = next((shared / "seed").glob("*.txt"))
    release = parse_text_export(path.read_text(encoding="utf-8"), str(path))
    assert release.date == dt.date(2025, 8, 31)
    assert release.site == "gov.kz"
    assert release.language == "en"
    assert len(release.paragraphs) == 7
    # "Images" is a placeholder: the title comes from the first sentence instead.
    assert release.title.startswith("During a working visit to Dushanbe")
    assert "Images" not in release.title
    assert release.paragraphs[0].startswith("During a working visit")
    assert release.paragraphs[-1].endswith("both countries.")


def test_placeholder_caption_paragraph_and_title(data_dir: Path) -> None:
    path = data_dir / "releases" / "govkz_export.txt"
    release = parse_text_export(path.read_text(), str(path))
    assert release.title == (
        "Minister of Foreign Affairs Murat Nurtleu met the Ambassador of Japan to discuss a new "
        "direct flight between Astana and Tokyo"
    )
    assert release.paragraphs[0] == "Images"
    assert len(release.paragraphs) == 4


def test_id_is_stable_and_depends_on_path_date_title() -> None:
    text = "date 2025-01-02 Real title | gov.kz\n\nFirst paragraph of the release text.\n"
    a = parse_text_export(text, "/x/a.txt")
    assert a.release_id == parse_text_export(text, "/x/a.txt").release_id
    assert a.release_id != parse_text_export(text, "/x/b.txt").release_id
    assert a.title == "Real title"


def test_bad_header_date_is_reported_with_location() -> None:
    with pytest.raises(ReadError, match=r"a\.txt:1: unrecognised date '2025-02-30'"):
        parse_text_export("date 2025-02-30 Title | gov.kz\n\nText here.\n", "a.txt")


def test_detects_the_export_header() -> None:
    assert is_text_export(" date 2025-08-31 Images | gov.kz\n\ntext")
    assert not is_text_export("Embassy opens office\n\ntext")
