"""Which Kazakh terms the keyword index should use: BM25 alone on KazQAD, whole words against
fixed prefixes and Snowball's Russian and Turkish stemmers.

    python bench/kazakh_terms.py KAZQAD.jsonl

Each distinct context (with its title) is a document; each question's gold is its context.
Prints Hits@1, Hits@10 and MRR@10 of BM25 (bm25s, the keyword index's terms otherwise) per way.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.keywords.terms import Analyzer  # noqa: E402


def evaluate(analyzer: Analyzer, documents: list[str], questions: list[tuple[str, int]]) -> str:
    vocabulary: dict[str, int] = {}
    ids = [
        [vocabulary.setdefault(t, len(vocabulary)) for t in analyzer.document_terms(d, "kk")]
        for d in documents
    ]
    bm25 = bm25s.BM25()
    bm25.index((ids, dict(vocabulary)), create_empty_token=False, show_progress=False)
    hits1 = hits10 = mrr = 0.0
    for question, gold in questions:
        terms = [vocabulary[t] for t in analyzer.query_terms(question, "kk") if t in vocabulary]
        if not terms:
            continue
        scores = bm25.get_scores_from_ids(terms)
        top = list(np.argsort(-scores, kind="stable")[:10])
        if gold in top:
            rank = top.index(gold) + 1
            hits1 += rank == 1
            hits10 += 1
            mrr += 1 / rank
    n = len(questions)
    scores = f"hits@1 {hits1 / n:.3f}  hits@10 {hits10 / n:.3f}  mrr@10 {mrr / n:.3f}"
    return f"terms {len(vocabulary):>6}  {scores}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kazqad", type=Path)
    args = parser.parse_args()
    rows = [
        json.loads(line) for line in args.kazqad.read_text(encoding="utf-8").splitlines() if line
    ]
    contexts: dict[str, int] = {}
    documents: list[str] = []
    for row in rows:
        if row["context"] not in contexts:
            contexts[row["context"]] = len(documents)
            documents.append(f"{row.get('title', '')}\n{row['context']}")
    questions = [(row["question"], contexts[row["context"]]) for row in rows]
    print(f"{len(documents)} documents, {len(questions)} questions")
    ways: dict[str, Callable[[], Analyzer]] = {"whole words": lambda: Analyzer(kazakh_prefix=None)}
    for length in (4, 5, 6, 7, 8):
        ways[f"prefix {length}"] = lambda length=length: Analyzer(kazakh_prefix=length)  # type: ignore[misc]
    for language in ("russian", "turkish"):

        def snowball(language: str = language) -> Analyzer:
            analyzer = Analyzer()
            analyzer._stems["kk"] = Stemmer.Stemmer(language).stemWord
            return analyzer

        ways[f"snowball {language}"] = snowball
    for name, make in ways.items():
        print(f"{name:<18}{evaluate(make(), documents, questions)}")


if __name__ == "__main__":
    main()
