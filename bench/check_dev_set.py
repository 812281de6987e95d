"""Check an evaluation question file against the corpora its gold paragraphs point into.

    python bench/check_dev_set.py [QUESTIONS.jsonl] [--doj PATH] [--examples DIR]
                                  [--compare OTHER.jsonl ...] [--require-minimums]

Prints one line per problem (`file:line: id: message`), then counts per type and language and
whether the set's minimums are met. Exits 1 if there was a problem (or, with
--require-minimums, a minimum is not met), else 0. Standard library only.

Paragraph indices follow presschat's readers: JSON releases keep their own ids and their
paragraphs cleaned with whitespace collapsed and empty ones dropped; a gov.kz text export
(`date YYYY-MM-DD <title> | <site>`, then blank-line-separated blocks) is addressed as
`seed:<file name>`, because its real id is a hash of the path it was ingested from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = REPO / "bench" / "data" / "presschat_dev.jsonl"
DEFAULT_DOJ = REPO.parent / "shared" / "data" / "doj" / "doj_opa_2000.jsonl.gz"
DEFAULT_EXAMPLES = REPO / "examples" / "releases"
SEED_PREFIX = "seed:"

LANGS = frozenset({"en", "ru", "kk"})
TYPES = frozenset(
    {
        "fact",
        "number",
        "date",
        "entity",
        "date_scoped",
        "multi_paragraph",
        "cross_lingual",
        "follow_up",
        "null",
    }
)
ROLES = frozenset({"user", "assistant"})
REQUIRED = {"id": str, "question": str, "lang": str, "type": str, "gold": list, "answer": str}
OPTIONAL = frozenset({"history", "filters"})
MIN_CONTENT_SHARE = 0.6

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "who",
        "with",
        "about",
        "after",
        "before",
        "into",
        "than",
        "then",
        "there",
        "these",
        "those",
        "also",
        "but",
        "not",
        "no",
        "в",
        "во",
        "на",
        "и",
        "с",
        "со",
        "к",
        "по",
        "о",
        "об",
        "от",
        "до",
        "из",
        "за",
        "у",
        "для",
        "что",
        "как",
        "а",
        "но",
        "или",
        "мен",
        "және",
        "пен",
        "бен",
        "да",
        "де",
        "та",
        "те",
        "үшін",
    ]
)

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_BLANK_LINE = re.compile(r"\n\s*\n")
_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PUNCTUATION = re.compile(r"[^\w\s]|_")


@dataclass(frozen=True)
class Release:
    """What the checks need of one release: its date and its paragraphs as presschat indexes
    them."""

    date: dt.date | None
    paragraphs: tuple[str, ...]


@dataclass
class Report:
    """Problems found so far, each printed as it is added."""

    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        """Record and print one problem."""
        line = f"{where}: {message}"
        self.problems.append(line)
        print(line)


def clean_paragraph(text: str) -> str:
    """Collapse runs of spaces and line breaks, drop invisible characters, strip the ends
    (as ingest.release.clean_paragraph does)."""
    return _SPACE.sub(" ", " ".join(_INVISIBLE.sub("", text).split("\n"))).strip()


def split_blocks(text: str) -> list[str]:
    """Paragraphs at blank lines, cleaned, empty ones dropped (as ingest.release.split_blocks)."""
    blocks = _BLANK_LINE.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [p for p in (clean_paragraph(b) for b in blocks) if p]


def parse_iso_date(value: Any) -> dt.date | None:
    """The date of a YYYY-MM-DD string, or None if it is not one."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_json_releases(path: Path) -> Iterator[tuple[str, Release]]:
    """(id, release) for each line of a JSON Lines file, gzip-compressed or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            paragraphs = tuple(p for p in (clean_paragraph(p) for p in record["paragraphs"]) if p)
            yield str(record["id"]), Release(parse_iso_date(record.get("date")), paragraphs)


def read_text_export(path: Path) -> Release:
    """A gov.kz text export: the header line's date, then blank-line-separated paragraphs."""
    header, _, body = path.read_text(encoding="utf-8").lstrip("\ufeff").partition("\n")
    match = _HEADER.match(header)
    return Release(parse_iso_date(match[1]) if match else None, tuple(split_blocks(body)))


