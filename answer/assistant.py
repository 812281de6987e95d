"""Answering: retrieve (a follow-up with the asker's previous question, or rewritten by the model
first), ask the model with numbered sources, check the answer against them (ask again over one
release if it came from another case's), quote the sentence each citation is for; where no answer
passed, quote the source sentence the model chooses, or refuse naming the closest releases; say
in Kazakh (`answer.kazakh`). `Assistant.from_settings` is the composition point of the stack."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal, assert_never

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from answer.answerability import (
    is_answerable,
    refusal_with_closest,
    why_unreliable,
    without_stray_yes,
)
from answer.attribution import attribute_citations, resolve_citations, with_quotes
from answer.chat_models import (
    FakeChatModel,
    StopSignal,
    chat_openai,
    loop_start,
    model_name,
    stream_text,
)
from answer.excerpts import answer_messages, quoted_answer
from answer.grounding import has_words
from answer.kazakh.statements import in_kazakh
from answer.parts import (
    AnswerEnd,
    answers_the_part,
    between_parts,
    new_sentences,
    part_notes,
    question_parts,
    says_nothing_new,
    to_the_point,
    with_each_part,
)
from answer.questions import another_language_note, has_subject, question_language
from answer.sources import (
    find_sources,
    release_asked_about,
    rewritten_follow_up,
    sources_of_release,
)
from answer.types import (
    Answer,
    AnswerDone,
    AnswerEvent,
    AnswerToken,
    Citation,
    SourcesFound,
    Turn,
    final_answer,
)
from prompts import (
    CANNOT_ANSWER,
    ask_for_more,
    may_become_refusal,
    other_language,
    other_release,
    prompt_echo_start,
    refusal,
    starts_with_refusal,
)
from retrieval.errors import PresschatError
from retrieval.index import Index
from retrieval.language import UNKNOWN, sources_language
from retrieval.settings import Settings
from retrieval.types import Hit, SearchFilters

log = logging.getLogger(__name__)

Verdict = Literal["answered", "cannot", "unsure"]
Reply = tuple[Verdict, str, tuple[Citation, ...], list[str]]  # list: parts left unanswered


def build_chat_model(settings: Settings, *, stop_signal: StopSignal | None = None) -> BaseChatModel:
    """The chat model the settings name. The local one also checks `stop_signal` while it
    waits for its turn, so that a stop does not wait for queued prompts to be read."""
    if settings.llm == "local":
        from answer.local_llm import LlamaCppChatModel

        return LlamaCppChatModel.from_settings(settings, stop_signal=stop_signal)
    if settings.llm == "openai":
        return chat_openai(settings)
    if settings.llm == "fake":
        return FakeChatModel()
    assert_never(settings.llm)


class Assistant:
    """Answers questions about the releases in an index with any LangChain chat model."""

    def __init__(
        self,
        index: Index,
        chat_model: BaseChatModel,
        settings: Settings,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        stop_signal: StopSignal | None = None,
    ) -> None:
        self.index = index
        self.chat_model = chat_model
        self.settings = settings
        self.stop_signal = stop_signal or StopSignal()
        self._today = today

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        index: Index | None = None,
        chat_model: BaseChatModel | None = None,
    ) -> Assistant:
        """Build the index and the chat model the settings name, except those passed in."""
        stop_signal = StopSignal()
        return cls(
            index or Index.from_settings(settings),
            chat_model or build_chat_model(settings, stop_signal=stop_signal),
            settings,
            stop_signal=stop_signal,
        )

    @property
    def model_name(self) -> str:
        """Which model answers, for logs and the API."""
        return model_name(self.chat_model)

    def stop(self, reason: str) -> None:
        """End the answers being written at their next token, and refuse new ones, with
        `reason` as the error (a server shutting down calls this)."""
        log.info("stopping answers: %s", reason)
        self.stop_signal.stop(reason)

    def ask(
        self, question: str, history: Sequence[Turn] = (), filters: SearchFilters | None = None
    ) -> Answer:
        """The complete answer (the last event of `stream`)."""
        return final_answer(self.stream(question, history, filters))

    def stream(
        self, question: str, history: Sequence[Turn] = (), filters: SearchFilters | None = None
    ) -> Iterator[AnswerEvent]:
        """SourcesFound once retrieval is done, AnswerToken pieces as the model writes, then
        AnswerDone with the checked answer. Raises BackendError if the model fails."""
        question = question.strip()
        if not question:
            raise PresschatError("the question is empty")
        language = question_language(question, history)
        if not history and not has_subject(question):
            # "Когда?" opening a conversation was answered from some release: ask what about.
            filters = filters or SearchFilters()
            yield SourcesFound((), question, filters)
            reply = ask_for_more(language)
            yield AnswerDone(Answer(question, question, language, reply, (), (), True, filters))
            return
        rewrite = self.settings.follow_ups == "rewrite"
        standalone = self.standalone_question(question, history) if rewrite else question
        k, today, filters = self.settings.answer_sources, self._today(), filters or SearchFilters()
        found = find_sources(self.index, standalone, history, k, filters, today)
        floor = self.settings.min_score
        sources = tuple(h for h in found.hits if h.score >= floor)
        # A new topic without the conversation before (with it, a "space programme" was invented).
        conversation = () if rewrite or found.moved_on else history
        parts = question_parts(standalone)
        sources = with_each_part(
            self.index, parts, conversation, sources, found.filters, today, floor
        )
        yield from self.answer_from_sources(
            question,
            sources,
            language=language,
            standalone=standalone,
            filters=found.filters,
            history=conversation,
        )

    def ask_with_sources(self, question: str, sources: Sequence[Hit]) -> Answer:
        """The complete answer from given paragraphs, without retrieval."""
        language = question_language(question, ())
        return final_answer(self.answer_from_sources(question, sources, language=language))

    def answer_from_sources(
        self,
        question: str,
        sources: Sequence[Hit],
        *,
        language: str,
        standalone: str | None = None,
        filters: SearchFilters | None = None,
        history: Sequence[Turn] = (),
    ) -> Iterator[AnswerEvent]:
        """Answer from the given paragraphs, skipping retrieval (also used to evaluate the model
        on gold evidence); `history` goes into the prompt. Events as in `stream`."""
        standalone = standalone or question
        filters = filters or SearchFilters()
        shown: tuple[Hit, ...] = tuple(sources)  # the answer's: another release's if asked again
        yield SourcesFound(shown, standalone, filters)

        def finish(text: str, refused: bool, citations: tuple[Citation, ...] = ()) -> AnswerDone:
            return AnswerDone(
                Answer(question, standalone, language, text, citations, shown, refused, filters)
            )

        if not shown:
            yield finish(refusal(language), True)
            return
        check = self.settings.check_answers
        releases = self.index.release_texts(shown) if check else {}
        parts = question_parts(standalone)
        # A part naming what no source holds ("..., and how many in 1800?"): unasked, and said so.
        unasked = [p for p in parts if check and not is_answerable(p, shown, releases=releases)]
        if len(unasked) == len(parts):
            log.info("refused without the model: the sources miss what %r names", standalone)
            yield finish(refusal_with_closest(language, shown), True)
            return
        asked = [p for p in parts if p not in unasked]
        retry_in = self.settings.retry_in_source_language
        other = sources_language(shown[:1]) if language in retry_in else UNKNOWN
        retrying = other not in (language, UNKNOWN)
        verdict, text, citations, left = yield from self._reply(
            asked, standalone, shown, language, history, releases
        )
        cited = [shown[c.number - 1] for c in citations]  # none unless it answered
        if other_case := release_asked_about(standalone, shown, cited, releases):
            # An answer from another case's release (another Sandipkumar Patel's): asked again.
            log.info("answer cited a release about another case; asked over %s", other_case)
            shown = sources_of_release(self.index, standalone, other_case, shown, len(shown))
            yield AnswerToken(f"\n\n{other_release(language)}\n\n")
            verdict, text, citations, left = yield from self._reply(
                asked, standalone, shown, language, history, releases
            )
        if verdict == "unsure" and retrying:
            # Its Kazakh is poor (it writes the question back); asked in English, the model answers.
            lead = f"{other_language(language)}\n\n"
            log.info("answer in %s failed the checks; asked in %s", language, other)
            yield AnswerToken(f"\n\n{lead}")
            verdict, text, citations, left = yield from self._reply(
                asked, standalone, shown, other, history, releases
            )
            text = lead + text
            if verdict == "cannot":  # the first reply answered: the sources may hold it
                verdict = "unsure"
        focus = self.settings.retry_source_chars
        first = verdict  # the model's "none" too: it missed "$3.3 million" among dates and names
        doubted = first == "unsure" or (first == "cannot" and check)
        if doubted and focus and any(len(hit.text) > focus for hit in shown):
            # Once more over the sentences nearest the question: the figure beside its words.
            lead, again = (f"{other_language(language)}\n\n", other) if retrying else ("", language)
            log.info("reply %s; asked again over the sentences nearest it", first)
            yield AnswerToken(f"\n\n{lead}")
            verdict, text, citations, left = yield from self._reply(
                asked, standalone, shown, again, history, releases, source_chars=focus
            )
            text, verdict = lead + text, "unsure" if verdict == "cannot" != first else verdict
            cited = [shown[c.number - 1] for c in citations]  # another case's, as above: doubted
            if verdict == "answered" and release_asked_about(standalone, shown, cited, releases):
                verdict = "unsure"
        quote, limit = None, self.settings.quote_sentences if check and len(parts) == 1 else 0
        if verdict != "answered" and limit:  # the sentence the model chooses, where it wrote none
            model, stop = self.chat_model, self.stop_signal
            quote = quoted_answer(model, standalone, shown, releases, language, limit, stop)
        if not quote and verdict != "answered":
            yield finish(refusal_with_closest(language, shown, unsure=verdict == "unsure"), True)
            return
        if quote:  # not streamed: it replaces the text shown, as a refusal does
            text, quoted = quote
        else:
            quoted = with_quotes(text, citations, standalone)
            if said := part_notes(language, unasked, left) + another_language_note(text, language):
                yield AnswerToken(said)
                text += said
        if len(parts) == 1 and (kazakh := in_kazakh(text, shown, standalone, language)):
            if not quote:  # streamed after the answer it says in Kazakh, by the question
                yield AnswerToken(f"\n\n{kazakh[0]}")
            text, quoted = kazakh
        yield finish(text, False, quoted)

    def _reply(
        self,
        parts: Sequence[str],
        standalone: str,
        sources: tuple[Hit, ...],
        language: str,
        history: Sequence[Turn],
        releases: Mapping[str, str],
        *,
        source_chars: int | None = None,
    ) -> Generator[AnswerEvent, None, Reply]:
        """Stream the model's answer to each part in `language`, its sources cut to
        `source_chars` (the settings' by default); return whether it answered (else "cannot":
        it said the sources do not hold the answer; "unsure": its answer failed the checks) with
        the checked text, its citations, the parts left out."""
        source_chars = source_chars or self.settings.source_chars
        reply, left = "", []
        turns = list(history)
        one = len(parts) == 1 and self.settings.check_answers  # ends where it has answered
        for n, part in enumerate(parts):
            # Each part after the one before, as a follow-up (the model answered the first only);
            # once more without the reply where it writes it (or its figures) again or a "No, ...".
            between = between_parts(reply)
            for before in (turns, [*history, *(Turn("user", p) for p in parts[:n])]):
                written = yield from self._write(
                    answer_messages(part, standalone, sources, language, before, source_chars),
                    part,
                    between,
                    AnswerEnd(part, sources, standalone, cut=one),
                )
                new = new_sentences(without_stray_yes(written.strip(), part), reply)
                if reply and says_nothing_new(written, reply, part):  # "No, ...", or a copy
                    new = ""
                if new or not reply or starts_with_refusal(written):
                    break
                log.info("the reply to %r added nothing (or a stray 'No'); asked once more", part)
            turns += [Turn("user", part), Turn("assistant", written)]
            if answers_the_part(new):
                reply += between + new
            else:
                left.append(part)
        reply = reply or CANNOT_ANSWER
        text = reply.replace(CANNOT_ANSWER, "").strip()  # each part's stray "Yes," is gone
        unreliable = None
        if self.settings.check_answers:
            checked = attribute_citations(text, sources, standalone)
            if one:
                checked = replace(checked, text=to_the_point(checked.text, parts[0]))
            unreliable = why_unreliable(checked, standalone, sources, releases, language, history)
            text = checked.text
        text, citations = resolve_citations(text, sources)
        if starts_with_refusal(reply) or (CANNOT_ANSWER in reply and not citations):
            return "cannot", "", (), []
        if unreliable or not has_words(text) or (self.settings.check_answers and not citations):
            # Nothing a reader could check: the refusal does not claim the releases lack it.
            log.info("refused %r: %s", reply, unreliable or "no words, or no citation")
            return "unsure", "", (), []
        return "answered", text, citations, left

    def _write(
        self, messages: list[BaseMessage], question: str, separator: str, end: AnswerEnd
    ) -> Generator[AnswerEvent, None, str]:
        """Stream one reply of the model and return its text: CANNOT_ANSWER where the model
        leant towards it past the operator's threshold. `separator` goes before the first piece
        shown. The model stops at the answer's `end`, and what it would cut is not shown."""
        reply = ""
        held = True  # hold output back while it may still turn out to be the refusal token
        info: dict[str, Any] = {}
        pieces = stream_text(
            self.chat_model,
            messages,
            max_tokens=self.settings.llm_max_tokens,
            temperature=self.settings.llm_temperature,
            stop=self.stop_signal,
            watch_first_token=CANNOT_ANSWER,
            info=info,
        )
        for piece in pieces:
            reply += piece
            ends = (loop_start(reply), prompt_echo_start(reply))
            cut = min((at for at in ends if at is not None), default=None)
            if cut is not None:
                # Ends the generation now; what came before is checked as any reply.
                log.info("stopped a reply that repeats itself or the prompt: %r", reply[cut:][:80])
                pieces.close()
                return reply[:cut]
            if end.reached(reply):  # what follows would be cut (`to_the_point`)
                pieces.close()
                return reply
            if (
                held
                and info.get("first_token_probability", 0.0) >= self.settings.refusal_probability
            ):
                # Leant towards "no answer" past an operator's threshold (off by default).
                return CANNOT_ANSWER
            if held:
                # Hold while the reply may become the token, and for good once it starts with it;
                # and while it is only a stray "Yes," (removed from an answer to "what ...?").
                if may_become_refusal(reply) or not has_words(without_stray_yes(reply, question)):
                    continue
                held = False
                yield AnswerToken(separator + without_stray_yes(end.release(reply), question))
            elif piece := end.release(reply):
                yield AnswerToken(piece)
        if not held and (rest := end.release(reply, complete=True)):
            yield AnswerToken(rest)
        return reply

    def standalone_question(self, question: str, history: Sequence[Turn]) -> str:
        """A follow-up rewritten from the recent conversation so it can be searched alone."""
        return rewritten_follow_up(self.chat_model, question, history, self.stop_signal)
