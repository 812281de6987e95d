"""Releases as JSON Lines (optionally gzip-compressed), a JSON array, or one JSON object.

Both read as they go: JSON Lines line by line, a top-level array release by release, so that a
file of any length is read in bounded memory. One bad line (or array item that is valid JSON)
fails alone; a syntax error inside an array ends that file, keeping the releases before it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from ingest.release import build_release, id_text, split_blocks
from retrieval.dates import parse_date
from retrieval.errors import ReadError
from retrieval.types import MetaValue, Release

_CORE_FIELDS = frozenset(
    {"id", "title", "date", "url", "paragraphs", "text", "body", "language", "lang", "site"}
)

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in one release record."""

_BLOCK = 1 << 16
_SPACE = re.compile(r"[ \t\n\r]*")


def read_json_lines(
    lines: Iterable[str | ReadError], source_path: str
) -> Iterator[Release | ReadError]:
    """One release per non-blank line; a bad line yields a ReadError naming its line number.

    `lines` may hold a ReadError for a line that could not be read (too long, not UTF-8).
    """
    ids = _FallbackIds()
    for number, line in enumerate(lines, start=1):
        if isinstance(line, ReadError):
            yield line
            continue
        if not line.strip():
            continue
        where = f"{source_path}:{number}"
        try:
            record = _check_depth(json.loads(line), where)
        except json.JSONDecodeError as exc:
            yield ReadError(where, f"invalid JSON ({_problem(exc)})")
            continue
        except RecursionError:
            yield ReadError(where, f"JSON nested deeper than {MAX_DEPTH} levels")
            continue
        except ValueError as exc:  # e.g. an integer too long to convert
            yield ReadError(where, f"invalid JSON ({exc})")
            continue
        except ReadError as exc:
            yield exc
            continue
        yield ids.deduplicate(_release_or_error(record, where, source_path))


