"""Score the answer checks (issue 9, levers 2 and 3) on saved model replies, without the model.

    python bench/answer_bench.py ... --questions Q.jsonl --replies R.jsonl   # with
        PRESSCHAT_CHECK_ANSWERS=false PRESSCHAT_REFUSAL_PROBABILITY=1   (the model alone)
    python bench/answer_checks.py Q.jsonl R.jsonl [--sweep] [--data-dir STORE]

The checks are deterministic functions of the question, the sources and the model's reply (and
of the probability the model gave its refusal as first word, which the bench records), so each
variant below is exactly what presschat would have answered with that check on, from the same
model output:

- model: the reply as the model wrote it (markers as written; NO_ANSWER refuses);
- +citations: each sentence's markers re-pointed to the sources holding its facts
  (`answer.attribution`), an answer to a question in one part cut after the sentence that
  answers it (`answer.parts.to_the_point`), and an answer no source supports refused;
- +names: questions naming what no source mentions refused before the model
  (`answer.answerability`);
- all: the checks as presschat's default settings apply them (names, citations, answers that
  restate the question refused, and the first-word probability at
  `PRESSCHAT_REFUSAL_PROBABILITY`'s default); "all but restating": the same without the
  restating check (presschat before it, 2026-12-02).

With --data-dir STORE (the store the replies came from), the name check reads the sources'
whole releases as presschat does, gold releases named by file (`seed:...`) get their stored
ids, and two more variants show the name check as it was before: on the shown paragraphs only.

With --other-cases (and --data-dir), the answers checked as "all" whose cited releases all hold
less of the question's names and words than another release among the sources are listed:
how much less, and whether the answer is right.

With --sweep, the thresholds of the two refusal checks are varied (`probability>=T`: refused when
the model gave NO_ANSWER at least T as its first word). Prints JSON: per variant, the
scores overall, by language and by type, the share of Kazakh questions answered in Kazakh, and
of the citations of correct answers, the share whose paragraph holds the gold answer (another
paragraph than the gold one often states the same fact).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answer.answerability import (  # noqa: E402
    MIN_NAMED,
    asserts_unsupported_premise,
    confirms_an_unnamed,
    echoes_a_yes_no_question,
    is_answerable,
    lacks_the_asked_name,
    restates_question,
    states_an_unheld_figure,
)
from answer.attribution import (
    attribute_citations,  # noqa: E402
    resolve_citations,  # noqa: E402
)
from answer.checks.figures import (  # noqa: E402
    gives_a_maximum_as_imposed,
    lacks_the_asked_date,
    lacks_the_asked_figure,
)
from answer.dates import misstates_a_day  # noqa: E402
from answer.parts import to_the_point, without_part_notes  # noqa: E402
from answer.sources import release_shares  # noqa: E402
from answer.types import Answer  # noqa: E402
from evaluation.answer_scores import AnswerReport, answer_matches, is_correct  # noqa: E402
from evaluation.questions import Question, load_questions, load_stored_questions  # noqa: E402
from prompts import starts_with_refusal  # noqa: E402
from retrieval.index import Index  # noqa: E402
from retrieval.language import detect_language  # noqa: E402
from retrieval.settings import Settings  # noqa: E402
from retrieval.types import Hit, SearchFilters  # noqa: E402

Check = Callable[[Answer, float | None], Answer]


def hit_from_dict(data: dict[str, Any]) -> Hit:
    fields = {f.name for f in dataclasses.fields(Hit)}
    values = {k: v for k, v in data.items() if k in fields}
    values["date"] = dt.date.fromisoformat(data["date"]) if data.get("date") else None
    return Hit(**values)


def answer_from_dict(data: dict[str, Any]) -> Answer:
    sources = tuple(hit_from_dict(h) for h in data["sources"])
    text, citations = resolve_citations(data["answer"], sources)
    # Replies saved before the assistant read "No_ANSWER" or "No answer." as the refusal token
    # are refused here as presschat refuses them now.
    refused = data["refused"] or starts_with_refusal(data["answer"])
    return Answer(
        data["question"],
        data["standalone_question"],
        data["language"],
        text,
        citations if not refused else (),
        sources,
        refused,
        SearchFilters(),
    )


def refused(answer: Answer) -> Answer:
    return dataclasses.replace(answer, text="", citations=(), refused=True)


def with_citations(answer: Answer, _: float | None) -> Answer:
    if answer.refused:
        return answer
    question = answer.standalone_question
    attribution = attribute_citations(answer.text, answer.sources, question)
    if attribution.invented:
        return refused(answer)
    # An answer to a question in one part ends where it has answered it, as presschat's does
    # (the model stops there; a reply saved without the checks goes on).
    text, citations = resolve_citations(to_the_point(attribution.text, question), answer.sources)
    if not citations:  # nothing cited to check it in (presschat refuses it too)
        return refused(answer)
    return dataclasses.replace(answer, text=text, citations=citations)


def with_restatement(releases: dict[str, str] | None, *, premise: bool = True) -> Check:
    """Answers that restate the question (or only say yes to it over paragraphs in another
    script, or say yes to one naming what no source writes) refused; with `premise`, also
    those asserting what the question supposes and no source (or release of one) holds."""

    def check(answer: Answer, _: float | None) -> Answer:
        question, sources = answer.standalone_question, answer.sources
        if answer.refused or not (
            restates_question(answer.text, question)
            or echoes_a_yes_no_question(answer.text, question, sources)
            or confirms_an_unnamed(answer.text, question, sources, releases or {})
            or (premise and asserts_unsupported_premise(answer.text, question, sources, releases))
        ):
            return answer
        return refused(answer)

    return check


def with_maximum(answer: Answer, _: float | None) -> Answer:
    """Answers giving a figure the sources state only as a maximum penalty refused."""
    question, sources = answer.standalone_question, answer.sources
    if answer.refused or not gives_a_maximum_as_imposed(answer.text, question, sources):
        return answer
    return refused(answer)


def with_days(answer: Answer, _: float | None) -> Answer:
    """Answers naming a day of the week or a month that the sources they cite do not, or saying
    yes to a day of the week they leave out, refused."""
    question, sources = answer.standalone_question, answer.sources
    if answer.refused or not misstates_a_day(answer.text, question, sources):
        return answer
    return refused(answer)


def with_held_figures(releases: dict[str, str] | None) -> Check:
    """Answers to a question for a figure stating one no source (nor its release) holds
    refused."""

    def check(answer: Answer, _: float | None) -> Answer:
        question, sources = answer.standalone_question, answer.sources
        if answer.refused or not states_an_unheld_figure(answer.text, question, sources, releases):
            return answer
        return refused(answer)

    return check


def refusing(lacks: Callable[[str, str], bool]) -> Check:
    """A check refusing the answers that `lacks(text, question)` finds wanting."""

    def check(answer: Answer, _: float | None) -> Answer:
        if answer.refused or not lacks(answer.text, answer.standalone_question):
            return answer
        return refused(answer)

    return check


# Answers stating no figure for a question asking for one, naming no one for a question asking
# for a name, refused.
with_figure = refusing(lacks_the_asked_figure)
with_name = refusing(lacks_the_asked_name)
with_date = refusing(lacks_the_asked_date)


def with_names(min_named: float, releases: dict[str, str] | None = None) -> Check:
    def check(answer: Answer, _: float | None) -> Answer:
        question, sources = answer.standalone_question, answer.sources
        if answer.refused or is_answerable(question, sources, min_named, releases):
            return answer
        return refused(answer)

    return check


def replies_release_texts(index: Index, replies: list[dict[str, Any]]) -> dict[str, str]:
    """The whole text of every release the replies' sources come from, as the assistant reads
    it for the name check."""
    sources = [hit_from_dict(h) for reply in replies for h in reply["answer"]["sources"]]
    return index.release_texts(sources)


def with_probability(threshold: float) -> Check:
    def check(answer: Answer, probability: float | None) -> Answer:
        if answer.refused or probability is None or probability < threshold:
            return answer
        return refused(answer)

    return check


def checked(reply: dict[str, Any], checks: list[Check]) -> Answer:
    """A saved reply as presschat would have answered with these checks on."""
    answer = answer_from_dict(reply["answer"])
    for check in checks:
        answer = check(answer, reply.get("first_token_probability"))
    return answer


def score(
    questions: dict[str, Question], replies: list[dict[str, Any]], checks: list[Check]
) -> dict[str, Any]:
    report = AnswerReport()
    kk_answered = kk_in_kazakh = 0
    cited = holding = 0  # citations of correct answers, and those whose paragraph holds the answer
    for reply in replies:
        question = questions[reply["id"]]
        answer = checked(reply, checks)
        report.add(question, answer)
        if is_correct(question, answer):
            cited += len(answer.citations)
            holding += sum(answer_matches(question.answer, c.text) for c in answer.citations)
        if question.lang == "kk" and not answer.refused:
            kk_answered += 1
            kk_in_kazakh += detect_language(without_part_notes(answer.text)) == "kk"
    data = report.as_dict()
    data.pop("replies")
    data["kk_replies_in_kazakh"] = round(kk_in_kazakh / kk_answered, 3) if kk_answered else None
    data["citations_holding_the_answer"] = round(holding / cited, 3) if cited else None
    return data


def other_cases(
    questions: dict[str, Question],
    replies: list[dict[str, Any]],
    checks: list[Check],
    releases: dict[str, str],
) -> list[dict[str, Any]]:
    """The checked answers citing only releases that hold less of what the question names and
    says than another release among the sources (`answer.sources.release_shares`): how much
    less, and whether the answer is right (`OTHER_CASE_MARGIN` was chosen from these)."""
    rows = []
    for reply in replies:
        question = questions[reply["id"]]
        answer = checked(reply, checks)
        shares = release_shares(answer.standalone_question, answer.sources, releases)
        if answer.refused or not question.gold or not shares or not answer.citations:
            continue
        cited = max(shares[answer.sources[c.number - 1].release_id] for c in answer.citations)
        if cited < max(shares.values()):
            below = round(max(shares.values()) - cited, 2)
            rows.append(
                {"id": question.id, "below": below, "correct": is_correct(question, answer)}
            )
    return sorted(rows, key=lambda row: -row["below"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("replies", type=Path)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument(
        "--other-cases",
        action="store_true",
        help="list the answers (all checks) citing only releases that hold less of the "
        "question than another shown one (needs --data-dir)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="the store the replies came from: the name check then reads whole releases, as "
        "presschat does (without it, only the shown paragraphs, as before 2026-12-02), and "
        "gold releases named by file (seed:...) are found in it",
    )
    args = parser.parse_args()

    replies = [json.loads(line) for line in args.replies.open(encoding="utf-8") if line.strip()]
    if args.data_dir:
        index = Index.from_settings(Settings(data_dir=args.data_dir))
        loaded = load_stored_questions(args.questions, index)
        releases: dict[str, str] | None = replies_release_texts(index, replies)
    else:
        loaded, releases = load_questions(args.questions), None
    questions = {q.id: q for q in loaded}
    threshold = Settings.model_fields["refusal_probability"].default

    def every_check(
        names: Check, restatement: Check | None, *, leave_out: Check | None = None
    ) -> list[Check]:
        """The checks as presschat applies them, in its order; `restatement` None (and
        `leave_out`) left out."""
        checks = [names, with_probability(threshold), with_citations, restatement]
        later = [with_maximum, with_figure, held_figures, with_date, with_name, with_days]
        return [c for c in [*checks, *later] if c not in (None, leave_out)]

    names, restatement = with_names(MIN_NAMED, releases), with_restatement(releases)
    held_figures = with_held_figures(releases)
    variants: dict[str, list[Check]] = {
        "model": [],
        "+citations": [with_citations],
        "+names": [names],
        "all": every_check(names, restatement),
        "all but the maximum check": every_check(names, restatement, leave_out=with_maximum),
        "all but the figure check": every_check(names, restatement, leave_out=with_figure),
        "all but the name check": every_check(names, restatement, leave_out=with_name),
        "all but the held-figure check": every_check(names, restatement, leave_out=held_figures),
        "all but the date check": every_check(names, restatement, leave_out=with_date),
        "all but the day check": every_check(names, restatement, leave_out=with_days),
        "all but the premise check": every_check(names, with_restatement(releases, premise=False)),
        "all but restating": every_check(names, None),
    }
    if releases is not None:  # the name check as before 2026-12-02: shown paragraphs only
        variants["+names (paragraphs)"] = [with_names(MIN_NAMED)]
        variants["all (names in paragraphs)"] = every_check(
            with_names(MIN_NAMED), with_restatement(None)
        )
    if args.sweep:
        for value in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            variants[f"names>={value}"] = [with_names(value, releases)]
        for value in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
            variants[f"probability>={value}"] = [with_probability(value)]
    result: dict[str, Any] = {
        "questions": str(args.questions),
        "replies": len(replies),
        "variants": {name: score(questions, replies, checks) for name, checks in variants.items()},
    }
    if args.other_cases and releases is not None:
        result["other_cases"] = other_cases(questions, replies, variants["all"], releases)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
