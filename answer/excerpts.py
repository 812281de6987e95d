"""The answer prompt: numbered sources, shortened for the model to the sentences of a long
paragraph that hold the question's words, with their neighbours, so the prompt (and the wait
for the first token) stays short; citations still carry the whole paragraph. Then the recent
conversation and the question. Also the prompt that rewrites a follow-up, and the one that has
the model choose the sentence that answers (`quote_candidates`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import cache

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from answer import grounding
from answer.answerability import named_share
from answer.attribution import resolve_citations, with_quotes
from answer.chat_models import StopSignal, stream_text
from answer.questions import MAXIMUM, AskedFigure, asked_sum
from answer.types import Citation, Turn
from prompts import quoted_sentence, render_prompt
from prompts.kazakh import named_sum
from retrieval.sentences import split_sentences
from retrieval.types import Hit
from retrieval.words import content_words

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh"}
_HISTORY_TURNS = 6

GAP = " … "


def excerpt_for_question(text: str, question: str, limit: int) -> str:
    """`text` itself if it fits in `limit` characters; else whole sentences of it, in order,
    marked with "…" where text was left out: first the sentence that matches `question` best,
    then those that hold question words it lacks ("How many hours of community service was the
    Dilkon man ordered to perform?": the sentence naming the man, and the one with the hours),
    then their neighbours, the better matching first.

    A question word counts the less the more sentences hold it (the name every sentence
    repeats tells none apart), and a sentence's match is divided by the square root of its
    length, as BM25 weighs a long document: a long sentence sharing as much as a short one
    took the whole excerpt, and the short one held the answer ("... and the purchase of a 1987
    Porsche.")."""
    if len(text) <= limit:
        return text
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return text[:limit].rstrip() + " …"
    wanted = word_keys(question)
    words, weight = _weighed(sentences, wanted)
    scores = [weight(w) for w in words]
    best = max(range(len(sentences)), key=lambda i: (scores[i] / len(sentences[i]) ** 0.5, -i))
    if len(sentences[best]) > limit:  # one sentence longer than the limit
        cut = sentences[best][:limit].rstrip() + " …"
        return ("… " if best > 0 else "") + cut
    chosen = {best}
    missing = wanted - words[best]
    # Sentences holding question words the chosen ones lack, most new words first.
    while missing:
        gains = {
            i: weight(words[i] & missing)
            for i in range(len(sentences))
            if i not in chosen and _size(sentences, chosen | {i}) <= limit
        }
        extra = max(gains, key=lambda i: (gains[i], scores[i], -i), default=None)
        if extra is None or not gains[extra]:
            break
        chosen.add(extra)
        missing -= words[extra]
    # Then the neighbours, the better matching first (the earlier one on a tie).
    while True:
        neighbours = {j for i in chosen for j in (i - 1, i + 1)} - chosen
        fitting = [
            j
            for j in neighbours
            if 0 <= j < len(sentences) and _size(sentences, chosen | {j}) <= limit
        ]
        if not fitting:
            break
        chosen.add(max(fitting, key=lambda j: (scores[j], -j)))
    return _render(sentences, chosen)


def _weighed(
    sentences: Sequence[str], wanted: set[str]
) -> tuple[list[set[str]], Callable[[set[str]], float]]:
    """Each sentence's question words, and their weight: 1 / (sentences holding it) each."""
    words = [word_keys(s) & wanted for s in sentences]
    held_by = Counter(word for w in words for word in w)
    return words, lambda keys: sum(1 / held_by[word] for word in keys)


def quote_candidates(
    question: str, sources: Sequence[Hit], figure: AskedFigure, across: bool | None = None
) -> list[tuple[int, str]]:
    """The sentences of the sources that state the kind of `figure` the question asks
    for, as (source number, sentence), the best match for the question first (weighed as
    `excerpt_for_question` weighs a paragraph's sentences, over all the sources' sentences);
    none that shares no word with the question. A question in a script none of the sources is
    written in shares no word with any ("Олар қанша өтемақы алады?" over English releases):
    each sentence stating the figure, in the sources' order (`across`: whether it is, where
    known; `across_scripts`)."""
    numbered = [(n, s) for n, hit in enumerate(sources, 1) for s in split_sentences(hit.text)]
    if across is None:
        across = across_scripts(question, sources)
    if across:
        return [(n, s) for n, s in numbered if figure.stated_in(s)]
    words, weight = _weighed([s for _, s in numbered], word_keys(question))
    scores = [weight(w) / len(s) ** 0.5 for w, (_, s) in zip(words, numbered, strict=True)]
    ranked = sorted(range(len(numbered)), key=lambda i: -scores[i])
    return [numbered[i] for i in ranked if scores[i] and figure.stated_in(numbered[i][1])]


def quoted_answer(
    chat_model: BaseChatModel,
    question: str,
    sources: Sequence[Hit],
    releases: Mapping[str, str],
    language: str,
    limit: int,
    stop: StopSignal,
) -> tuple[str, tuple[Citation, ...]] | None:
    """The source sentence the model chooses as the answer to a question for a figure, quoted
    and cited (or None: it chose none, or no sentence states such a figure), among those that
    state the kind of figure asked (`quote_candidates`), and name the sum it asks for by name
    (`asked_sum`: "Какой штраф ...", a fine, not the sum diverted), in sources whose release
    names all the question names. For the question the small model answered wrongly or not at
    all with the answer in view ("one of 9 tribes to participate in the initial ... phase"):
    choosing among a few sentences is what it does reliably."""
    figure = AskedFigure.of(question)
    if figure is None or not limit:
        return None
    names_all = cache(lambda n: named_share(question, [sources[n - 1]], releases) in (None, 1.0))
    across = across_scripts(question, sources)
    stating = quote_candidates(question, sources, figure, across)
    sum_named = asked_sum(question)  # "Какой штраф ...": a sentence naming a fine, not any sum
    stating = [
        (n, s) for n, s in stating if names_all(n) and (not sum_named or sum_named.search(s))
    ]
    candidates = stating[:limit]
    if not candidates:
        return None
    if across and (named := _naming_the_sum(question, stating)) is not None:
        number, sentence = named
    else:
        messages = choice_messages(question, [s for _, s in candidates])
        reply = stream_text(chat_model, messages, max_tokens=4, temperature=0.0, stop=stop)
        if (chosen := chosen_number("".join(reply), len(candidates))) is None:
            return None
        number, sentence = candidates[chosen - 1]
    text, citations = resolve_citations(quoted_sentence(language, sentence, number), sources)
    return text, with_quotes(text, citations, question)


def across_scripts(question: str, sources: Sequence[Hit]) -> bool:
    """Whether the question is written in a script none of the sources is."""
    return grounding.script_shown("", question, sources) is False


def _naming_the_sum(question: str, stating: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """Of the sentences stating a sum, the one naming the sum a question in a script none of
    its sources is written in asks for ("Олар қанша өтемақы алады?", how much compensation:
    "... will pay $50,000 in damages ..."), not as a maximum; None where none or several do,
    or the question names no sum. The small model, asked to choose, chose none for such
    Kazakh questions: it reads too little Kazakh to see that "өтемақы" is "damages"."""
    named = named_sum(question)
    if named is None:
        return None
    naming = [(n, s) for n, s in stating if named.search(s) and not MAXIMUM.search(s)]
    return naming[0] if len(naming) == 1 else None


def choice_messages(question: str, sentences: Sequence[str]) -> list[BaseMessage]:
    """The prompt that has the model choose which of the numbered sentences answers the
    question (its number, or 0)."""
    listed = "\n".join(f"{n}. {s}" for n, s in enumerate(sentences, 1))
    user = render_prompt("choose", sentences=listed, question=question)
    return [SystemMessage(render_prompt("choose_system")), HumanMessage(user)]


def chosen_number(reply: str, count: int) -> int | None:
    """The sentence a reply to `choice_messages` chose (1 .. count), or None (0, or no number)."""
    match = re.search(r"\d+", reply)
    return int(match[0]) if match and 1 <= int(match[0]) <= count else None


def word_keys(text: str) -> set[str]:
    """The text's content words by their first five letters ("agreed" and "agree",
    "sentenced" and "sentence", "Тәжікстанның" and "Тәжікстан" alike)."""
    return {word[:5] for word in content_words(text)}


def _runs(chosen: set[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in sorted(chosen):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _size(sentences: list[str], chosen: set[int]) -> int:
    """The length of the excerpt of these sentences, without the marks at its ends."""
    runs = _runs(chosen)
    text = sum(len(sentences[i]) for i in chosen) + len(chosen) - len(runs)
    return text + len(GAP) * (len(runs) - 1)


def _render(sentences: list[str], chosen: set[int]) -> str:
    runs = _runs(chosen)
    excerpt = GAP.join(" ".join(sentences[i] for i in run) for run in runs)
    head = "… " if runs[0][0] > 0 else ""
    tail = " …" if runs[-1][-1] < len(sentences) - 1 else ""
    return head + excerpt + tail


def recent_turns(history: Sequence[Turn]) -> str:
    """The last turns of the conversation as "User: ..." / "Assistant: ..." lines."""
    turns = [t for t in history if t.content.strip()][-_HISTORY_TURNS:]
    return "\n".join(f"{t.role.capitalize()}: {t.content.strip()}" for t in turns)


def rewrite_messages(question: str, history: Sequence[Turn]) -> list[BaseMessage]:
    """The prompt that rewrites a follow-up as a standalone question from the recent
    conversation; [] without one."""
    conversation = recent_turns(history)
    if not conversation:
        return []
    # A worked example as a chat turn: the small default model follows it far better than
    # instructions alone.
    return [
        SystemMessage(render_prompt("condense_system")),
        HumanMessage(render_prompt("condense_example_question")),
        AIMessage(render_prompt("condense_example_answer")),
        HumanMessage(render_prompt("condense", history=conversation, question=question)),
    ]


def answer_messages(
    question: str,
    whole: str,
    sources: Sequence[Hit],
    language: str,
    history: Sequence[Turn],
    source_chars: int,
) -> list[BaseMessage]:
    """The answer prompt, its sources excerpted (to `source_chars`) for the `whole` question:
    each part's prompt begins alike, and the model reads only what follows them again (its
    prompt cache)."""
    numbered = "\n\n".join(
        _source(number, hit, whole, sources, source_chars) for number, hit in enumerate(sources, 1)
    )
    turns = recent_turns(history)
    user = render_prompt(
        "answer",
        sources=numbered,
        # Prompt files lose their last newlines; the question goes on a line of its own.
        conversation=render_prompt("conversation", turns=turns) + "\n\n" if turns else "",
        question=question,
        language=LANGUAGE_NAMES.get(language, "English"),
    )
    return [SystemMessage(render_prompt("system")), HumanMessage(user)]


def _source(number: int, hit: Hit, question: str, sources: Sequence[Hit], limit: int) -> str:
    """One numbered source of the prompt; a paragraph of a release shown before names that
    source instead of its title and date again (fewer tokens for the model to read)."""
    text = excerpt_for_question(hit.text, question, limit)
    paragraph = str(hit.paragraph + 1)
    first = next(n for n, h in enumerate(sources, 1) if h.release_id == hit.release_id)
    if first < number:
        return render_prompt(
            "source_again", number=str(number), first=str(first), paragraph=paragraph, text=text
        )
    date = hit.date.isoformat() if hit.date else "undated"
    return render_prompt(
        "source", number=str(number), title=hit.title, date=date, paragraph=paragraph, text=text
    )
