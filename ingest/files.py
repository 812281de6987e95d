"""Finding release files and reading each with the reader its extension names."""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar, cast

from ingest.html_page import parse_html_release
from ingest.json_releases import read_json_document, read_json_lines
from ingest.markdown import parse_markdown
from ingest.text_export import is_text_export, parse_text_export
from retrieval.errors import ReadError
from retrieval.types import Release

_T = TypeVar("_T")

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


DEFAULT_MAX_BYTES = 200 * 2**20
"""Largest file read whole, and longest JSON Lines line or JSON array item (200 MB)."""

# Byte-order marks, longest first (the UTF-32 LE mark starts like the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEAD = 8192


def read_releases(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Release | ReadError]:
    """Every release in one file, as it is read; errors about single records are yielded.

    Raises ReadError when the file as a whole cannot be read (empty, binary, not UTF-8, too
    large, unsupported type), possibly after yielding the releases read before the problem (a
    truncated gzip file, a syntax error inside a JSON array).
    """
    name = path.name.lower()
    where = str(path)
    if not _supported(path):
        raise ReadError(where, f"unsupported file type; expected one of {', '.join(SUFFIXES)}")
    with _open(path) as stream:
        encoding = _encoding(stream, where)
        if name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
            lines = _guarded(_lines(stream, encoding, where, max_bytes), where, "lines")
            empty = True
            for result in read_json_lines(lines, where):
                empty = False
                yield result
            if empty:
                raise ReadError(where, "file is empty")
        elif name.endswith((".json", ".json.gz")):
            text = io.TextIOWrapper(stream, encoding=encoding, newline="")
            yield from _guarded(read_json_document(text, where, max_bytes), where, "releases")
        else:
            yield _read_document(name, _whole_text(path, stream, encoding, max_bytes), where)


def _read_document(name: str, text: str, where: str) -> Release:
    if name.endswith((".html", ".htm")):
        return parse_html_release(text, where)
    if name.endswith((".md", ".markdown")):
        return parse_markdown(text, where)
    if is_text_export(text):
        return parse_text_export(text, where)
    return parse_markdown(text, where, markdown=False)


@contextlib.contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ReadError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    with raw:
        if path.name.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield cast(BinaryIO, unzipped)
        else:
            yield raw


def _encoding(stream: BinaryIO, where: str) -> str:
    """The text encoding its byte-order mark names (UTF-8 without one); binary is refused."""
    try:
        head = stream.read(_HEAD)
        stream.seek(0)
    except (OSError, EOFError, zlib.error) as exc:
        raise ReadError(where, f"cannot read file: {exc}") from None
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head:
        raise ReadError(where, "binary file, not text")
    return "utf-8-sig"


def _whole_text(path: Path, stream: BinaryIO, encoding: str, max_bytes: int) -> str:
    """The file's text, if it has at most max_bytes (after decompression)."""
    where = str(path)
    try:
        raw = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ReadError(where, f"cannot read file: {exc}") from None
    if len(raw) > max_bytes:
        raise ReadError(where, f"file larger than {max_bytes / 2**20:g} MB (PRESSCHAT_MAX_FILE_MB)")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReadError(
            f"{where}:{line}",
            f"not {_label(encoding)} text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
        ) from None
    if not text.strip():
        raise ReadError(where, "file is empty")
    return text


def _label(encoding: str) -> str:
    return "UTF-8" if encoding.startswith("utf-8") else encoding.upper()


def _lines(
    stream: BinaryIO, encoding: str, where: str, max_bytes: int
) -> Iterator[str | ReadError]:
    """Each line of a JSON Lines file, or a ReadError for a line that cannot be read."""
    if not encoding.startswith("utf-8"):
        text = io.TextIOWrapper(stream, encoding=encoding, newline="\n")
        yield from _text_lines(text, where, max_bytes)
        return
    number = 0
    while line := stream.readline(max_bytes + 1):
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(_HEAD)) and not rest.endswith(b"\n"):
                pass
            yield ReadError(
                f"{where}:{number}",
                f"line longer than {max_bytes / 2**20:g} MB (PRESSCHAT_MAX_FILE_MB)",
            )
            continue
        try:
            yield line.decode(encoding if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield ReadError(
                f"{where}:{number}",
                f"not UTF-8 text (byte 0x{line[exc.start]:02x} at column {exc.start + 1})",
            )


def _text_lines(text: io.TextIOWrapper, where: str, max_chars: int) -> Iterator[str | ReadError]:
    number = 0
    while line := text.readline(max_chars + 1):
        number += 1
        if len(line) > max_chars and not line.endswith("\n"):
            while (rest := text.readline(_HEAD)) and not rest.endswith("\n"):
                pass
            yield ReadError(
                f"{where}:{number}",
                f"line longer than {max_chars / 2**20:g} MB (PRESSCHAT_MAX_FILE_MB)",
            )
            continue
        yield line


def _guarded(results: Iterator[_T], where: str, unit: str) -> Iterator[_T]:
    """Pass results on; a read failure part-way (truncated or corrupt gzip data, bytes that do
    not decode) becomes a ReadError that says how much before it was read."""
    count = 0
    try:
        for item in results:
            count += 1
            yield item
    except EOFError:
        raise ReadError(
            where, f"truncated gzip file: it ends after {count} {unit}, which were read"
        ) from None
    except (OSError, zlib.error) as exc:
        raise ReadError(
            where, f"cannot read file: {exc} (after {count} {unit}, which were read)"
        ) from None
    except UnicodeDecodeError as exc:
        raise ReadError(
            where, f"not {_label(exc.encoding)} text (after {count} {unit}, which were read)"
        ) from None
