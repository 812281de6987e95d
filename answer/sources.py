"""Where an answer's sources come from: the question's date words (`answer.dates`), the conversation
before the question (a follow-up is searched with the asker's previous question, unless the
conversation has moved on; or rewritten by the model first, `rewritten_follow_up`), and what the
question asks for (a paragraph that states a figure or a date comes first for a question for
one)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from langchain_core.language_models import BaseChatModel

from answer.answerability import with_release
from answer.chat_models import StopSignal, first_line, stream_text
from answer.dates import search_within_dates
from answer.excerpts import rewrite_messages
from answer.grounding import (
    NAME_WEIGHT,
    Facts,
    SourceText,
    coverage,
    skeletons_of,
    word_key,
    written_in,
)
from answer.questions import asks_for_a_figure, figures_for, has_subject
from answer.types import Turn
from prompts import CANNOT_ANSWER
from retrieval.dates import asks_for_a_date, asks_for_hours, states_a_date, states_hours
from retrieval.index import Index
from retrieval.keywords.within import distinct_words_held
from retrieval.language import UNKNOWN, detect_language, sources_language
from retrieval.types import Hit, SearchFilters
from retrieval.words import WORD

log = logging.getLogger(__name__)


def search_text(standalone: str, history: Sequence[Turn]) -> str:
    """What to search with: the standalone question, and for a follow-up also the asker's
    previous question, so that a follow-up (rewritten or not) finds its release by the names
    asked about before."""
    previous = _previous_question(history)
    return f"{standalone}\n{previous}" if previous and previous not in standalone else standalone


def _previous_question(history: Sequence[Turn]) -> str:
    """The asker's last question in the conversation ("" if none)."""
    return next((t.content for t in reversed(history) if t.role == "user"), "")


# A question for a figure or a date is answered by a paragraph that states one; the nearest
# paragraph is often the release's first, which names the case and not the figure asked for.
# Of the first ANSWER_POOL paragraphs found, those that state what is asked come first
# (`by_what_is_asked`; BENCHMARKS.md, "Paragraphs that state what is asked").
ANSWER_POOL = 10
# Only paragraphs of the releases among the first LEADING found move up.
LEADING = 3

# "how many pounds", "how many of the liens", "how much uranium": the thing counted, whose word
# follows the figure that answers ("147 pounds", "five of the seven liens"). "how much did ..."
# asks for money.
_AUXILIARY = "did|does|do|was|is|were|are|has|had|have|will|would"
_COUNTED = re.compile(
    r"\bhow (?:many (?:of (?:the|his|her|its|their|these|those) )?|much "
    rf"(?!(?:{_AUXILIARY}|could|can|should|money|in|of|more|less)\b))(?P<thing>[^\W\d_]{{3,}})",
    re.IGNORECASE,
)
_ASKS_FOR_MONEY = re.compile(rf"\bhow much (?:{_AUXILIARY})\b", re.IGNORECASE)
_MONEY = re.compile(
    r"[$€£₸]\s?\d|\d\s*(?:dollars|долларов|доллар\w*|тенге|теңге|евро|euros?)\b", re.IGNORECASE
)


def by_what_is_asked(question: str, hits: Sequence[Hit], k: int) -> list[Hit]:
    """The k hits to show, those that state what the question asks for first, each group in
    its own order: for a count or an amount of a named thing ("how many pounds"), a figure
    followed by that thing's word, then any figure the question does not state
    (`figures_for`; "how much did ..." asks for money: an amount of money first); for a date
    ("when", "когда", "қашан"), a date with its month, or hours ("from 9:00"; first for a
    question for hours: "What are the opening hours ...?"). Only paragraphs
    of the releases among the first `LEADING` move up (whatever k is): a figure in another
    release found further down answers another case. Other questions keep the order."""
    rank = _rank_for(question)
    if rank is None:
        return list(hits[:k])
    releases = {hit.release_id for hit in hits[:LEADING]}
    return sorted(
        hits, key=lambda hit: -rank(hit.text, question) if hit.release_id in releases else 0
    )[:k]


def _rank_for(question: str) -> Callable[[str, str], int] | None:
    """How `by_what_is_asked` ranks paragraphs for the question (None: it keeps the order)."""
    if asks_for_a_figure(question):
        return _figure_rank
    return _date_rank if asks_for_a_date(question) else None


def _figure_rank(text: str, question: str) -> int:
    if not figures_for(text, question):
        return 0
    if counted := _COUNTED.search(question):
        stem = re.escape(counted["thing"][:5].lower())
        return 2 if re.search(rf"\d[\d,.]*\s+(?:[\w-]+\s+){{0,2}}{stem}", text.lower()) else 1
    return 2 if _ASKS_FOR_MONEY.search(question) and _MONEY.search(text) else 1


def _date_rank(text: str, question: str) -> int:
    if asks_for_hours(question) and states_hours(text):
        return 2  # "from 9:00 to 18:00" before "opened on 15 September"
    return 1 if states_a_date(text) else 0


