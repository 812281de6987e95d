"""Turn a SQuAD-style reading-comprehension file into a presschat corpus plus questions.

    python bench/squad_corpus.py xquad FILE.json --lang ru --out DIR [--corpus-from FILE.json]
    python bench/squad_corpus.py kazqad FILE.jsonl --lang kk --out DIR

Each distinct context becomes a one-paragraph release (titled by its article); each question's
gold is its own context. With --corpus-from, questions come from FILE but the corpus (and gold
ids) from the parallel file: XQuAD's Russian questions against its English paragraphs.
Writes DIR/corpus.jsonl and DIR/questions.jsonl.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path


def xquad_items(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(question id, question, context, article title), in file order."""
    for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
        title = str(article.get("title", "")).replace("_", " ")
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                yield qa["id"], qa["question"], paragraph["context"].lstrip("\ufeff"), title


def kazqad_items(path: Path) -> Iterator[tuple[str, str, str, str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            yield row["id"], row["question"], row["context"], row.get("title", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=["xquad", "kazqad"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--lang", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus-from", type=Path)
    args = parser.parse_args()
    read = xquad_items if args.kind == "xquad" else kazqad_items

    corpus_source = {
        qid: (ctx, title) for qid, _, ctx, title in read(args.corpus_from or args.file)
    }
    context_ids: dict[str, str] = {}
    releases = []
    for context, title in corpus_source.values():
        if context not in context_ids:
            context_ids[context] = f"{args.kind}-{len(context_ids):04d}"
            releases.append({"id": context_ids[context], "title": title, "paragraphs": [context]})
    questions = []
    for qid, question, _, _ in read(args.file):
        context, _ = corpus_source[qid]
        questions.append(
            {
                "id": qid,
                "question": question,
                "lang": args.lang,
                "type": args.kind,
                "gold": [{"release_id": context_ids[context], "paragraph": 0}],
            }
        )

    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "corpus.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in releases)
    with (args.out / "questions.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in questions)
    print(f"{len(releases)} contexts, {len(questions)} questions -> {args.out}")


if __name__ == "__main__":
    main()
