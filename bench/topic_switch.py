"""Retrieval when the conversation moves on: each standalone question asked after another one.

    python bench/topic_switch.py --data-dir DIR --questions Q.jsonl [--k 10]

Each answerable question of the set that has no history of its own is asked (as `ask` searches,
`evaluation.retrieval_scores.as_ask_finds`) twice: alone, and after the set's previous such
question about another release (its previous user turn, with a one-sentence assistant reply).
A search that keeps to the old topic loses the new one's gold. The set's follow-ups, which do
need their history, are scored as they are. Prints one JSON object of Hits@1/@4/@10, MRR and
the time a search took (p50, ms; query embedding included).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation.questions import Question, load_stored_questions  # noqa: E402
from evaluation.retrieval_scores import as_ask_finds, evaluate_retrieval  # noqa: E402
from retrieval.index import Index  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402
from retrieval.types import Hit  # noqa: E402


def after_another(questions: list[Question]) -> list[Question]:
    """Each standalone answerable question, asked after the previous one about another
    release."""
    standalone = [q for q in questions if q.gold and not q.history]
    switched = []
    for before, question in zip(standalone, standalone[1:], strict=False):
        if {rid for rid, _ in before.gold} & {rid for rid, _ in question.gold}:
            continue
        history = (("user", before.question), ("assistant", f"{before.answer} [1]."))
        switched.append(dataclasses.replace(question, history=history))
    return switched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    index = Index.from_settings(load_settings(data_dir=args.data_dir))
    questions = load_stored_questions(args.questions, index)
    find_as_ask = as_ask_finds(index)
    took: list[float] = []

    def find(question: Question, k: int) -> Sequence[Hit]:
        began = time.perf_counter()
        hits = find_as_ask(question, k)
        took.append(1000 * (time.perf_counter() - began))
        return hits

    switched = after_another(questions)
    alone = [dataclasses.replace(q, history=()) for q in switched]
    follow_ups = [q for q in questions if q.gold and q.history]
    groups = {"alone": alone, "after another": switched, "follow-ups": follow_ups}
    report = {}
    for name, group in groups.items():
        took.clear()
        report[name] = evaluate_retrieval(group, find, args.k).as_dict()["overall"]
        report[name]["search_p50_ms"] = round(statistics.median(took), 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
