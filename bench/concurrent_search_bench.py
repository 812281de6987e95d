"""Simultaneous searches through the HTTP API: latency of each of N searches sent at once.

    python bench/concurrent_search_bench.py [--embedder e5-small] [--paragraphs 500] \
        [--concurrent 50] [--rounds 5]

Builds a store of the first releases of the DOJ demo sample (about --paragraphs paragraphs) in
a temporary folder, serves `/api/search` with uvicorn on loopback (the same app as `presschat
serve`, with a fake LLM, which search never calls), and sends --concurrent different questions
at once, --rounds times. Prints one JSON object: p50 / p95 / max seconds per search.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answer.assistant import Assistant  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from presschat.server import build_server  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402
from tests.ui.conftest import serve  # noqa: E402

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


def questions(n: int) -> list[str]:
    """n different questions from the dev sets."""
    found: list[str] = []
    for path in (
        SHARED / "eval" / "doj_dev.jsonl",
        Path(__file__).parent / "data" / "presschat_dev.jsonl",
    ):
        found += [json.loads(line)["question"] for line in path.open(encoding="utf-8")]
    return found[:n]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--paragraphs", type=int, default=500)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = load_settings(data_dir=folder / "data", embedder=args.embedder, llm="fake")
        assistant = Assistant.from_settings(settings)
        report = Ingestor.for_index(assistant.index).ingest([sample(args.paragraphs, folder)])
        assistant.index.embedder.embed_query("warm up")
        texts = questions(args.concurrent)
        with serve(build_server(settings, assistant=assistant)) as url:
            one_round(url, texts[:5])  # warm up the server
            times = [t for _ in range(args.rounds) for t in one_round(url, texts)]
    ordered = sorted(times)
    print(
        json.dumps(
            {
                "embedder": args.embedder,
                "paragraphs": report.chunks_written,
                "concurrent": args.concurrent,
                "rounds": args.rounds,
                "p50_s": round(statistics.median(ordered), 3),
                "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
                "max_s": round(ordered[-1], 3),
                "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
