"""Streaming ingest of large or strange inputs: time to the first stored chunk, total time, and
peak memory, each case in a fresh process and a fresh store.

    python bench/stream_bench.py [--embedder e5-small|minilm|fake] [--first-chunk-only]
                                 [--case paragraph-2mb|paragraphs-5000|array-1000]

Cases: one 2 MB paragraph without sentence punctuation (.txt); one release of 5,000 short
paragraphs (.jsonl); 1,000 releases as a one-line JSON array (.json). With --first-chunk-only a
case stops once its first chunk is stored (totals with e5 take many minutes). Prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CASES = ("paragraph-2mb", "paragraphs-5000", "array-1000")


def _words(rng: random.Random, count: int) -> list[str]:
    vocabulary = [
        "ministry", "budget", "bridge", "court", "agreement", "water", "energy", "delegation",
        "investment", "program", "region", "citizens", "services", "digital", "transport",
        "health", "education", "cooperation", "infrastructure", "development", "policy",
    ]  # fmt: skip
    return [rng.choice(vocabulary) for _ in range(count)]


def write_case(case: str, folder: Path) -> Path:
    """The input file of one case."""
    rng = random.Random(0)
    if case == "paragraph-2mb":
        path = folder / "long.txt"
        words = _words(rng, 2_000_000 // 9)
        path.write_text("A very long paragraph\n\n" + " ".join(words) + "\n")
    elif case == "paragraphs-5000":
        path = folder / "many.jsonl"
        paragraphs = [" ".join(_words(rng, 12)).capitalize() + "." for _ in range(5000)]
        record = {"id": "many", "title": "Release of 5,000 paragraphs", "paragraphs": paragraphs}
        path.write_text(json.dumps(record) + "\n")
    else:
        path = folder / "array.json"
        records = [
            {
                "id": f"r{i}",
                "title": f"Release {i}",
                "date": "2024-05-01",
                "paragraphs": [" ".join(_words(rng, 25)).capitalize() + "." for _ in range(3)],
            }
            for i in range(1000)
        ]
        path.write_text(json.dumps(records))
    return path


def run_case(case: str, embedder: str, first_only: bool) -> dict[str, object]:
    """Ingest one case in this process (a fresh one); the figures as a dict."""
    from ingest.pipeline import Failure, Ingestor, Tally
    from retrieval.index import Index
    from retrieval.settings import load_settings

    class FirstChunk(Exception):
        pass

    class Clock:
        def __init__(self) -> None:
            self.first: float | None = None

        def update(self, tally: Tally) -> None:
            if tally.chunks_stored and self.first is None:
                self.first = time.perf_counter() - started
                if first_only:
                    raise FirstChunk

        def failed(self, failure: Failure) -> None:
            print(f"failed: {failure.where}: {failure.reason}", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        path = write_case(case, Path(tmp))
        index = Index.from_settings(load_settings(data_dir=Path(tmp) / "store", embedder=embedder))
        index.embedder.count_tokens("warm up")  # load the model before the clock starts
        clock = Clock()
        started = time.perf_counter()
        try:
            report = Ingestor.for_index(index).ingest([path], progress=clock)
            chunks: int | None = report.chunks_written
        except FirstChunk:
            chunks = None
        total = time.perf_counter() - started
    return {
        "case": case,
        "embedder": embedder,
        "input_mb": round(path.stat().st_size / 2**20, 2) if path.exists() else None,
        "first_chunk_s": round(clock.first or 0.0, 2),
        "total_s": None if chunks is None else round(total, 2),
        "chunks": chunks,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", default=os.environ.get("PRESSCHAT_EMBEDDER", "e5-small"))
    parser.add_argument("--case", choices=CASES, action="append")
    parser.add_argument("--first-chunk-only", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        (case,) = args.case
        print(json.dumps(run_case(case, args.embedder, args.first_chunk_only)))
        return
    print("| case | embedder | first stored chunk | total | chunks | peak RSS |")
    print("|---|---|---:|---:|---:|---:|")
    for case in args.case or CASES:
        command = [sys.executable, __file__, "--child", "--case", case, "--embedder", args.embedder]
        if args.first_chunk_only:
            command.append("--first-chunk-only")
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        total = "—" if row["total_s"] is None else f"{row['total_s']} s"
        print(
            f"| {row['case']} | {row['embedder']} | {row['first_chunk_s']} s | {total} "
            f"| {row['chunks'] or '—'} | {row['peak_rss_mib']} MiB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
