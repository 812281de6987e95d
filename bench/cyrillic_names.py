"""Questions that name only a person, written in Cyrillic, as a Russian or Kazakh user asks them
about an English release: is the release found?

    python bench/cyrillic_names.py --data-dir STORE [--questions Q ...] [--show]

Each Russian or Kazakh question with gold paragraphs in the sets (default: presschat_dev and
doj_dev) gives one question: "Что известно о деле <its first run of capitalised Cyrillic words
after the first word>?" ("Что известно о деле Эгберт Кулман?"). Prints how often the gold
release is the first hit and among the first four (`Index.search`, k = 4); with --show each
question. BENCHMARKS.md, "Names asked in Cyrillic".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.index import Index  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402

SETS = [ROOT / "bench/data/presschat_dev.jsonl", ROOT.parent / "shared/data/eval/doj_dev.jsonl"]
# Two or more capitalised Cyrillic words, not the question's first word (its question word).
NAMES = re.compile(r"(?<!^)(?<![.?!] )\b([А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+)+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, nargs="*", default=SETS)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    index = Index.from_settings(load_settings(data_dir=args.data_dir))
    asked = first = among = 0
    for path in args.questions:
        for line in path.read_text(encoding="utf-8").splitlines():
            question = json.loads(line)
            gold = {g["release_id"] for g in question.get("gold", [])}
            names = NAMES.findall(question["question"])
            if not gold or not names:
                continue
            found = [hit.release_id for hit in index.search(f"Что известно о деле {names[0]}?", 4)]
            is_first = bool(found) and found[0] in gold
            asked, first, among = asked + 1, first + is_first, among + bool(gold & set(found))
            if args.show:
                print(question["id"], is_first, names[0])
    print(f"{asked} questions: the gold release first {first / asked:.3f}, in the first 4", end=" ")
    print(f"{among / asked:.3f}")


if __name__ == "__main__":
    main()
