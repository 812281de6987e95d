"""How many of each question's k nearest chunks Chroma's HNSW search finds, against exact search.

    python bench/hnsw_recall.py --data-dir DIR --queries Q.jsonl [...] [--k 30] [--ef-search N]

Queries are the `question` fields of the given JSON Lines files, embedded as presschat embeds
them; every stored vector is read and each question's k nearest found exactly (numpy). A chunk
counts as missed only if it scores above Chroma's k-th by more than 1e-4 (ties forgiven). Run it
in two processes to see whether misses differ between them. --ef-search sets the store's HNSW
search width (presschat's `EF_SEARCH` otherwise; it widens a narrower store when it opens it), so
run it on a copy. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval import chroma_rows  # noqa: E402
from retrieval.index import Index  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402

_TIE = 1e-4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=Path, nargs="+", required=True)
    parser.add_argument("--k", type=int, default=30)
    parser.add_argument("--ef-search", type=int)
    args = parser.parse_args()
    settings = load_settings(data_dir=args.data_dir)
    if args.ef_search:  # before presschat opens the store: a width set later is not read
        chroma_rows.EF_SEARCH = args.ef_search
        client = chromadb.PersistentClient(
            path=str(settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False)
        )
        for collection in client.list_collections():
            collection.modify(configuration={"hnsw": {"ef_search": args.ef_search}})
    index = Index.from_settings(settings)
    questions = [
        json.loads(line)["question"]
        for path in args.queries
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    queries = np.asarray(index.embedder.embed_queries(questions), dtype=np.float32)
    store = index.store
    rows = store.chunks_of(sorted({r.release_id for r in store.releases()}), with_vectors=True)
    ids = [chunk_id for chunk_id, _, _, _ in rows]
    vectors = np.asarray([vector for _, _, _, vector in rows], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    position = {chunk_id: i for i, chunk_id in enumerate(ids)}
    scores = queries @ vectors.T
    recalls, took, missed = [], [], {}
    for i, question_scores in enumerate(scores):
        began = time.perf_counter()
        found = [chunk_id for chunk_id, _ in store.nearest(queries[i : i + 1], args.k)[0]]
        took.append(1000 * (time.perf_counter() - began))
        last = question_scores[position[found[-1]]]
        exact = np.argsort(-question_scores)[: args.k]
        lost = [ids[j] for j in exact if question_scores[j] > last + _TIE and ids[j] not in found]
        recalls.append(1 - len(lost) / args.k)
        if lost:
            missed[questions[i][:80]] = lost
    print(
        json.dumps(
            {
                "store": str(args.data_dir),
                "chunks": len(ids),
                "questions": len(questions),
                "k": args.k,
                "ef_search": index.store._collection.configuration["hnsw"]["ef_search"],
                "recall": round(statistics.mean(recalls), 4),
                "questions_missing_one": len(missed),
                "search_p50_ms": round(statistics.median(took), 1),
                "missed": missed,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