def read_json_document(
    stream: TextIO, source_path: str, max_chars: int
) -> Iterator[Release | ReadError]:
    """A JSON array of releases (read item by item), an object with a `releases` array, or a
    single release; those two are read whole, up to `max_chars`."""
    text = _Window(stream)
    first = text.skip_space()
    if not first:
        raise ReadError(source_path, "file is empty")
    ids = _FallbackIds()
    if first == "[":
        for index, record in _array_items(text, source_path, max_chars):
            if isinstance(record, ReadError):
                yield record
                continue
            where = f"{source_path}[{index}]"
            yield ids.deduplicate(_release_or_error(record, where, source_path))
        return
    whole = text.rest(max_chars)
    if whole is None:
        raise ReadError(source_path, f"JSON document larger than {_megabytes(max_chars)}")
    try:
        document = _check_depth(json.loads(whole), source_path)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{source_path}:{exc.lineno}", f"invalid JSON ({_problem(exc)})") from None
    except RecursionError:
        raise ReadError(source_path, f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise ReadError(source_path, f"invalid JSON ({exc})") from None
    if isinstance(document, dict) and isinstance(document.get("releases"), list):
        document = document["releases"]
    records = document if isinstance(document, list) else [document]
    for index, record in enumerate(records):
        yield ids.deduplicate(_release_or_error(record, f"{source_path}[{index}]", source_path))


def _problem(exc: json.JSONDecodeError) -> str:
    """json's message with its position, worded as one phrase ("... starting at column 7")."""
    msg = exc.msg[0].lower() + exc.msg[1:]
    return f"{msg} column {exc.colno}" if msg.endswith(" at") else f"{msg} at column {exc.colno}"


def _megabytes(chars: int) -> str:
    return f"{chars / 2**20:g} MB (PRESSCHAT_MAX_FILE_MB)"


def _check_depth(value: Any, where: str) -> Any:
    """The value, if its arrays and objects nest at most MAX_DEPTH deep."""
    level, depth = [value], 0
    while level:
        inner: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                inner.extend(item.values())
            elif isinstance(item, list):
                inner.extend(item)
        if inner or any(isinstance(item, dict | list) for item in level):
            depth += 1
        if depth > MAX_DEPTH:
            raise ReadError(where, f"JSON nested deeper than {MAX_DEPTH} levels")
        level = inner
    return value


class _Window:
    """The unread part of a text stream, read in blocks; knows the line it starts on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.text = ""
        self.pos = 0
        self.eof = False
        self._line = 1

    def more(self, at_least: int = _BLOCK) -> bool:
        """Read another block (at least `at_least` characters); False at the end."""
        if self.eof:
            return False
        self._line += self.text.count("\n", 0, self.pos)
        self.text, self.pos = self.text[self.pos :], 0
        block = self._stream.read(max(_BLOCK, at_least))
        if not block:
            self.eof = True
            return False
        self.text += block
        return True

    def skip_space(self) -> str:
        """Skip whitespace; the next character, or "" at the end."""
        while True:
            match = _SPACE.match(self.text, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def line(self) -> int:
        """Line number of the current position."""
        return self._line + self.text.count("\n", 0, self.pos)

    def rest(self, max_chars: int) -> str | None:
        """Everything not yet read, or None if it is longer than max_chars."""
        while self.more():
            if len(self.text) - self.pos > max_chars:
                return None
        return self.text[self.pos :]


def _array_items(text: _Window, source_path: str, max_chars: int) -> Iterator[tuple[int, Any]]:
    """(index, value) of each item of the array that starts at the window's position."""
    decoder = json.JSONDecoder()
    text.pos += 1
    index = 0
    if text.skip_space() == "]":
        text.pos += 1
    else:
        while True:
            value = _next_value(decoder, text, source_path, index, max_chars)
            try:
                yield index, _check_depth(value, f"{source_path}[{index}]")
            except ReadError as exc:  # valid JSON: only this release fails
                yield index, exc
            index += 1
            following = text.skip_space()
            text.pos += 1
            if following == "]":
                break
            if following != ",":
                where = f"{source_path}:{text.line()}"
                if not following:
                    raise ReadError(where, "invalid JSON (the file ends inside the array)")
                raise ReadError(where, "invalid JSON (expected `,` or `]` after a release)")
            text.skip_space()
    if text.skip_space():
        raise ReadError(f"{source_path}:{text.line()}", "invalid JSON (text after the array)")


def _next_value(
    decoder: json.JSONDecoder, text: _Window, source_path: str, index: int, max_chars: int
) -> Any:
    where = f"{source_path}[{index}]"
    while True:
        if not text.skip_space():
            raise ReadError(where, "invalid JSON (the file ends inside the array)")
        try:
            value, end = decoder.raw_decode(text.text, text.pos)
        except json.JSONDecodeError as exc:
            # Only an error at the end of what was read (or an open string) may be a value cut
            # by the block boundary; anything else is wrong whatever follows.
            cut = exc.pos >= len(text.text) - 1 or exc.msg.startswith("Unterminated string")
            line = text.line() + exc.doc.count("\n", text.pos, exc.pos)
            if not (cut and _read_more(text, where, max_chars)):
                at = f"{source_path}:{line}"
                raise ReadError(at, f"invalid JSON ({_problem(exc)})") from None
            continue
        except RecursionError:
            raise ReadError(where, f"JSON nested deeper than {MAX_DEPTH} levels") from None
        except ValueError as exc:
            raise ReadError(where, f"invalid JSON ({exc})") from None
        if end == len(text.text) and _read_more(text, where, max_chars):
            continue  # a number at the end of a block may go on in the next
        text.pos = end
        return value


def _read_more(text: _Window, where: str, max_chars: int) -> bool:
    pending = len(text.text) - text.pos
    if pending > max_chars:
        raise ReadError(where, f"release larger than {_megabytes(max_chars)}")
    return text.more(pending)


class _FallbackIds:
    """Gives id-less records that share a date and title distinct ids (-2, -3, ...) in file
    order, instead of dropping them as duplicates."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def deduplicate(self, result: Release | ReadError) -> Release | ReadError:
        if isinstance(result, ReadError) or not result.release_id.startswith("h-"):
            return result
        count = self._seen.get(result.release_id, 0) + 1
        self._seen[result.release_id] = count
        if count == 1:
            return result
        return dataclasses.replace(result, release_id=f"{result.release_id}-{count}")


def _release_or_error(record: Any, where: str, source_path: str) -> Release | ReadError:
    try:
        return release_from_record(record, where, source_path)
    except ReadError as exc:
        return exc


def release_from_record(record: Any, where: str, source_path: str) -> Release:
    """A Release from one JSON object with id, title, date, url and paragraphs or text/body."""
    if not isinstance(record, dict):
        raise ReadError(where, f"expected a JSON object, got {type(record).__name__}")
    paragraphs = record.get("paragraphs")
    if paragraphs is None:
        body = record.get("text") if record.get("text") is not None else record.get("body")
        if body is None:
            raise ReadError(where, "release has none of `paragraphs`, `text`, `body`")
        if not isinstance(body, str):
            raise ReadError(where, "`text`/`body` must be a string")
        paragraphs = split_blocks(body)
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise ReadError(where, "`paragraphs` must be a list of strings")
    date = None
    raw_date = record.get("date")
    if raw_date not in (None, ""):
        try:
            date = parse_date(str(raw_date))
        except ValueError as exc:
            raise ReadError(where, f"field `date`: {exc}") from None
    title = _text(record, "title", where)
    return build_release(
        where=where,
        source_path=source_path,
        paragraphs=paragraphs,
        title=title,
        date=date,
        release_id=id_text(record.get("id"), where),
        url=_text(record, "url", where),
        site=_text(record, "site", where) or _text(record, "source", where),
        language=_text(record, "language", where) or _text(record, "lang", where),
        extra=_extra(record),
        id_key=f"{source_path}|{date.isoformat() if date else ''}|{title}",
    )


def _text(record: Mapping[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ReadError(where, f"field `{key}` must be a string")
    return str(value)


def _extra(record: Mapping[str, Any]) -> dict[str, MetaValue]:
    """Scalar fields and lists of strings, kept as metadata (lists joined with '; ')."""
    extra: dict[str, MetaValue] = {}
    for key, value in record.items():
        if key in _CORE_FIELDS or not isinstance(key, str):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            continue  # Chroma cannot store NaN or infinity
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
            extra[key] = str(value)  # beyond Chroma's integers
        elif isinstance(value, str | int | float | bool) and value != "":
            extra[key] = value if not isinstance(value, str) else value[:500]
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            extra[key] = "; ".join(value)[:500]
    return extra
