"""Answer quality and speed of the embedded default (llama.cpp + packaged Qwen2.5 1.5B).

    python bench/answer_bench.py --data-dir DIR --questions doj_dev.jsonl \
        [--multihop ../shared/data/eval/multihop500 --multihop-limit 100] [--skip-doj] \
        [--replies replies.jsonl] [--types follow_up,null] [--langs kk] [--ids ids.txt]

DIR holds the DOJ 2,000-release subset ingested with the default embedder. For each question:
time until the sources are known, until the first answer token is shown, until the answer is
done; generation tokens per second; then the answer scores of `presschat eval answers`.
MultiHop-RAG is run in the paper's ground-truth-evidence setting: the gold evidence facts are the
sources, no retrieval. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.callbacks import BaseCallbackHandler  # noqa: E402

from answer.assistant import Assistant, build_chat_model  # noqa: E402
from answer.chat_models import model_name  # noqa: E402
from answer.types import AnswerDone, AnswerToken, SourcesFound, answer_to_dict  # noqa: E402
from evaluation.answer_scores import AnswerReport, contains_answer  # noqa: E402
from evaluation.questions import load_stored_questions  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402
from retrieval.types import Hit  # noqa: E402


class CallTimer(BaseCallbackHandler):
    """Records, for each chat-model call, when it started, when its first and last pieces came
    and how many pieces (a LangChain callback, so it times any chat model)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, float]] = []

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        now = time.perf_counter()
        self.calls.append({"started": now, "first": 0.0, "last": 0.0, "pieces": 0})

    def on_llm_new_token(self, token: str | list[str | dict[str, Any]], **kwargs: Any) -> None:
        if not self.calls:
            return
        record, now = self.calls[-1], time.perf_counter()
        chunk = kwargs.get("chunk")
        info = getattr(chunk, "generation_info", None) or {}
        if "first_token_probability" in info:
            record["first_token_probability"] = info["first_token_probability"]
        if not token:
            return
        record["first"] = record["first"] or now
        record["last"] = now
        record["pieces"] += 1


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 2)


def summary(values: list[float]) -> dict[str, float | None]:
    return {"p50": pct(values, 50), "p95": pct(values, 95), "n": len(values)}


def run_doj(
    assistant: Assistant,
    timed: CallTimer,
    path: Path,
    replies: Path | None = None,
    types: set[str] | None = None,
    langs: set[str] | None = None,
    ids: set[str] | None = None,
) -> dict[str, Any]:
    report = AnswerReport()
    saved = replies.open("w", encoding="utf-8") if replies else None
    sources_s, first_token_s, first_model_piece_s, total_s, rates = [], [], [], [], []
    for question in load_stored_questions(path, assistant.index):
        if (types and question.type not in types) or (langs and question.lang not in langs):
            continue
        if ids is not None and question.id not in ids:
            continue
        timed.calls.clear()
        started = time.perf_counter()
        shown_first = None
        answer = None
        sources_at = started
        for event in assistant.stream(question.question, question.turns(), question.filters):
            now = time.perf_counter() - started
            if isinstance(event, SourcesFound):
                sources_s.append(now)
                sources_at = started + now
            elif isinstance(event, AnswerToken) and shown_first is None:
                shown_first = now
            elif isinstance(event, AnswerDone):
                answer = event.answer
        total_s.append(time.perf_counter() - started)
        assert answer is not None
        if shown_first is not None:
            first_token_s.append(shown_first)
        # The first call after the sources: a rewrite comes before them, the second part of a
        # two-part question after this one.
        answer_call = next((c for c in timed.calls if c["started"] >= sources_at), None)
        if answer_call and answer_call["first"]:
            first_model_piece_s.append(answer_call["first"] - started)
            if answer_call["pieces"] > 1 and answer_call["last"] > answer_call["first"]:
                rates.append(
                    (answer_call["pieces"] - 1) / (answer_call["last"] - answer_call["first"])
                )
        report.add(question, answer)
        if saved:
            record = {
                "id": question.id,
                "answer": answer_to_dict(answer),
                "total_s": total_s[-1],
                "first_token_s": shown_first,
                "sources_s": sources_s[-1] if sources_s else None,
                "first_token_probability": answer_call.get("first_token_probability")
                if answer_call
                else None,
            }
            saved.write(json.dumps(record, ensure_ascii=False) + "\n")
            saved.flush()
        print(
            json.dumps(
                {
                    "id": question.id,
                    "total_s": round(total_s[-1], 2),
                    "refused": answer.refused,
                    "answer": answer.text[:200],
                }
            ),
            file=sys.stderr,
            flush=True,
        )
    if saved:
        saved.close()
    data = report.as_dict()
    return {
        "scores": {k: data[k] for k in ("overall", "by_language", "by_type")},
        "replies": data["replies"],
        "seconds_to_sources": summary(sources_s),
        "seconds_to_first_shown_token": summary(first_token_s),
        "seconds_to_first_model_token": summary(first_model_piece_s),
        "seconds_total": summary(total_s),
        "generation_tokens_per_s": summary(rates),
    }


