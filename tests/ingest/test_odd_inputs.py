"""Inputs found in review that once crashed a run, lost text or left stale paragraphs."""

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from ingest.chunking import chunk_release
from ingest.files import read_releases
from ingest.html_page import parse_html_release
from ingest.markdown import parse_markdown
from ingest.pipeline import Ingestor
from ingest.release import build_release, derive_title, split_blocks
from ingest.text_export import parse_text_export
from retrieval.embedders import FakeEmbedder
from retrieval.errors import ReadError
from retrieval.index import ChunkingRecipe, Index
from retrieval.types import Release, SearchFilters
from tests.conftest import write_jsonl


def test_html_with_a_false_date_in_its_text_still_reads() -> None:
    html = (
        "<html><body><article><h1>T</h1><p>Case 45.67.2024 was closed today.</p></article>"
        "</body></html>"
    )
    release = parse_html_release(html, "x.html")
    assert release.date is None and release.paragraphs == ("Case 45.67.2024 was closed today.",)


def test_corrupt_gzip_is_a_read_error(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b'{"id": "a", "paragraphs": ["x"]}\n' * 200))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "r.jsonl.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="cannot read file"):
        list(read_releases(path))


def test_impossible_front_matter_date_is_a_read_error() -> None:
    with pytest.raises(ReadError, match="front matter"):
        parse_markdown("---\ndate: 2025-02-30\n---\n# T\n\nBody text.\n", "a.md")


def test_prune_never_removes_under_a_missing_folder(
    ingestor: Ingestor, index: Index, tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [{"id": "a", "title": "T", "paragraphs": ["Text a."]}])
    ingestor.ingest([folder])
    folder.rename(tmp_path / "unmounted")
    report = ingestor.ingest([folder], prune=True)
    assert not report.ok and report.removed == []
    assert [s.release_id for s in index.store.releases()] == ["a"]


def test_editing_the_first_sentence_of_an_export_updates_the_same_release(
    ingestor: Ingestor, index: Index, tmp_path: Path
) -> None:
    path = tmp_path / "release.txt"
    path.write_text("date 2025-08-31 Images | gov.kz\n\nThe ministry opend a new consulate.\n")
    ingestor.ingest([path])
    path.write_text("date 2025-08-31 Images | gov.kz\n\nThe ministry opened a new consulate.\n")
    report = ingestor.ingest([path])
    assert (len(report.added), len(report.updated)) == (0, 1)
    (summary,) = index.store.releases()
    assert summary.title == "The ministry opened a new consulate"


def test_id_less_records_with_the_same_title_and_date_are_both_kept(tmp_path: Path) -> None:
    record = {"title": "Weekly update", "date": "2025-08-31"}
    path = write_jsonl(
        tmp_path / "r.jsonl",
        [{**record, "paragraphs": ["First week."]}, {**record, "paragraphs": ["Second week."]}],
    )
    first, second = read_releases(path)
    assert isinstance(first, Release) and isinstance(second, Release)
    assert second.release_id == first.release_id + "-2"


def test_overlapping_paths_read_each_file_once(ingestor: Ingestor, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "paragraphs": ["Text a."]}])
    report = ingestor.ingest([tmp_path, path, tmp_path])
    assert report.ok and report.files == 1 and report.added == ["a"]


def test_plain_text_title_is_the_first_line_only() -> None:
    release = parse_markdown(
        "Bridge opens\nThe ministry opened the bridge.\n", "a.txt", markdown=False
    )
    assert release.title == "Bridge opens"
    assert release.paragraphs == ("The ministry opened the bridge.",)


def test_markdown_heading_without_blank_line_keeps_the_paragraph() -> None:
    release = parse_markdown("# [Bridge](http://x) **opens**\nThe ministry opened it.\n", "a.md")
    assert release.title == "Bridge opens"
    assert release.paragraphs == ("The ministry opened it.",)


def test_html_text_in_divs_and_br_is_kept_and_navigation_and_logo_dropped() -> None:
    html = """<html><head><meta property="og:title" content="Bridge opens in Astana"></head>
    <body><div class="logo"><h1>Ministry of Transport</h1></div>
    <div role="navigation"><ul><li>Home</li><li>About the ministry</li></ul></div>
    <div class="field--name-body"><div>The bridge opened on Monday.</div>
    <div>It cost 5 billion tenge.<br><br>Traffic starts next week.</div></div></body></html>"""
    release = parse_html_release(html, "x.html")
    assert release.title == "Bridge opens in Astana"
    assert release.paragraphs == (
        "The bridge opened on Monday.",
        "It cost 5 billion tenge.",
        "Traffic starts next week.",
    )


def test_a_very_long_title_does_not_shred_paragraphs() -> None:
    embedder = FakeEmbedder(max_tokens=30)
    release = build_release(
        where="t",
        source_path="t",
        title=" ".join(["word"] * 40),
        paragraphs=["One short sentence here. Another short sentence."],
    )
    chunks = chunk_release(release, ChunkingRecipe(0, 30, True), embedder.count_tokens)
    assert len(chunks) == 1 and all(embedder.count_tokens(c.embed_text) <= 30 for c in chunks)


def test_blank_lines_with_no_break_spaces_and_invisible_characters() -> None:
    assert split_blocks("First.\n\u00a0\nSecond.") == ["First.", "Second."]
    with pytest.raises(ReadError, match="no paragraphs"):
        build_release(where="t", source_path="t", paragraphs=["\ufeff", "\u200d "])
    release = build_release(where="t", source_path="t", title="T", paragraphs=["a\r\nb"])
    assert release.paragraphs == ("a b",)


def test_derived_title_keeps_abbreviations() -> None:
    assert (
        derive_title(["U.S. Attorney John Smith announced charges today. More."])
        == "U.S. Attorney John Smith announced charges today"
    )


def test_json_fields_are_coerced_where_sensible(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": 0,
                "title": 2024,
                "text": None,
                "body": "Body text.",
                "score": float("nan"),
                "big": 2**70,
            }
        )
        + "\n"
    )
    (release,) = read_releases(path)
    assert isinstance(release, Release)
    assert (release.release_id, release.title) == ("0", "2024")
    assert release.paragraphs == ("Body text.",)
    assert "score" not in release.extra and release.extra["big"] == str(2**70)


def test_export_header_without_a_title() -> None:
    release = parse_text_export("date 2025-08-31\n\nThe ministry held talks in Astana.\n", "a.txt")
    assert release.title == "The ministry held talks in Astana" and release.site == ""


def test_undated_releases_do_not_match_a_date_range(
    ingestor: Ingestor, index: Index, tmp_path: Path
) -> None:
    write_jsonl(
        tmp_path / "r.jsonl",
        [
            {"id": "dated", "date": "2019-05-01", "paragraphs": ["Water treaty signed."]},
            {"id": "undated", "paragraphs": ["Water treaty signed."]},
        ],
    )
    ingestor.ingest([tmp_path])

    hits = index.search("water treaty", 10, SearchFilters(until=dt.date(2020, 1, 1)))
    assert [h.release_id for h in hits] == ["dated"]