class Found(NamedTuple):
    """The paragraphs an answer is written from, the filters they were found within, and
    whether the question was taken as a new topic (the conversation before it does not bear
    on it)."""

    hits: list[Hit]
    filters: SearchFilters
    moved_on: bool = False


def find_sources(
    index: Index,
    question: str,
    history: Sequence[Turn],
    k: int,
    filters: SearchFilters,
    today: dt.date,
) -> Found:
    """The paragraphs an answer is written from, the filters they were found within, and
    whether the question is a new topic (`Found`).

    The question is searched together with the asker's previous one (`search_text`), within
    its date words (`search_within_dates`), unless the conversation has moved on
    (`_moved_on`): then it is searched alone, and `moved_on` says so. A follow-up that names
    nothing of its own ("How long was he sentenced?") is about the release that search puts
    first: its first k - 1 sources are that release's paragraphs ranked by the follow-up
    alone, and the last is the search's best other paragraph, in case the conversation moved
    on. (The joint search alone ranks the paragraph that answered the previous question first:
    BENCHMARKS.md.) A follow-up of question words only ("How many?") has nothing to rank by: its
    sources are that release's paragraphs in the joint ranking ("Сколько?" after a question
    about narwhal tusks had been answered "2 [2]" from another case's paragraph stating a
    figure). For a question for a figure or a date the k are the first of
    `ANSWER_POOL` found, those that state one first (`by_what_is_asked`). Then the paragraph
    with the question's distinct words comes first (`_distinct_first`)."""

    def found(hits: list[Hit], within: SearchFilters, moved_on: bool = False) -> Found:
        return Found(_distinct_first(index, question, hits), within, moved_on)

    pool = k if _rank_for(question) is None else max(k, ANSWER_POOL)
    text = search_text(question, history)
    hits, effective = search_within_dates(index.search, text, pool, filters, question, today)
    if not hits or text == question:
        return found(by_what_is_asked(question, hits, k), effective)
    if not has_subject(question):  # "How many?": nothing of its own to search by
        release = index.search_release(text, hits[0].release_id, pool, effective)
        return found(by_what_is_asked(question, release, k), effective)
    alone, alone_filters = search_within_dates(
        index.search, question, pool, filters, question, today
    )
    named = bool(Facts.of(question).names)
    if _moved_on(index, question, _conversation_release(index, named, history, hits), alone):
        return found(by_what_is_asked(question, alone, k), alone_filters, moved_on=True)
    if named:
        return found(by_what_is_asked(question, hits, k), effective)
    release = index.search_release(question, hits[0].release_id, pool, effective, scored_by=text)
    release = by_what_is_asked(question, release, max(1, k - 1))
    chosen = {hit.chunk_id for hit in release}
    return found((release + [hit for hit in hits if hit.chunk_id not in chosen])[:k], effective)


# The release's first paragraph names the case and comes first for most questions about it;
# the paragraph with the fact asked for is often second or third (BENCHMARKS.md, "The paragraph
# that holds the question's distinct words first").
DISTINCT_AMONG = 3


def _distinct_first(index: Index, question: str, hits: list[Hit]) -> list[Hit]:
    """The hits, with first the one of the first `DISTINCT_AMONG` that holds most of the
    question's words that set its release's paragraphs apart (`distinct_words_held`), among
    those of the first hit's release that rank as high for what the question asks for
    (`by_what_is_asked`). On a tie the first stays first."""
    if len(hits) < 2:
        return hits
    first, rank = hits[0], _rank_for(question)
    first_rank = rank(first.text, question) if rank else None
    candidates = [
        hit
        for hit in hits[:DISTINCT_AMONG]
        if hit.release_id == first.release_id
        and (rank is None or rank(hit.text, question) == first_rank)
    ]
    if len(candidates) < 2:
        return hits
    texts = [hit.text for hit in candidates]
    release = index.release_texts([first]).get(first.release_id)  # none for gold given directly
    held = distinct_words_held(
        question, release.split("\n") if release else texts, texts, first.language
    )
    best = candidates[max(range(len(candidates)), key=lambda i: (held[i], -i))]
    return [best] + [hit for hit in hits if hit is not best]


# How much closer (cosine) the question alone must come to a paragraph of another release
# than to any paragraph of the release the conversation is about, for the conversation to have
# moved on. On presschat_dev and doj_dev, follow-ups came at most 0.035 closer to another
# release; a question about something new asked after another question came 0.04-0.16 closer
# to its own for most (BENCHMARKS.md, "A new question in a conversation").
MOVED_ON_MARGIN = 0.05


def _conversation_release(
    index: Index, named: bool, history: Sequence[Turn], joint: Sequence[Hit]
) -> str:
    """The release the conversation was about: the joint search's first; for a question that
    names something (`named`: "What did the Kazakh and Tajik ministers agree ...?"), which the
    joint search finds by its own names, the one the asker's previous question finds first
    alone."""
    previous = _previous_question(history)
    found = index.search(previous, 1) if previous and named else []
    return (found or joint)[0].release_id


