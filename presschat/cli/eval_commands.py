"""`presschat eval`: retrieval and answer scores of the store on question sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from tqdm import tqdm

from answer.types import Answer
from evaluation.answer_scores import evaluate_answers
from evaluation.groups import table_rows
from evaluation.questions import Question, load_stored_questions
from evaluation.retrieval_scores import as_ask_finds, evaluate_retrieval
from presschat.cli.common import handle_errors, parts


@click.group("eval")
def eval_group() -> None:
    """Measure retrieval against question sets with gold paragraphs."""


@eval_group.command("retrieval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-k",
    "--k",
    "k",
    default=10,
    show_default=True,
    type=click.IntRange(10, 200),
    help="Paragraphs retrieved per question; the scores look at the top 10.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@handle_errors
def eval_retrieval(ctx: click.Context, questions: Path, k: int, as_json: bool) -> None:
    """Hits@1/4/10 and MRR@10 of the store on QUESTIONS (JSON Lines), overall, per language
    and per type. Questions without gold paragraphs (type null) are skipped."""
    index = parts(ctx).index()
    report = evaluate_retrieval(load_stored_questions(questions, index), as_ask_finds(index), k)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    data = report.as_dict()
    click.echo(f"{'group':<24}{'n':>5}{'hits@1':>9}{'hits@4':>9}{'hits@10':>9}{'mrr@10':>9}")
    rows = table_rows(data)
    for name, s in rows:
        click.echo(
            f"{name:<24}{s['questions']:>5}{s['hits@1']:>9.3f}{s['hits@4']:>9.3f}"
            f"{s['hits@10']:>9.3f}{s['mrr@10']:>9.3f}"
        )
    click.echo(
        f"({report.skipped} questions without gold paragraphs skipped; "
        f"store: {index.store.collection_name})"
    )


@eval_group.command("answers")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@handle_errors
def eval_answers(ctx: click.Context, questions: Path, as_json: bool, quiet: bool) -> None:
    """Answer correctness, citation precision and recall, refusal rate on null questions and
    false-refusal rate on answerable ones, overall, per language and per type."""
    assistant = parts(ctx).assistant()
    loaded = load_stored_questions(questions, assistant.index)
    with tqdm(total=len(loaded), unit="q", desc="answering", file=sys.stderr, disable=quiet) as bar:

        def ask_one(question: Question) -> Answer:
            answer = assistant.ask(question.question, question.turns(), question.filters)
            bar.update(1)
            return answer

        report = evaluate_answers(loaded, ask_one)
    data = report.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    columns = (
        "correct",
        "citation_precision",
        "citation_recall",
        "refusal_on_null",
        "false_refusal",
    )
    click.echo(f"{'group':<24}{'ans':>5}{'null':>5}" + "".join(f"{c[:12]:>14}" for c in columns))
    rows = table_rows(data)
    for name, s in rows:
        cells = "".join(f"{'-' if s[c] is None else f'{s[c]:.3f}':>14}" for c in columns)
        click.echo(f"{name:<24}{s['answerable']:>5}{s['null']:>5}{cells}")
