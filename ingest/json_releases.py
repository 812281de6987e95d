"""Releases as JSON Lines (optionally gzip-compressed), a JSON array, or one JSON object."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from ingest.release import build_release, split_blocks
from retrieval.dates import parse_date
from retrieval.errors import ReadError
from retrieval.types import MetaValue, Release

_CORE_FIELDS = frozenset(
    {"id", "title", "date", "url", "paragraphs", "text", "body", "language", "lang", "site"}
)


def read_json_lines(lines: Iterator[str], source_path: str) -> Iterator[Release | ReadError]:
    """One release per non-blank line; a bad line yields a ReadError naming its line number."""
    ids = _FallbackIds()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source_path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except ValueError as exc:  # e.g. an integer too long to convert
            yield ReadError(where, f"invalid JSON ({exc})")
            continue
        yield ids.deduplicate(_release_or_error(record, where, source_path))


def read_json_document(text: str, source_path: str) -> Iterator[Release | ReadError]:
    """A JSON array of releases, an object with a `releases` array, or a single release."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{source_path}:{exc.lineno}", f"invalid JSON ({exc.msg})") from None
    except ValueError as exc:
        raise ReadError(source_path, f"invalid JSON ({exc})") from None
    if isinstance(document, dict) and isinstance(document.get("releases"), list):
        document = document["releases"]
    records = document if isinstance(document, list) else [document]
    ids = _FallbackIds()
    for index, record in enumerate(records):
        yield ids.deduplicate(_release_or_error(record, f"{source_path}[{index}]", source_path))


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
    raw_id = record.get("id")
    return build_release(
        where=where,
        source_path=source_path,
        paragraphs=paragraphs,
        title=title,
        date=date,
        release_id="" if raw_id is None else str(raw_id),
        url=_text(record, "url", where),
        site=_text(record, "site", where) or _text(record, "source", where),
        language=str(record.get("language") or record.get("lang") or ""),
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
