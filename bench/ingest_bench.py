"""Ingest throughput next to raw embedder throughput, re-ingest cost, and peak memory.

    python bench/ingest_bench.py CORPUS --embedder e5-small --data-dir DIR [--raw-sample N]

DIR must not hold a store for this embedder yet. Phases, in this order so that the peak memory
after the second one is the ingest's own: (0) load the embedder (one passage embedded, timed
apart, as the raw phase does not pay it either); (1) ingest CORPUS into DIR; (2) ingest it again,
unchanged; (3) embed a sample of the same chunk texts directly with the embedder (raw; its
first two batches once untimed, to warm up, then what is loaded is frozen out of the cyclic
collector's sight, as in the ingest's embedding process). Prints one JSON object.

As `presschat ingest` does by default, the ingest embeds in a child process
(`ingest.embedding_worker`); phase 0 then loads the model there, and the child's peak memory is
reported apart (`worker_peak_rss_mib`). `--no-worker` embeds in the bench's own process. The
raw phase always embeds in the bench's own process.
"""

from __future__ import annotations

import argparse
import gc
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
from ingest.embedding_worker import EmbeddingWorker  # noqa: E402
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
    parser.add_argument(
        "--no-worker", action="store_true", help="embed in this process, not in a child"
    )
    args = parser.parse_args()

    few_cached_kernels()  # as `presschat ingest` does
    settings = load_settings(data_dir=args.data_dir, embedder=args.embedder)
    embedder = CountingEmbedder(build_embedder(settings))
    index = Index.from_settings(settings, embedder=embedder)
    if index.store.count():
        sys.exit(f"{args.data_dir} already holds {index.store.count()} chunks; use a fresh dir")
    worker = None if args.no_worker else EmbeddingWorker(settings)
    ingestor = Ingestor.for_index(index, worker=worker)
    result: dict[str, object] = {
        "corpus": str(args.corpus),
        "embedder": embedder.name,
        "worker": worker is not None,
        "machine": f"{platform.machine()}, {platform.node()}",
        "date": time.strftime("%Y-%m-%d"),
    }

    started = time.perf_counter()
    if worker is not None:
        worker.submit(["load"]).result()
    else:
        embedder.inner.embed_passages(["load"])
    result["load_seconds"] = round(time.perf_counter() - started, 2)
    first = ingestor.ingest([args.corpus])  # with a worker, stops it when done
    ingest: dict[str, object] = {
        "releases": len(first.added),
        "chunks": first.chunks_written,
        "embedded": first.chunks_embedded,
        "failed": len(first.failed),
        "seconds": round(first.seconds, 1),
        "chunks_per_s": round(first.chunks_written / first.seconds, 2),
        "peak_rss_mib": round(peak_rss_mib()),
    }
    if worker is not None:
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ingest["worker_peak_rss_mib"] = round(children)
    result["ingest"] = ingest
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
        # Warm, as a long ingest is: with a worker this process has not embedded yet, and
        # the first batches are slower (oneDNN compiles kernels for the shapes it meets).
        for i in range(0, min(len(texts), 2 * batch), batch):
            embedder.inner.embed_passages(texts[i : i + batch])
        gc.freeze()  # as the ingest's embedding process does once its model is loaded
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
