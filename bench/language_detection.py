"""How often `detect_language` misreads labelled questions and paragraphs (English, Russian,
Kazakh): the reply language follows it.

    python bench/language_detection.py [--eval ../shared/data/eval] [--show]

Reads presschat_dev (`bench/data`), doj_dev, XQuAD English and Russian (questions and contexts)
and KazQAD (questions and contexts) from the eval folder, and a few short questions written here
(Russian questions with Kazakh names, Kazakh ones with one Kazakh letter or none). Prints, per
set, how many texts it reads as another language than their label, and with --show each of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.language import detect_language  # noqa: E402

SHORT = [
    ("Нұртілеу встречался с министром в Душанбе?", "ru"),
    ("Когда Тоқаев посетил Душанбе?", "ru"),
    ("Что сказал Тоқаев о воде?", "ru"),
    ("Қасым-Жомарт Тоқаев посетил Душанбе?", "ru"),
    ("Где учился Ерлан Қошанов?", "ru"),
    ("Какие соглашения подписали Нұртілеу и Мухриддин?", "ru"),
    ("Сколько стоит проект в Түркістан?", "ru"),
    ("Тоқаев посетил Душанбе?", "ru"),
    ("Кто основал Cannon Seafood Inc?", "ru"),
    ("Министрлер не талқылады?", "kk"),
    ("Тоқаев Душанбеге қашан барды?", "kk"),
    ("Нұртілеу кіммен кездесті?", "kk"),
    ("Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?", "kk"),
    ("Ведомстволарға жататындар", "kk"),
    ("Бюджет деген не?", "kk"),
    ("Делегация немен барады?", "kk"),
    ("Министрлер не туралы келісті?", "kk"),
]


def labelled_sets(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """The labelled texts of each set, as (text, language)."""

    def lines(path: Path) -> list[dict[str, str]]:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    sets = {
        "presschat_dev": [
            (r["question"], r["lang"]) for r in lines(ROOT / "bench/data/presschat_dev.jsonl")
        ],
        "doj_dev": [(r["question"], r["lang"]) for r in lines(folder / "doj_dev.jsonl")],
    }
    for lang in ("en", "ru"):
        data = json.loads((folder / f"xquad/xquad.{lang}.json").read_text(encoding="utf-8"))
        paragraphs = [p for article in data["data"] for p in article["paragraphs"]]
        sets[f"xquad_{lang} questions"] = [
            (q["question"], lang) for p in paragraphs for q in p["qas"]
        ]
        sets[f"xquad_{lang} contexts"] = [(p["context"], lang) for p in paragraphs]
    kazqad = lines(folder / "kazqad/kazqad-reading-comprehension-v1.0-kk-validation.jsonl")
    sets["kazqad questions"] = [(r["question"], "kk") for r in kazqad]
    sets["kazqad contexts"] = [
        (context, "kk") for context in dict.fromkeys(r["context"] for r in kazqad)
    ]
    sets["short questions (here)"] = SHORT
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared/data/eval")
    parser.add_argument("--show", action="store_true", help="print each misread text")
    args = parser.parse_args()
    if not (args.eval / "doj_dev.jsonl").is_file():
        parser.error(f"{args.eval} holds no doj_dev.jsonl: give the shared eval folder with --eval")
    for name, rows in labelled_sets(args.eval).items():
        misread = [(text, label, detect_language(text)) for text, label in rows]
        misread = [row for row in misread if row[2] != row[1]]
        read_as = dict(Counter(got for _, _, got in misread))
        print(f"{name}: {len(misread)} of {len(rows)} misread {read_as or ''}")
        if args.show:
            for text, label, got in misread:
                print(f"    {label} read as {got}: {text[:100]!r}")


if __name__ == "__main__":
    main()
