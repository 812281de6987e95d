from pathlib import Path

import pytest

from ingest.files import find_files, read_releases
from retrieval.errors import ReadError


def test_finds_supported_files_recursively_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in (
        "a/one.txt",
        "a/b/two.jsonl",
        "a/b/three.html",
        "a/skip.pdf",
        ".git/x.txt",
        "a/.hidden.md",
    ):
        (tmp_path / name).write_text("x")
    found = [
        f.path.relative_to(tmp_path).as_posix()
        for f in find_files([tmp_path])
        if not isinstance(f, ReadError)
    ]
    assert found == ["a/b/three.html", "a/b/two.jsonl", "a/one.txt"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    (error,) = find_files([tmp_path / "nope"])
    assert isinstance(error, ReadError) and "no such file or folder" in str(error)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.md", b"\n  \n", "file is empty"),
        ("binary.txt", b"PK\x03\x04\x00\x00binary", "binary file"),
        ("latin1.txt", "Caf\u00e9 news\n\nText.".encode("latin-1"), r"not UTF-8 text \(byte 0xe9"),
        ("doc.pdf", b"%PDF-1.4", "unsupported file type"),
        ("broken.jsonl.gz", b"not gzip at all", "cannot read file"),
    ],
)
def test_bad_files_get_clear_messages(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        list(read_releases(path))
