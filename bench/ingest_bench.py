"""Ingest throughput next to raw embedder throughput, re-ingest cost, and peak memory.

    python bench/ingest_bench.py CORPUS --embedder e5-small --data-dir DIR [--raw-sample N]

DIR must not hold a store for this embedder yet. Phases, in this order so that the peak memory
after the second one is the ingest's own: (0) load the embedder (one passage embedded, timed
apart, as the raw phase does not pay it either); (1) ingest CORPUS into DIR; (2) ingest it again,
unchanged; (3) embed a sample of the same chunk texts directly with the embedder (raw).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.chunking import chunk_release  # noqa: E402
from ingest.files import read_releases  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from retrieval.embedders import Embedder, Vectors, few_cached_kernels  # noqa: E402
from retrieval.index import Index, build_embedder  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402
from retrieval.types import Release  # noqa: E402


class CountingEmbedder:
    """Wraps an embedder and counts the passages it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.passages = 0
        self.name = inner.name
        self.max_tokens = inner.max_tokens

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def token_ends(self, text: str) -> list[int]:
        return self.inner.token_ends(text)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.passages += len(texts)
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> Vectors:
        return self.inner.embed_query(text)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument(
        "--raw-sample",
        type=int,
        default=2000,
        help="chunk texts embedded in the raw phase (0 = skip, -1 = all)",
    )
    args = parser.parse_args()

    few_cached_kernels()  # as `presschat ingest` does
    settings = load_settings(data_dir=args.data_dir, embedder=args.embedder)
    embedder = CountingEmbedder(build_embedder(settings))
    index = Index.from_settings(settings, embedder=embedder)
    if index.store.count():
        sys.exit(f"{args.data_dir} already holds {index.store.count()} chunks; use a fresh dir")
    ingestor = Ingestor.for_index(index)
    result: dict[str, object] = {
        "corpus": str(args.corpus),
        "embedder": embedder.name,
        "machine": f"{platform.machine()}, {platform.node()}",
        "date": time.strftime("%Y-%m-%d"),
    }

    started = time.perf_counter()
    embedder.inner.embed_passages(["load"])
    result["load_seconds"] = round(time.perf_counter() - started, 2)
    first = ingestor.ingest([args.corpus])
    result["ingest"] = {
        "releases": len(first.added),
        "chunks": first.chunks_written,
        "embedded": first.chunks_embedded,
        "failed": len(first.failed),
        "seconds": round(first.seconds, 1),
        "chunks_per_s": round(first.chunks_written / first.seconds, 2),
        "peak_rss_mib": round(peak_rss_mib()),
    }
    print(json.dumps(result), file=sys.stderr, flush=True)

    before = embedder.passages
    again = ingestor.ingest([args.corpus])
    result["reingest"] = {
        "unchanged": again.unchanged,
        "updated": len(again.updated),
        "added": len(again.added),
        "embedding_calls": embedder.passages - before,
        "seconds": round(again.seconds, 2),
    }

    if args.raw_sample:
        texts = [
            c.embed_text
            for r in _releases(args.corpus)
            for c in chunk_release(r, index.recipe, embedder.count_tokens)
        ]
        if 0 < args.raw_sample < len(texts):
            texts = random.Random(0).sample(texts, args.raw_sample)
        batch = settings.embed_batch_size
        started = time.perf_counter()
        for i in range(0, len(texts), batch):
            embedder.inner.embed_passages(texts[i : i + batch])
        seconds = time.perf_counter() - started
        raw_rate = len(texts) / seconds
        result["raw"] = {
            "texts": len(texts),
            "seconds": round(seconds, 1),
            "chunks_per_s": round(raw_rate, 2),
        }
        result["ingest_vs_raw"] = round(first.chunks_written / first.seconds / raw_rate, 3)
    print(json.dumps(result, indent=2))


def _releases(corpus: Path) -> list[Release]:
    files = [corpus] if corpus.is_file() else sorted(p for p in corpus.rglob("*") if p.is_file())
    return [r for f in files for r in read_releases(f) if isinstance(r, Release)]


if __name__ == "__main__":
    main()
