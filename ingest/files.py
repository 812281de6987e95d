"""Finding release files and reading each with the reader its extension names."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.html_page import parse_html_release
from ingest.json_releases import read_json_document, read_json_lines
from ingest.markdown import parse_markdown
from ingest.text_export import is_text_export, parse_text_export
from retrieval.errors import ReadError
from retrieval.types import Release

SUFFIXES = (
    ".txt",
    ".text",
    ".md",
    ".markdown",
    ".json",
    ".jsonl",
    ".jsonl.gz",
    ".json.gz",
    ".ndjson",
    ".html",
    ".htm",
)


@dataclass(frozen=True)
class SourceFile:
    """A file to read, and the path the user named that led to it (for --prune)."""

    path: Path
    root: Path


def find_files(paths: Iterable[Path]) -> Iterator[SourceFile | ReadError]:
    """Files named directly, and supported files found recursively in named folders.

    Hidden files and folders are skipped when walking a folder; a missing path is an error; a
    file reached twice (a folder and a file in it) is read once.
    """
    seen: set[Path] = set()
    for item in _walk(paths):
        if isinstance(item, SourceFile):
            if item.path in seen:
                continue
            seen.add(item.path)
        yield item


def _walk(paths: Iterable[Path]) -> Iterator[SourceFile | ReadError]:
    for given in paths:
        root = given.expanduser().resolve()
        if root.is_file():
            yield SourceFile(root, root)
        elif root.is_dir():
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root).parts
                if (
                    path.is_file()
                    and _supported(path)
                    and not any(part.startswith(".") for part in relative)
                ):
                    yield SourceFile(path, root)
        else:
            yield ReadError(str(given), "no such file or folder")


def _supported(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def read_releases(path: Path) -> Iterator[Release | ReadError]:
    """Every release in one file; errors about single records are yielded, not raised.

    Raises ReadError when the file as a whole cannot be read (empty, binary, not UTF-8,
    unsupported type).
    """
    name = path.name.lower()
    where = str(path)
    if not _supported(path):
        raise ReadError(where, f"unsupported file type; expected one of {', '.join(SUFFIXES)}")
    raw = _read_bytes(path)
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        yield from read_json_lines(iter(io.StringIO(_decode(raw, where))), where)
        return
    text = _decode(raw, where)
    if name.endswith((".json", ".json.gz")):
        yield from read_json_document(text, where)
    elif name.endswith((".html", ".htm")):
        yield parse_html_release(text, where)
    elif name.endswith((".md", ".markdown")):
        yield parse_markdown(text, where)
    elif is_text_export(text):
        yield parse_text_export(text, where)
    else:
        yield parse_markdown(text, where, markdown=False)


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ReadError(str(path), f"cannot read file: {exc}") from None
    if not raw.strip():
        raise ReadError(str(path), "file is empty")
    if b"\x00" in raw[:8192]:
        raise ReadError(str(path), "binary file, not text")
    return raw


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReadError(
            f"{where}:{line}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
