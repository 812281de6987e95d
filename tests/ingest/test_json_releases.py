import datetime as dt
from pathlib import Path

import pytest

from ingest.files import read_releases
from retrieval.errors import ReadError
from retrieval.types import Release
from tests.conftest import write_jsonl


def _releases(path: Path) -> list[Release | ReadError]:
    return list(read_releases(path))


def test_jsonl_with_paragraphs_body_and_text(data_dir: Path) -> None:
    results = _releases(data_dir / "releases" / "mixed.jsonl")
    assert all(isinstance(r, Release) for r in results)
    en, ru, kk = results
    assert isinstance(en, Release) and isinstance(ru, Release) and isinstance(kk, Release)
    assert en.release_id == "doj-test-1"
    assert en.url == "https://www.justice.gov/opa/pr/tyson-test"
    assert en.date == dt.date(2009, 1, 6)
    assert en.extra["components"] == "Environment Division; Criminal Division"
    assert en.extra["agency"] == "U.S. Department of Justice"
    assert len(en.paragraphs) == 3
    assert (ru.language, ru.date, len(ru.paragraphs)) == ("ru", dt.date(2025, 8, 31), 2)
    assert (kk.language, len(kk.paragraphs)) == ("kk", 2)


def test_gzip_jsonl_and_json_array(tmp_path: Path, data_dir: Path) -> None:
    record = {"id": "g1", "title": "T", "date": "2020-01-02", "paragraphs": ["Some text here."]}
    (only,) = _releases(write_jsonl(tmp_path / "r.jsonl.gz", [record], compress=True))
    assert isinstance(only, Release) and only.release_id == "g1"
    (from_array,) = _releases(data_dir / "releases" / "array.json")
    assert isinstance(from_array, Release) and from_array.release_id == "json-array-1"


def test_id_falls_back_to_url(tmp_path: Path) -> None:
    record = {"title": "T", "url": "https://x.gov/a", "paragraphs": ["Text of it."]}
    (release,) = _releases(write_jsonl(tmp_path / "r.jsonl", [record]))
    assert isinstance(release, Release) and release.release_id == "https://x.gov/a"


def test_bad_lines_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    good = '{"id": "ok", "title": "T", "paragraphs": ["Fine text."]}'
    path.write_text(
        "\n".join(
            [
                good,
                '{"id": "broken", "title": ',
                '{"id": "empty", "title": "T", "paragraphs": []}',
                '{"id": "baddate", "title": "T", "date": "next Tuesday", "paragraphs": ["x y z"]}',
                '["not", "an", "object"]',
                '{"id": "nobody", "title": "T"}',
            ]
        )
        + "\n"
    )
    results = _releases(path)
    assert isinstance(results[0], Release)
    errors = [str(r) for r in results[1:]]
    assert errors[0].startswith(f"{path}:2: invalid JSON")
    assert errors[1] == f"{path}:3: release has no paragraphs"
    assert errors[2].startswith(f"{path}:4: field `date`: unrecognised date 'next Tuesday'")
    assert errors[3] == f"{path}:5: expected a JSON object, got list"
    assert "none of `paragraphs`, `text`, `body`" in errors[4]


def test_invalid_json_document_raises_with_line(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('[\n{"id": 1,\n')
    with pytest.raises(ReadError, match=r"r\.json:3: invalid JSON"):
        _releases(path)