def load_corpus(doj: Path, examples: Path) -> dict[str, Release]:
    """Every release a gold reference may name, keyed by the id questions use."""
    corpus = dict(read_json_releases(doj))
    for path in sorted(examples.glob("*.jsonl")) + sorted(examples.glob("*.jsonl.gz")):
        corpus.update(read_json_releases(path))
    for path in sorted(examples.glob("*.txt")):
        corpus[SEED_PREFIX + path.name] = read_text_export(path)
    return corpus


def normalize(text: str) -> str:
    """Lower case, thousands separators dropped, punctuation turned into spaces."""
    return " ".join(_PUNCTUATION.sub(" ", _THOUSANDS.sub("", text.lower())).split())


def numbers(text: str) -> set[str]:
    """The numbers in a text, thousands separators dropped, decimals kept whole."""
    return set(_NUMBER.findall(_THOUSANDS.sub("", text.lower())))


def content_words(normalized: str) -> list[str]:
    """Words of a normalized text that carry meaning: longer than one letter, not a stop word,
    not a number."""
    return [w for w in normalized.split() if len(w) > 1 and w not in STOP_WORDS and not w.isdigit()]


def fold(word: str) -> str:
    """An English word without a plural `s`, so `15 years` matches `15 year sentence`."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and word.isascii() else word


def answer_part_problem(part: str, evidence: str) -> str | None:
    """Why one `;`-separated part of an answer is not supported by the gold text, or None."""
    normalized = normalize(part)
    if not normalized:
        return None
    evidence_normalized = normalize(evidence)
    if f" {normalized} " in f" {evidence_normalized} ":
        return None
    missing_numbers = sorted(numbers(part) - numbers(evidence))
    if missing_numbers:
        return f"answer part {part.strip()!r}: number(s) {', '.join(missing_numbers)} not in gold"
    words = content_words(normalized)
    present = {fold(w) for w in evidence_normalized.split()}
    found = [w for w in words if fold(w) in present]
    if words and len(found) < MIN_CONTENT_SHARE * len(words):
        missing = ", ".join(w for w in words if fold(w) not in present)
        return (
            f"answer part {part.strip()!r}: only {len(found)}/{len(words)} content words in gold "
            f"(missing: {missing})"
        )
    return None


def check_fields(item: dict[str, Any], where: str, report: Report) -> bool:
    """Required fields present with the right types and allowed values; False if unusable."""
    usable = True
    for name, kind in REQUIRED.items():
        if not isinstance(item.get(name), kind):
            report.add(where, f"field `{name}` missing or not a {kind.__name__}")
            usable = False
    for name in sorted(set(item) - set(REQUIRED) - OPTIONAL):
        report.add(where, f"unknown field `{name}`")
    if not usable:
        return False
    if not item["question"].strip():
        report.add(where, "empty question")
    if item["lang"] not in LANGS:
        report.add(where, f"lang {item['lang']!r} not one of {sorted(LANGS)}")
    if item["type"] not in TYPES:
        report.add(where, f"type {item['type']!r} not one of {sorted(TYPES)}")
    return True


def check_history(item: dict[str, Any], where: str, report: Report) -> None:
    """History, if any, is a list of {role, content} turns; follow-ups must have one."""
    history = item.get("history")
    if history is None:
        if item["type"] == "follow_up":
            report.add(where, "follow_up question without history")
        return
    if not isinstance(history, list) or not history:
        report.add(where, "history must be a non-empty list")
        return
    for number, turn in enumerate(history):
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            report.add(where, f"history[{number}] must have exactly `role` and `content`")
        elif turn["role"] not in ROLES:
            report.add(where, f"history[{number}] role {turn['role']!r} not user/assistant")
        elif not isinstance(turn["content"], str) or not turn["content"].strip():
            report.add(where, f"history[{number}] content must be a non-empty string")


def check_filters(item: dict[str, Any], where: str, report: Report) -> tuple[dt.date, dt.date]:
    """The filter range (open ends widened to the extremes); problems reported."""
    filters = item.get("filters")
    since, until = dt.date.min, dt.date.max
    if filters is None:
        return since, until
    if not isinstance(filters, dict) or not filters or set(filters) - {"since", "until", "lang"}:
        report.add(where, "filters must be an object with `since`, `until` and/or `lang`")
        return since, until
    if "lang" in filters and filters["lang"] not in LANGS:
        report.add(where, f"filters.lang {filters['lang']!r} not one of {sorted(LANGS)}")
    for name in ("since", "until"):
        if name in filters:
            parsed = parse_iso_date(filters[name])
            if parsed is None:
                report.add(where, f"filters.{name} {filters[name]!r} is not an ISO date")
            elif name == "since":
                since = parsed
            else:
                until = parsed
    if since > until:
        report.add(where, f"filters.since {since} is after filters.until {until}")
    return since, until


def check_gold(
    item: dict[str, Any], where: str, corpus: dict[str, Release], report: Report
) -> list[tuple[Release, int]]:
    """Gold references that resolve to a paragraph; the rest reported."""
    resolved: list[tuple[Release, int]] = []
    seen: set[tuple[str, int]] = set()
    for number, ref in enumerate(item["gold"]):
        if not isinstance(ref, dict) or set(ref) != {"release_id", "paragraph"}:
            report.add(where, f"gold[{number}] must have exactly `release_id` and `paragraph`")
            continue
        release_id, paragraph = ref["release_id"], ref["paragraph"]
        if not isinstance(release_id, str) or not isinstance(paragraph, int) or paragraph is True:
            report.add(where, f"gold[{number}] needs a string release_id and an integer paragraph")
            continue
        if (release_id, paragraph) in seen:
            report.add(where, f"gold[{number}] repeats {release_id} paragraph {paragraph}")
        seen.add((release_id, paragraph))
        release = corpus.get(release_id)
        if release is None:
            report.add(where, f"gold[{number}] release {release_id!r} not in the corpora")
        elif not 0 <= paragraph < len(release.paragraphs):
            report.add(
                where,
                f"gold[{number}] paragraph {paragraph} out of range for {release_id} "
                f"({len(release.paragraphs)} paragraphs)",
            )
        else:
            resolved.append((release, paragraph))
    return resolved


def check_item(
    item: dict[str, Any], where: str, corpus: dict[str, Release], report: Report
) -> None:
    """All checks of one question whose fields are usable."""
    check_history(item, where, report)
    since, until = check_filters(item, where, report)
    if item["type"] == "null":
        if item["gold"] or item["answer"]:
            report.add(where, "null question must have empty gold and empty answer")
        return
    if not item["gold"]:
        report.add(where, "answerable question without gold paragraphs")
    if not item["answer"].strip():
        report.add(where, "answerable question with an empty answer")
    if item["type"] == "multi_paragraph" and len(item["gold"]) < 2:
        report.add(where, "multi_paragraph question with fewer than two gold paragraphs")
    resolved = check_gold(item, where, corpus, report)
    if not resolved or len(resolved) < len(item["gold"]):
        return
    evidence = "\n".join(release.paragraphs[p] for release, p in resolved)
    for part in item["answer"].split(";"):
        problem = answer_part_problem(part, evidence)
        if problem:
            report.add(where, problem)
    if "filters" in item:
        for release, _ in resolved:
            if release.date is None or not since <= release.date <= until:
                report.add(where, f"gold release dated {release.date} is outside the filters")


def read_items(path: Path, report: Report) -> Iterator[tuple[str, dict[str, Any]]]:
    """(`file:line`, object) for each non-blank line that is a JSON object."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{number}"
        if not line.strip():
            report.add(where, "blank line")
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            report.add(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(item, dict):
            report.add(where, "line is not a JSON object")
            continue
        yield where, item


def question_key(text: str) -> str:
    """A question's text as compared for duplicates."""
    return normalize(text)


def other_questions(paths: Iterable[Path]) -> dict[str, str]:
    """Normalized question text -> `file:id` for the questions of other sets."""
    known: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                known[question_key(item["question"])] = f"{path.name}:{item.get('id')}"
    return known


def minimums(items: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(what, count, required) for each minimum the development set is held to."""
    types = Counter(i["type"] for i in items)
    langs = Counter(i["lang"] for i in items)
    scoped = [i for i in items if i["type"] == "date_scoped"]
    return [
        ("questions", len(items), 170),
        ("null questions", types["null"], 45),
        ("questions in ru or kk", langs["ru"] + langs["kk"], 30),
        ("questions in kk", langs["kk"], 12),
        ("follow_up questions", types["follow_up"], 22),
        (
            "follow_up questions in ru or kk",
            sum(1 for i in items if i["type"] == "follow_up" and i["lang"] != "en"),
            4,
        ),
        ("date_scoped questions", types["date_scoped"], 18),
        ("date_scoped with filters", sum(1 for i in scoped if "filters" in i), 1),
        (
            "date_scoped with the date only in words",
            sum(1 for i in scoped if "filters" not in i),
            1,
        ),
        ("multi_paragraph questions", types["multi_paragraph"], 18),
    ]


def print_summary(items: list[dict[str, Any]]) -> bool:
    """Counts per type and language and the minimums; True if every minimum is met."""
    print(f"\n{len(items)} questions")
    for name in ("type", "lang"):
        counts = sorted(Counter(i[name] for i in items).items())
        print(f"per {name}: " + ", ".join(f"{key} {count}" for key, count in counts))
    met = True
    for what, count, required in minimums(items):
        ok = count >= required
        met = met and ok
        print(f"  {'ok ' if ok else 'LOW'} {what}: {count} (minimum {required})")
    return met


def main(argv: list[str] | None = None) -> int:
    """Run every check; the exit status is 1 if anything was reported."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path, nargs="?", default=DEFAULT_QUESTIONS)
    parser.add_argument("--doj", type=Path, default=DEFAULT_DOJ, help="DOJ releases (JSONL.gz)")
    parser.add_argument(
        "--examples", type=Path, default=DEFAULT_EXAMPLES, help="bundled example releases"
    )
    parser.add_argument(
        "--compare", type=Path, nargs="*", default=[], help="other sets not to repeat questions of"
    )
    parser.add_argument(
        "--require-minimums", action="store_true", help="a minimum not met is a problem too"
    )
    args = parser.parse_args(argv)

    corpus = load_corpus(args.doj, args.examples)
    report = Report()
    known = other_questions(args.compare)
    ids: dict[str, str] = {}
    items: list[dict[str, Any]] = []
    for where, item in read_items(args.questions, report):
        if isinstance(item.get("id"), str):
            where = f"{where}: {item['id']}"
        if not check_fields(item, where, report):
            continue
        if item["id"] in ids:
            report.add(where, f"id repeats the one at {ids[item['id']]}")
        ids.setdefault(item["id"], where)
        key = question_key(item["question"])
        if key in known:
            report.add(where, f"question repeats {known[key]}")
        known.setdefault(key, f"{args.questions.name}:{item['id']}")
        check_item(item, where, corpus, report)
        items.append(item)

    met = print_summary(items)
    if args.require_minimums and not met:
        report.problems.append("minimums not met")
    print(f"\n{len(report.problems)} problem(s)" if report.problems else "\nno problems")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
