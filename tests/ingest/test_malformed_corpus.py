"""A corpus of malformed and hostile files: each fails alone with a one-line message, the good
records beside it are kept, and no traceback reaches the user."""

from __future__ import annotations

import codecs
import gzip
import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.pipeline import Failure, Ingestor, Tally
from ingest.release import MAX_PARAGRAPHS
from retrieval.index import Index

MAX_BYTES = 2**20  # the test's PRESSCHAT_MAX_FILE_MB: 1
GOOD = {"title": "Good", "date": "2024-05-01", "paragraphs": ["A good release beside bad ones."]}


def _line(rid: str, **fields: object) -> str:
    return json.dumps({"id": rid, **GOOD, **fields}) + "\n"


@dataclass(frozen=True)
class Kind:
    """One kind of bad input: its file, what the failure says, and good releases it still holds."""

    name: str
    filename: str
    content: bytes
    message: str
    kept: tuple[str, ...] = ()


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


DEEP = "[" * 10_000 + "]" * 10_000
KINDS = [
    Kind("empty file", "empty.txt", b"", "file is empty"),
    Kind("only blank lines", "blank.jsonl", b"\n  \n\t\n", "file is empty"),
    Kind("only whitespace markdown", "space.md", b"   \n\n  ", "file is empty"),
    Kind("binary bytes", "image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "binary file"),
    Kind(
        "UTF-16 without a BOM",
        "utf16.txt",
        "News of the ministry".encode("utf-16-le"),
        "binary file",
    ),
    Kind("cp1251 text", "cp1251.txt", "Новости министерства".encode("cp1251"), "not UTF-8"),
    Kind(
        "unterminated JSON string",
        "open.json",
        b'{"id": "x", "title": "unterminated',
        "unterminated string starting at column",
    ),
    Kind("JSON scalar", "scalar.json", b"42", "expected a JSON object, got int"),
    Kind("JSON array of numbers", "numbers.json", b"[1, 2]", "expected a JSON object, got int"),
    Kind(
        "array not closed",
        "unclosed.json",
        ("[" + _line("arr-kept") + ",").encode(),
        "the file ends inside the array",
        ("arr-kept",),
    ),
    Kind(
        "text after the array",
        "trailing.json",
        ("[" + _line("trail-kept") + "] junk").encode(),
        "text after the array",
        ("trail-kept",),
    ),
    Kind(
        "array item nested 10,000 deep",
        "deep.json",
        ("[" + _line("deep-arr-kept") + "," + DEEP + "]").encode(),
        "nested deeper",
        ("deep-arr-kept",),
    ),
    Kind(
        "line nested 10,000 deep",
        "deep.jsonl",
        (DEEP + "\n" + _line("deep-line-kept")).encode(),
        "nested deeper",
        ("deep-line-kept",),
    ),
    Kind(
        "broken line",
        "broken.jsonl",
        ("{oops\n" + _line("broken-kept")).encode(),
        "invalid JSON",
        ("broken-kept",),
    ),
    Kind(
        "line with an integer of 5,000 digits",
        "bigint.jsonl",
        ('{"id": ' + "9" * 5000 + "}\n" + _line("bigint-kept")).encode(),
        "invalid JSON",
        ("bigint-kept",),
    ),
    Kind(
        "no paragraphs",
        "nopara.jsonl",
        b'{"id": "np", "title": "T"}\n',
        "release has none of `paragraphs`, `text`, `body`",
    ),
    Kind(
        "empty paragraphs",
        "emptypara.jsonl",
        b'{"id": "ep", "paragraphs": ["", " "]}\n',
        "release has no paragraphs",
    ),
    Kind(
        "paragraphs not a list",
        "parastr.jsonl",
        b'{"id": "ps", "paragraphs": "text"}\n',
        "`paragraphs` must be a list of strings",
    ),
    Kind(
        "numbers as paragraphs",
        "paranum.jsonl",
        b'{"id": "pn", "paragraphs": [1, 2]}\n',
        "`paragraphs` must be a list of strings",
    ),
    Kind(
        "text not a string",
        "textnum.jsonl",
        b'{"id": "tn", "text": 5}\n',
        "`text`/`body` must be a string",
    ),
    Kind("bad date", "baddate.jsonl", _line("bd", date="31/31/2020").encode(), "field `date`"),
    Kind(
        "id as an object",
        "idobject.jsonl",
        _line("x", id={"a": 1}).encode(),
        "field `id` must be a string or an integer, not an object",
    ),
    Kind(
        "id as a list",
        "idlist.jsonl",
        _line("x", id=[1]).encode(),
        "field `id` must be a string or an integer, not a list",
    ),
    Kind(
        "id as a boolean",
        "idbool.jsonl",
        _line("x", id=True).encode(),
        "field `id` must be a string or an integer, not a boolean",
    ),
    Kind(
        "id as a fraction",
        "idfloat.jsonl",
        _line("x", id=1.5).encode(),
        "field `id` must be a string or an integer",
    ),
    Kind(
        "title as an object",
        "titleobj.jsonl",
        _line("to", title={"x": 1}).encode(),
        "field `title` must be a string",
    ),
    Kind(
        "not UTF-8 on one line",
        "badbyte.jsonl",
        _line("badbyte-kept").encode() + b'{"id": "\xff"}\n',
        "not UTF-8 text",
        ("badbyte-kept",),
    ),
    Kind(
        "line longer than the limit",
        "longline.jsonl",
        _line("long", paragraphs=["x" * (MAX_BYTES + 10)]).encode() + _line("long-kept").encode(),
        "line longer than 1 MB (PRESSCHAT_MAX_FILE_MB)",
        ("long-kept",),
    ),
    Kind(
        "file larger than the limit",
        "huge.txt",
        b"word " * (MAX_BYTES // 4),
        "file larger than 1 MB (PRESSCHAT_MAX_FILE_MB)",
    ),
    Kind(
        "gzip bomb",
        "bomb.json.gz",
        gzip.compress(b'{"id": "b", "text": "' + b"x" * (MAX_BYTES + 1) + b'"}'),
        "JSON document larger than 1 MB",
    ),
    Kind(
        "truncated gzip",
        "cut.jsonl.gz",
        _truncated(
            gzip.compress("".join(_line(f"gz-{i}", n=i * 7919) for i in range(300)).encode())
        ),
        "truncated gzip file",
        ("gz-0", "gz-1"),
    ),
    Kind("not gzip at all", "plain.jsonl.gz", _line("np").encode(), "cannot read file"),
    Kind(
        "too many paragraphs",
        "many.txt",
        "\n\n".join(f"Line {i}" for i in range(MAX_PARAGRAPHS + 2)).encode(),
        f"more than the {MAX_PARAGRAPHS:,} a release may have",
    ),
    Kind(
        "HTML without article text",
        "nav.html",
        b"<html><body><nav>Home</nav></body></html>",
        "no article text found",
    ),
    Kind(
        "invalid front matter",
        "front.md",
        b"---\ntitle: [unclosed\n---\n# T\n\nBody.\n",
        "invalid front matter",
    ),
    Kind(
        "impossible front matter date",
        "date.md",
        b"---\ndate: 2025-02-30\n---\n# T\n\nB.\n",
        "front matter",
    ),
    Kind(
        "front matter id as a list",
        "fmid.md",
        b"---\nid: [1, 2]\n---\n# T\n\nBody.\n",
        "field `id (front matter)` must be a string or an integer",
    ),
    Kind(
        "bad export header date",
        "export.txt",
        b"date 2025-13-45 Title | gov.kz\n\nBody.\n",
        "2025-13-45",
    ),
    Kind("name with a newline", "bad\nname.jsonl", b"{oops\n", "invalid JSON"),
]


def _write_corpus(folder: Path) -> None:
    folder.mkdir()
    for kind in KINDS:
        (folder / kind.filename).write_bytes(kind.content)
    (folder / "good.jsonl").write_text(_line("good-1") + _line("good-2"))


class _Recorder:
    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self.tallies: list[Tally] = []

    def update(self, tally: Tally) -> None:
        self.tallies.append(tally)

    def failed(self, failure: Failure) -> None:
        self.failures.append(failure)


def test_the_corpus_has_enough_kinds() -> None:
    assert len({k.name for k in KINDS}) == len(KINDS) >= 30


def test_each_bad_file_fails_alone_with_one_clear_line(
    index: Index, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write_corpus(tmp_path / "corpus")
    recorder = _Recorder()
    ingestor = Ingestor(index.store, index.embedder, index.recipe, max_file_bytes=MAX_BYTES)
    with caplog.at_level(logging.INFO):
        report = ingestor.ingest([tmp_path / "corpus"], progress=recorder)

    assert recorder.failures == report.failed  # reported as they happened, each once
    for failure in report.failed:
        line = f"{failure.where}: {failure.reason}"
        assert "\n" not in line and "Traceback" not in line and len(line) < 800, line
    for kind in KINDS:
        escaped = kind.filename.replace("\n", "\\n")
        mine = [
            f for f in report.failed if Path(f.where.split(":")[0].split("[")[0]).name == escaped
        ]
        assert mine, f"{kind.name}: no failure reported"
        assert any(kind.message in f.reason for f in mine), (kind.name, mine)
    stored = {s.release_id for s in index.store.releases()}
    kept = {rid for kind in KINDS for rid in kind.kept}
    assert {"good-1", "good-2"} | kept <= stored
    assert not any(r.exc_info for r in caplog.records)


def test_text_hygiene(index: Index, tmp_path: Path) -> None:
    bom16 = codecs.BOM_UTF16_LE + "Пресс-релиз\n\nМинистерство открыло мост.\n".encode("utf-16-le")
    (tmp_path / "utf16.txt").write_bytes(bom16)
    (tmp_path / "utf32.jsonl").write_bytes(codecs.BOM_UTF32_BE + _line("u32").encode("utf-32-be"))
    nul_late = "Title\n\n" + "Padding text. " * 800 + "\n\nHidden\x00 nul\x07 here.\n"
    (tmp_path / "nul.txt").write_text(nul_late)
    (tmp_path / "escaped.jsonl").write_text(
        json.dumps({"id": "esc\u0000", "paragraphs": ["Text with \u0000 and \u001b[31m."]}) + "\n"
    )
    report = Ingestor.for_index(index).ingest([tmp_path])
    assert report.ok, report.failed
    stored = {s.release_id: s for s in index.store.releases()}
    assert {"u32", "esc"} <= set(stored)
    texts = [t for rid in stored for _, t in (index.store.release(rid) or (None, []))[1]]
    assert not any(ch in t for t in texts for ch in "\x00\x07\x1b")
    assert any("Министерство открыло мост." in t for t in texts)


def test_the_cli_prints_failures_as_one_line_each_without_traceback(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "corpus")
    env = {
        **os.environ,
        "PRESSCHAT_DATA_DIR": str(tmp_path / "data"),
        "PRESSCHAT_EMBEDDER": "fake",
        "PRESSCHAT_MAX_FILE_MB": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "presschat", "ingest", "-q", str(tmp_path / "corpus")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    failed = [line for line in done.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == len(done.stderr.splitlines()) >= len(KINDS)
    assert f"failed {len(failed)}" in done.stdout