def _moved_on(index: Index, question: str, release: str, alone: Sequence[Hit]) -> bool:
    """Whether a question asked after another one is about something else: searched alone it
    finds another release first than the one the conversation was about, and comes clearly
    closer to that than to any paragraph of that release."""
    if not alone or alone[0].release_id == release:
        return False
    held = index.search_release(question, release, 1)
    return not held or alone[0].score - held[0].score > MOVED_ON_MARGIN


# How much more of the question's names and words (their weighted share) another shown release
# must hold than each release an answer cites, for the answer to be about another case. On the
# dev sets' checked answers, the five citing only a release 0.25-1.0 below the best were all
# wrong; of those 0.12 below, one right, one wrong (BENCHMARKS.md, "Answers about another
# case"; `python bench/answer_checks.py Q R --data-dir STORE --other-cases`).
OTHER_CASE_MARGIN = 0.2


def release_asked_about(
    question: str, sources: Sequence[Hit], cited: Sequence[Hit], releases: Mapping[str, str]
) -> str | None:
    """The shown release that holds clearly more of what the question names and says (read in
    the whole release, `releases` by id) than every release the answer `cited`: the small model
    answered "When was Sandipkumar Patel to be sentenced?" from another Patel's release. None
    if a cited release holds about as much, or a release's text is not at hand. Only releases in
    a cited one's language compete: a Russian question shares its words with a Russian release
    alone ("Сколько посетителей примет консульский центр ...?" was taken off the English
    release it was answered from, for a Russian one about water)."""
    if not cited:
        return None
    languages = {sources_language([hit]) for hit in cited}
    alike = [hit for hit in sources if sources_language([hit]) in languages]
    shares = release_shares(question, alike, releases)
    if not shares:
        return None
    best = max(shares, key=shares.__getitem__)
    held = max(shares.get(hit.release_id, 0.0) for hit in cited)
    return best if shares[best] - held > OTHER_CASE_MARGIN else None


def release_shares(
    question: str, sources: Sequence[Hit], releases: Mapping[str, str]
) -> dict[str, float] | None:
    """The weighted share of the question's names and words (as the citation checks weigh
    them) that each source's release holds, read whole (`releases` by id, with its title); None
    if a release's text is not at hand. A name in another script than the release's is looked
    for by its consonants (`grounding.written_in`: "Хвана" in "Chun Doo-hwan"), all of them: the
    five letters a key keeps ("Менде" of "Мендельсона") sound like "mandatory" too."""
    asked = Facts.of(question)
    said = Facts(frozenset(), asked.names, asked.words)
    written = {word_key(word): word for word in WORD.findall(question)}
    shares: dict[str, float] = {}
    for hit in sources:
        if hit.release_id not in releases:
            return None
        if hit.release_id not in shares:
            whole = with_release(hit, releases)
            text = SourceText.of_text(whole)
            found, checked = coverage(said, text)
            if other_script := [key for script, key in said.names if script not in text.scripts]:
                skeletons = skeletons_of([whole])
                told = [written_in(written.get(key, key), skeletons) for key in other_script]
                checked += NAME_WEIGHT * sum(tell is not None for tell in told)
                found += NAME_WEIGHT * sum(bool(tell) for tell in told)
            shares[hit.release_id] = found / checked if checked else 0.0
    return shares


def sources_of_release(
    index: Index, question: str, release_id: str, shown: Sequence[Hit], k: int
) -> tuple[Hit, ...]:
    """k paragraphs of one release to answer from: those of it already shown, then its others
    closest to the question."""
    chosen = [hit for hit in shown if hit.release_id == release_id][:k]
    if len(chosen) < k:
        seen = {hit.chunk_id for hit in chosen}
        others = index.search_release(question, release_id, 2 * k)
        chosen += [hit for hit in others if hit.chunk_id not in seen][: k - len(chosen)]
    return tuple(chosen)


def rewritten_follow_up(
    chat_model: BaseChatModel, question: str, history: Sequence[Turn], stop: StopSignal
) -> str:
    """A follow-up rewritten by the model from the recent conversation so it can be searched
    alone (the question itself if there is no conversation, or the rewrite fails)."""
    messages = rewrite_messages(question, history)
    if not messages:
        return question
    rewritten = first_line(
        stream_text(chat_model, messages, max_tokens=96, temperature=0.0, stop=stop)
    ).strip('"“”«»')
    if not rewritten or CANNOT_ANSWER in rewritten:
        return question
    languages = {detect_language(rewritten), detect_language(question)}
    if len(languages - {UNKNOWN}) > 1:
        # A rewrite in another language has usually lost the meaning too; keep the original.
        log.info("follow-up rewrite %r dropped: not in the question's language", rewritten)
        return question
    log.info("follow-up %r rewritten as %r", question, rewritten)
    return rewritten
