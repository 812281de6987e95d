"""The keyword index of hybrid search on an existing store: build, file, load, catch-up, query.

    python bench/keyword_bench.py --data-dir DIR --embedder e5-small --queries Q.jsonl [...]

Builds the index from the whole store (in memory and then its file), loads the file as the next
process would, catches up with a changed store (no chunk re-analysed: the fixed cost of any
change by another writer), times keyword searches alone (k=30, as hybrid search asks for), and
then, with the query vectors embedded beforehand, a dense store query (k=10) against a whole
hybrid search (k=10) taken in turns, so that a busy machine slows both alike. Nothing is written
into the store; the file goes to a temporary directory. Prints JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.index import FUSION_CANDIDATES, Index  # noqa: E402
from retrieval.keywords.index import KeywordIndex  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402
from retrieval.types import SearchFilters  # noqa: E402


def timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return round(time.perf_counter() - started, 3)


def _p(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return round(ordered[int(percent / 100 * (len(ordered) - 1))], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--queries", type=Path, nargs="+", required=True)
    args = parser.parse_args()

    settings = load_settings(data_dir=args.data_dir, embedder=args.embedder, retrieval_mode="dense")
    index = Index.from_settings(settings)
    store = index.store
    titles = settings.embed_titles
    queries = [
        json.loads(line)["question"]
        for path in args.queries
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "keywords.npz"
        built = KeywordIndex(store, path, titles=titles)
        build_s = timed(built.refresh)
        loaded = KeywordIndex(store, path, titles=titles)
        load_s = timed(loaded.refresh)
        corpus = loaded._corpus
        assert corpus is not None
        loaded._corpus = dataclasses.replace(corpus, generation="changed by another writer")
        loaded._file_seen = (path.stat().st_mtime_ns, path.stat().st_size)
        catch_up_s = timed(loaded.refresh)
        size = path.stat().st_size
        timings = []
        for query in queries * 3:
            started = time.perf_counter()
            loaded.search(query, FUSION_CANDIDATES)
            timings.append((time.perf_counter() - started) * 1000)
        vectors = index.embedder.embed_queries(queries)
        dense_ms, hybrid_ms = [], []
        no_filters = SearchFilters()
        for i, query in enumerate(queries):
            started = time.perf_counter()
            store.query_many(vectors[i : i + 1], 10, no_filters)
            dense_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            keyword_ids = [loaded.search(query, FUSION_CANDIDATES, no_filters)]
            index._fused(keyword_ids, vectors[i : i + 1], 10, no_filters)
            hybrid_ms.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(
        json.dumps(
            {
                "store": str(args.data_dir),
                "chunks": store.count(),
                "terms": len(corpus.vocabulary),
                "build_s": build_s,
                "file_mib": round(size / 2**20, 1),
                "load_s": load_s,
                "catch_up_s": catch_up_s,
                "queries": len(timings),
                "search_p50_ms": round(statistics.median(timings), 2),
                "search_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
                "dense_query_p50_p95_ms": [_p(dense_ms, 50), _p(dense_ms, 95)],
                "hybrid_search_p50_p95_ms": [_p(hybrid_ms, 50), _p(hybrid_ms, 95)],
                "date": time.strftime("%Y-%m-%d"),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
