"""Search latency (query embedding included) and peak memory on an existing store.

    python bench/search_bench.py --data-dir DIR --embedder e5-small --queries Q.jsonl [...]
        [--mode hybrid|dense]

Queries are the `question` fields of the given JSON Lines files, cycled to --n (default 200).
Each query runs unfiltered, with a one-year date filter, with the language filter "en" (most of
a DOJ store) and with "ru" (little or none of it). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import statistics
import sys
import time
from itertools import cycle, islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.index import Index  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402
from retrieval.types import SearchFilters  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--queries", type=Path, nargs="+", required=True)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--mode", choices=["hybrid", "dense"], default="hybrid")
    args = parser.parse_args()

    started = time.perf_counter()
    settings = load_settings(
        data_dir=args.data_dir, embedder=args.embedder, retrieval_mode=args.mode
    )
    index = Index.from_settings(settings)
    chunks = index.store.count()
    texts = [
        json.loads(line)["question"]
        for path in args.queries
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    queries = list(islice(cycle(texts), args.n))
    for query in queries[:5]:  # warm-up: model load, first HNSW page-in
        index.search(query, args.k)
    open_seconds = time.perf_counter() - started

    result: dict[str, object] = {
        "store": str(args.data_dir),
        "collection": index.store.collection_name,
        "chunks": chunks,
        "queries": len(queries),
        "k": args.k,
        "mode": args.mode,
        "machine": platform.machine(),
        "date": time.strftime("%Y-%m-%d"),
        "open_and_warm_s": round(open_seconds, 2),
    }
    year = SearchFilters(since=dt.date(2012, 1, 1), until=dt.date(2012, 12, 31))
    english = SearchFilters(language="en")
    rare = SearchFilters(language="ru")
    cases = (
        ("unfiltered", None),
        ("date_filtered", year),
        ("language_en", english),
        ("language_ru", rare),
    )
    for name, filters in cases:
        timings = []
        for query in queries:
            t0 = time.perf_counter()
            index.search(query, args.k, filters)
            timings.append((time.perf_counter() - t0) * 1000)
        result[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "max_ms": round(max(timings), 1),
        }
    embed = []
    for query in queries[:50]:
        t0 = time.perf_counter()
        index.embedder.embed_query(query)
        embed.append((time.perf_counter() - t0) * 1000)
    result["query_embedding_p50_ms"] = round(statistics.median(embed), 1)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
