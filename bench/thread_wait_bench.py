"""The default embedder beside other busy processes, with OpenMP threads spinning long, briefly
or not at all while they wait.

    python bench/thread_wait_bench.py [--busy 2] [--rounds 2] [--passages 192] [--queries 30]

Each policy runs in a child process of its own (OpenMP reads its settings when it loads),
while --busy other processes embed DOJ paragraphs in a loop with OpenMP's default policy, as a
second presschat process or another job on the same machine would. A child embeds --passages
DOJ paragraphs (title + paragraph, 32 per call) and --queries short queries one at a time.
--busy 0 measures the idle machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "data" / "doj" / "doj_opa_2000.jsonl.gz"
POLICIES = {
    "long spins (OpenMP default)": {"GOMP_SPINCOUNT": "300000"},
    "short spins (presschat default)": {"GOMP_SPINCOUNT": "10000"},
    "no spins (OMP_WAIT_POLICY=PASSIVE)": {"OMP_WAIT_POLICY": "PASSIVE"},
}


def texts(count: int) -> list[str]:
    found: list[str] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as stream:
        for line in stream:
            release = json.loads(line)
            found += [f"{release['title']}\n\n{p}" for p in release["paragraphs"] if len(p) > 40]
            if len(found) > 3000:
                break
    random.Random(0).shuffle(found)
    return found[:count]


def child(args: argparse.Namespace) -> None:
    from retrieval.embedders.e5_torch import E5TorchEmbedder

    embedder = E5TorchEmbedder(Path(args.cache_dir))
    passages = texts(args.passages)
    embedder.embed_passages(passages[:8])
    if args.child == "busy":
        while True:
            embedder.embed_passages(passages[:64])
    started = time.perf_counter()
    for i in range(0, len(passages), 32):
        embedder.embed_passages(passages[i : i + 32])
    rate = len(passages) / (time.perf_counter() - started)
    latencies = []
    for text in passages[: args.queries]:
        started = time.perf_counter()
        embedder.embed_query(text[:80])
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    p50 = 1000 * latencies[len(latencies) // 2]
    p95 = 1000 * latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(json.dumps({"passages_per_s": rate, "query_p50_ms": p50, "query_p95_ms": p95}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--busy", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--passages", type=int, default=192)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--cache-dir")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    cache = args.cache_dir or tempfile.mkdtemp()
    common = ["--cache-dir", cache, "--passages", str(args.passages)]
    command = [sys.executable, __file__, *common, "--queries", str(args.queries), "--child"]
    busy = [
        subprocess.Popen([*command, "busy"], env=os.environ | {"GOMP_SPINCOUNT": "300000"})
        for _ in range(args.busy)
    ]
    try:
        time.sleep(15 if busy else 0)  # the busy ones load and start
        print(f"{args.busy} busy processes beside, load average {os.getloadavg()[0]:.1f}")
        for round_number in range(args.rounds):
            for name, extra in POLICIES.items():
                env = {k: v for k, v in os.environ.items() if "OMP" not in k} | extra
                out = subprocess.run(
                    [*command, "measure"], env=env, capture_output=True, text=True, check=True
                )
                f = json.loads(out.stdout.strip().splitlines()[-1])
                print(
                    f"round {round_number + 1} {name}: {f['passages_per_s']:.1f} passages/s, "
                    f"query p50 {f['query_p50_ms']:.1f} ms, p95 {f['query_p95_ms']:.1f} ms",
                    flush=True,
                )
    finally:
        for process in busy:
            process.kill()


if __name__ == "__main__":
    main()