def evidence_hits(evidence: list[dict[str, Any]]) -> list[Hit]:
    hits = []
    for i, fact in enumerate(evidence):
        published = str(fact.get("published_at", ""))[:10]
        hits.append(
            Hit(
                chunk_id=f"e{i}",
                release_id=str(fact.get("url", i)),
                title=f"{fact.get('source', '')}: {fact.get('title', '')}",
                date=dt.date.fromisoformat(published) if published else None,
                url=str(fact.get("url", "")),
                site=str(fact.get("source", "")),
                language="en",
                paragraph=0,
                paragraph_first=0,
                paragraph_last=0,
                piece=0,
                text=str(fact["fact"]),
                score=1.0,
            )
        )
    return hits


def run_multihop(assistant: Assistant, folder: Path, limit: int) -> dict[str, Any]:
    queries = json.loads((folder / "queries.json").read_text())["queries"]
    truth = json.loads((folder / "ground_truth.json").read_text())
    answerable = [q for q in queries if truth[q["id"]]["evidence_list"]]
    null = [q for q in queries if not truth[q["id"]]["evidence_list"]]
    rng = random.Random(0)
    sample = rng.sample(answerable, min(limit, len(answerable))) if limit else answerable
    correct = 0
    by_type: dict[str, list[int]] = {}
    for q in sample:
        gold = truth[q["id"]]
        answer = assistant.ask_with_sources(q["question"], evidence_hits(gold["evidence_list"]))
        hit = not answer.refused and contains_answer(gold["answer"], answer.text)
        correct += hit
        by_type.setdefault(q.get("question_type", "?"), []).append(int(hit))
        print(
            json.dumps(
                {
                    "multihop": q["id"],
                    "gold": gold["answer"],
                    "ok": hit,
                    "answer": answer.text[:160],
                }
            ),
            file=sys.stderr,
            flush=True,
        )
    # Null queries have no evidence; with none, presschat refuses without asking the model.
    # To test the model's own refusal, give each null query the evidence of another query.
    distractor_limit = min(len(null), max(10, limit // 5)) if limit else len(null)
    refused = 0
    for q in null[:distractor_limit]:
        other = truth[rng.choice(answerable)["id"]]["evidence_list"]
        answer = assistant.ask_with_sources(q["question"], evidence_hits(other))
        refused += answer.refused
    return {
        "answerable_sampled": len(sample),
        "answerable_total": len(answerable),
        "accuracy": round(correct / len(sample), 3) if sample else None,
        "accuracy_by_type": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_type.items())},
        "null_queries": len(null),
        "null_refusal_without_evidence": 1.0,
        "null_with_distractor_evidence": distractor_limit,
        "null_refusal_with_distractor_evidence": round(refused / distractor_limit, 3)
        if distractor_limit
        else None,
        "paper_table6_ground_truth_evidence": {
            "GPT-4": 0.89,
            "PaLM": 0.74,
            "ChatGPT": 0.57,
            "Claude-2.1": 0.56,
            "Mixtral-8x7B": 0.36,
            "Llama-2-70B": 0.32,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--multihop", type=Path)
    parser.add_argument("--multihop-limit", type=int, default=100)
    parser.add_argument("--skip-doj", action="store_true")
    parser.add_argument(
        "--replies",
        type=Path,
        help="write each answer (text, citations, sources) as JSON Lines",
    )
    parser.add_argument("--types", help="only questions of these types (comma-separated)")
    parser.add_argument("--langs", help="only questions in these languages (comma-separated)")
    parser.add_argument(
        "--ids", type=Path, help="only the questions whose ids this file lists (one per line)"
    )
    args = parser.parse_args()

    settings = load_settings(data_dir=args.data_dir, llm="local")
    started = time.perf_counter()
    chat_model = build_chat_model(settings)
    timed = CallTimer()
    chat_model.callbacks = [timed]
    load = getattr(chat_model, "load", None)
    if load:
        load()
    result: dict[str, Any] = {
        "model": model_name(chat_model),
        "date": time.strftime("%Y-%m-%d"),
        "model_load_s": round(time.perf_counter() - started, 1),
    }
    assistant = Assistant.from_settings(settings, chat_model=chat_model)
    if not args.skip_doj:
        result["doj_dev"] = run_doj(
            assistant,
            timed,
            args.questions,
            args.replies,
            set(args.types.split(",")) if args.types else None,
            set(args.langs.split(",")) if args.langs else None,
            set(args.ids.read_text(encoding="utf-8").split()) if args.ids else None,
        )
    if args.multihop:
        result["multihop"] = run_multihop(assistant, args.multihop, args.multihop_limit)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
