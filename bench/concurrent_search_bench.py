"""Simultaneous searches through the HTTP API: latency of each of N searches sent at once.

    python bench/concurrent_search_bench.py [--embedder e5-small] [--paragraphs 500] \
        [--concurrent 50] [--rounds 5]

Builds a store of the first releases of the DOJ demo sample (about --paragraphs paragraphs) in
a temporary folder, starts `presschat serve` on it in a process of its own, as deployed (with
the fake LLM, which search never calls), and sends --concurrent different questions at once,
--rounds times, from threads of this process: each round the next questions of the dev sets
(282; they come round again after 5 rounds of 50). Prints one JSON object: p50 / p95 / max
seconds per search.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def sample(paragraphs: int, folder: Path) -> Path:
    """The first releases of the demo sample, up to about `paragraphs` paragraphs."""
    lines, total = [], 0
    with (SHARED / "doj" / "doj_opa_demo_200.jsonl").open(encoding="utf-8") as releases:
        for line in releases:
            lines.append(line)
            total += len(json.loads(line)["paragraphs"])
            if total >= paragraphs:
                break
    path = folder / "sample.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def questions() -> list[str]:
    """The questions of the dev sets."""
    found: list[str] = []
    for path in (
        SHARED / "eval" / "doj_dev.jsonl",
        Path(__file__).parent / "data" / "presschat_dev.jsonl",
    ):
        found += [json.loads(line)["question"] for line in path.open(encoding="utf-8")]
    return found


def one_round(url: str, texts: list[str]) -> list[float]:
    """Send every search at the same moment; each one's seconds."""
    times = [0.0] * len(texts)
    start = threading.Barrier(len(texts))

    def search(i: int) -> None:
        query = urllib.parse.urlencode({"q": texts[i], "k": 10})
        start.wait()
        began = time.perf_counter()
        with urllib.request.urlopen(f"{url}/api/search?{query}", timeout=120) as response:
            response.read()
        times[i] = time.perf_counter() - began

    threads = [threading.Thread(target=search, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def presschat(data_dir: Path, embedder: str, *args: str) -> subprocess.Popen[bytes]:
    """A presschat command on the store, started (with the fake LLM)."""
    env = os.environ | {"PRESSCHAT_EMBEDDER": embedder, "PRESSCHAT_LLM": "fake"}
    command = [sys.executable, "-m", "presschat", "--data-dir", str(data_dir), *args]
    return subprocess.Popen(command, env=env, cwd=ROOT)


@contextlib.contextmanager
def presschat_serve(data_dir: Path, embedder: str) -> Iterator[str]:
    """`presschat serve` on a free loopback port, until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = presschat(data_dir, embedder, "serve", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("presschat serve did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--paragraphs", type=int, default=500)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data_dir = folder / "data"  # built and served by presschat's own processes, so that
        # this one holds only the client threads (no model: no long collector pauses here)
        if presschat(
            data_dir, args.embedder, "ingest", str(sample(args.paragraphs, folder))
        ).wait():
            raise SystemExit("presschat ingest failed")
        texts = questions()
        n = args.concurrent

        def round_of(number: int) -> list[str]:
            return [texts[(number * n + i) % len(texts)] for i in range(n)]

        with presschat_serve(data_dir, args.embedder) as url:
            with urllib.request.urlopen(f"{url}/healthz") as health:
                paragraphs = json.load(health)["chunks"]
            for warm_up in (round_of(0)[:5], round_of(0)):  # not counted: the first batches of
                one_round(url, warm_up)  # new shapes wait for oneDNN to build their kernels
            rounds = [one_round(url, round_of(number)) for number in range(1, args.rounds + 1)]
    times = [t for round_times in rounds for t in round_times]
    ordered = sorted(times)
    print(
        json.dumps(
            {
                "embedder": args.embedder,
                "paragraphs": paragraphs,
                "concurrent": args.concurrent,
                "rounds": args.rounds,
                "p50_s": round(statistics.median(ordered), 3),
                "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
                "max_s": round(ordered[-1], 3),
                "slowest_per_round_s": [round(max(r), 3) for r in rounds],
                "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
