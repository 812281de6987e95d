"""A question that joins two ("How much did X take, and for how long did he ...?"): its parts,
asked one after the other over the same sources, and the paragraphs a later part adds to them.
The small default model answered only the first part of such a question (BENCHMARKS.md,
"Questions in two parts"). And the answer to a question in one part, which ends where it has
answered it (`to_the_point`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from answer.answerability import (
    STRAY_NO,
    adds_nothing,
    lacks_the_asked_name,
    without_stray_yes,
)
from answer.attribution import attribute_citations
from answer.checks.figures import lacks_the_asked_date, lacks_the_asked_figure
from answer.excerpts import word_keys
from answer.grounding import CITATION_MARKER, LIST_ITEM, MARKERS, Facts, says_it_is_unstated
from answer.questions import asks_for_a_fact, asks_for_a_figure, asks_for_a_name, offers_a_choice
from answer.sources import find_sources
from answer.types import Turn
from prompts import REFUSAL_LANGUAGES, starts_with_refusal, unanswered_part
from retrieval.dates import asks_for_a_date
from retrieval.index import Index
from retrieval.sentences import sentence_spans, split_sentences
from retrieval.types import Hit, SearchFilters
from retrieval.words import WORD

_ASKING = {
    "en": "how|what|which|who|whom|whose|when|where|why",
    "ru": "сколько|какой|какая|какое|какие|каким|какую|кто|кого|кому|что|чем|где|когда|куда|"
    "почему|как",
    "kk": "қанша|неше|қандай|қай|кім|не|қашан|қайда|қалай",
}
# A verb opens a second question only after a comma (", and did he ..."): "the man who
# pleaded guilty and was sentenced" is one.
_AUXILIARIES = "did|does|do|is|was|were|has|have|had|can|will"
# ... followed by its subject (", and did it ...", ", and does the same source ..."); ", and is
# accused of ..." goes on with the first question's subject.
_SUBJECTS = r"(?:the|a|an|this|that|these|those|it|he|she|they|his|her|its|their|there)\b"
# ", and how long ...", ", and for about how long ...", ", и сколько ...", "және қанша ...":
# the joint that opens a second question (not "fines and forfeitures did ...").
_SECOND_QUESTION = re.compile(
    r"(?:"
    r",?\s+and\s+(?:(?:for|in|at|by|on|under|per|since|to|from|of|with)\s+(?:about\s+)?)?"
    rf"(?:{_ASKING['en']})"
    rf"|,\s+and\s+(?:{_AUXILIARIES})(?=\s+(?:{_SUBJECTS}|(?-i:[A-Z])|\d))"
    rf"|,?\s+[иа]\s+(?:(?:в|на|за|с|со|по|к|от|до|из|у|для|при|о)\s+)?(?:{_ASKING['ru']})"
    rf"|,?\s+(?:және|ал)\s+(?:{_ASKING['kk']})"
    # Kazakh puts the subject or the time first (", және ол қашан ашық?", ", және 1800 жылы кім
    # ...?"): after a comma, a word or two.
    rf"|,\s+(?:және|ал)\s+(?:[^\W_]+\s+){{1,2}}(?:{_ASKING['kk']})"
    r")\b",
    re.IGNORECASE,
)
_FIRST_PART_CHARS = 15
# Two people asked about one by one ("What prison terms did promoters David L. Johnson and
# Michael L. Putnam receive?", "What tax losses did Jon Field and Eric Schilder each cause?"):
# the small model gave both the same figure. Each name is two to four capitalised words or
# initials, and the question says "each" or "respectively", or asks for sentences, terms, fines
# or penalties (one each; "How many patients did he steer to the Sacred Hope and Xpress Center
# clinics?" asks for one count).
_NAME = r"(?:[A-Z][a-z'’-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]\.)){1,3}"
_TWO_NAMES = re.compile(rf"\b({_NAME}) and ({_NAME})\b")
_PER_PERSON = re.compile(r"\b(?:each|respectively|sentences|terms|fines|penalties)\b")


def question_parts(question: str) -> list[str]:
    """The question, or its two questions where it joins a second to the first with "and"
    ("How much did X take, and for how long did he ...?" → "How much did X take?", "For how long
    did he ...?"); the second keeps its pronouns, to be asked after the first. A question about
    two people ("What prison terms did A and B receive?") is asked about each in turn."""
    match = _SECOND_QUESTION.search(question)
    if not match or match.start() < _FIRST_PART_CHARS:
        return _per_person(question)
    first = question[: match.start()].rstrip(" ,;")
    second = question[match.start() :].lstrip(" ,")
    second = second.split(None, 1)[1]  # the joining word
    return [first if first.endswith("?") else f"{first}?", second[:1].upper() + second[1:]]


def _per_person(question: str) -> list[str]:
    """The question once for each of two people it asks a fact of each about, else itself."""
    names = _TWO_NAMES.search(question)
    if not names or not _PER_PERSON.search(question):
        return [question]
    return [
        re.sub(r"\s+(?:each|respectively)\b", "", question.replace(names[0], name))
        for name in (names[1], names[2])
    ]


# "Who were ...", "Кто ещё ...", "Кімдер ...": each of several may get a sentence of its own.
_ASKS_FOR_SEVERAL = re.compile(
    r"\bwho (?:were|are|else)\b|\bкто (?:были|ещё|еще|также)\b|\bкімдер", re.IGNORECASE
)


def to_the_point(answer: str, question: str) -> str:
    """The answer to a question for a fact, in one part, up to the first sentence that answers
    it with a citation; for a question asking for no figure, date or name ("What did the
    ministers discuss?"), with the sentences right after it citing only its paragraphs ("They
    reaffirmed their commitment ... [1]."). What follows is the small model's padding ("This
    fine was announced by the Department of Justice on June 25, 2015 [2].", cited to another
    paragraph than the fine's; "The agreement was signed on June 12, 2014." that no source
    holds). Left whole for a question in two parts, one offering a choice or asking for
    several ("Who were ...?"), and an answer that is a list."""
    end = _answered_at(answer, question)
    return answer if end is None else answer[:end]


class AnswerEnd:
    """The end of a reply as the model writes it (`to_the_point`), so that the model can stop
    there and what would be cut is not shown. The reply's markers are checked as the finished
    answer's are, against the `whole` question (`attribute_citations`)."""

    def __init__(self, question: str, sources: Sequence[Hit], whole: str, *, cut: bool) -> None:
        """`cut`: whether the answer is cut at all (else the model writes to its end)."""
        self._question, self._sources, self._whole, self._active = question, sources, whole, cut
        self._one = _asks_for_one(question)  # its answering sentence ends the answer
        self._finished: str | None = None
        self._found = self._cut = False  # an answering sentence; a sentence cut after it
        self._shown = self._sent = 0  # how much of the reply may be shown; has been

    def reached(self, reply: str, *, complete: bool = False) -> bool:
        """Whether the reply has finished the sentences `to_the_point` keeps, and the model can
        stop: one follows them (for a question asking for a figure, date or name, the answering
        sentence is enough). `complete`: the model has stopped, its last sentence is done."""
        if not self._active:
            self._shown = len(reply)
            return False
        spans = sentence_spans(reply)
        finished = reply if complete else reply[: spans[-1][0]] if len(spans) > 1 else ""
        if finished != self._finished:  # attributed once per finished sentence
            self._finished = finished
            written = without_stray_yes(finished.strip(), self._question)
            text = attribute_citations(written, self._sources, self._whole).text
            end = _answered_at(text, self._question)
            self._found, self._cut = end is not None, end is not None and bool(text[end:].strip())
        if self._found and (self._cut or (self._one and not complete)):
            return True
        # Past the answering sentence, a sentence is shown once it is known to be kept.
        self._shown = len(finished) if self._found else len(reply)
        return False

    def release(self, reply: str, *, complete: bool = False) -> str:
        """What of the reply `reached` has judged may be shown that was not before (all that is
        kept, once the model has stopped: `complete`)."""
        if complete:
            self.reached(reply, complete=True)  # a sentence cut leaves nothing more to show
        shown, self._sent = reply[self._sent : self._shown], max(self._sent, self._shown)
        return shown


def _answered_at(answer: str, question: str) -> int | None:
    """Where the first sentence that answers a question for a fact ends, or the sentences after
    it citing only its paragraphs (`to_the_point`)."""
    if (
        not asks_for_a_fact(question)
        or offers_a_choice(question)
        or len(question_parts(question)) > 1
        or _ASKS_FOR_SEVERAL.search(question)
        or LIST_ITEM.search(answer)
    ):
        return None
    spans = sentence_spans(answer)
    for at, (start, end) in enumerate(spans):
        sentence = answer[start:end]
        if CITATION_MARKER.search(sentence) and _answers(sentence, question):
            own = set(CITATION_MARKER.findall(sentence))
            for later_start, later_end in [] if _asks_for_one(question) else spans[at + 1 :]:
                cited = set(CITATION_MARKER.findall(answer[later_start:later_end]))
                if not cited or not cited <= own:
                    break
                end = later_end
            return end
    return None


def _answers(sentence: str, question: str) -> bool:
    """Whether the sentence says something the question does not, and the figure, date or name
    it asks for; for another question ("Where ...?", "What did ... agree to?"), one that also
    holds half of its words: the small model answers by writing the question back with the
    answer in it, and a sentence that does not ("The Ducey brothers pleaded guilty to a
    multi-state scheme [1]." for "... Индиананың қай қаласында орналасқан?") may only lead up to
    the answer."""
    if adds_nothing(sentence, question):
        return False
    if _asks_for_one(question):
        return not (
            lacks_the_asked_figure(sentence, question)
            or lacks_the_asked_date(sentence, question)
            or lacks_the_asked_name(sentence, question)
        )
    asked = word_keys(question)
    return len(word_keys(CITATION_MARKER.sub(" ", sentence)) & asked) >= len(asked) / 2


def _asks_for_one(question: str) -> bool:
    """Whether the question asks for a figure, a date or a name."""
    return asks_for_a_figure(question) or asks_for_a_name(question) or asks_for_a_date(question)


def says_nothing_new(answer: str, reply: str, question: str) -> bool:
    """Whether a later part's answer adds nothing to the reply so far, though not word for word
    (`new_sentences`): to a question for a fact it opens with "No," ("Нет,", "Жоқ,"), answering
    another question ("When is it open?" got "No, the Ministry did not open the centre on 15
    September 2025.", after the answer that it did); or to a question for a figure or a date it
    states only figures the reply has ("..., және ол қашан ашық?", when is it open, got the
    first part's "40,000 адамға" again in other words)."""
    if asks_for_a_fact(question) and STRAY_NO.match(answer):
        return True
    if not (asks_for_a_figure(question) or asks_for_a_date(question)):
        return False
    stated = Facts.of(answer).numbers
    return bool(stated) and stated <= Facts.of(reply).numbers


# How many of the leading release's paragraphs closest to a part may be added for it.
PART_POOL = 3


def with_each_part(
    index: Index,
    parts: Sequence[str],
    history: Sequence[Turn],
    sources: tuple[Hit, ...],
    filters: SearchFilters,
    today: dt.date,
    min_score: float,
) -> tuple[Hit, ...]:
    """The sources found for the whole question and, for a question in parts, one paragraph
    more for each part that they lack (scoring at least `min_score` against the whole
    question): of the `PART_POOL` paragraphs of the first source's release that the part alone
    comes closest to, the first not among them; for a later part, the best paragraph found
    searching it as a follow-up to the part before it (its pronouns are that part's) is taken
    before the release's second and third closest. The whole question's search often finds
    one part's paragraph only: "..., and for how long must his companies run fair-housing
    self-testing?" got an answer from another paragraph; "..., and what PCB level did his
    October 2009 tests show?" and "What prison terms did A and B receive?" had the other
    part's paragraphs only (BENCHMARKS.md, "Each part's own paragraph")."""
    if not sources or len(parts) < 2:
        return sources
    whole = " ".join(parts)
    for n, part in enumerate(parts):
        closest = index.search_release(
            part, sources[0].release_id, PART_POOL, filters, scored_by=whole
        )
        found = closest[:1]
        if n:
            history_then = [*history, Turn("user", parts[n - 1])]
            found += find_sources(index, part, history_then, len(sources), filters, today).hits
        held = {hit.chunk_id for hit in sources}
        sources += tuple(
            hit
            for hit in found + closest[1:]
            if hit.chunk_id not in held and hit.score >= min_score
        )[:1]
    return sources


# Markers (and the prompt's "[n]", which the model copies) may follow the full stop.
_SENTENCE_END = re.compile(r"[.!?…](?:[\s,]*\[(?:\d+(?:\s*,\s*\d+)*|[nN])\])*\s*$")


def between_parts(reply: str) -> str:
    """A space before the next part's reply; a full stop first where the reply lacks one."""
    if not reply:
        return ""
    return " " if _SENTENCE_END.search(reply) else ". "


def new_sentences(written: str, reply: str) -> str:
    """A part's reply without the sentences the reply so far has word for word ("$625,000 [1]"
    twice; "В рамках этого процесса ..." again after the first part's)."""
    if not reply:
        return written
    sentences = split_sentences(written)
    seen = _words(reply)
    kept = [s for s in sentences if _words(s) not in seen]
    return written if len(kept) == len(sentences) else " ".join(kept)


def answers_the_part(reply: str) -> bool:
    """Whether a part's reply (its new sentences) answers it: not the model's "no answer", nor
    only sentences saying the sources do not state it ("The director of the consular centre
    is not mentioned in the given press release. [2][3]", which the checks then drop)."""
    if not reply or starts_with_refusal(reply):
        return False
    return not all(says_it_is_unstated(s) for s in split_sentences(reply))


def part_notes(language: str, unasked: Sequence[str], left: Sequence[str]) -> str:
    """The lines after an answer to some parts of a question: for each part not asked (the
    sources miss what it names), that the releases do not answer it; for each the model left
    unanswered (it said none, or its reply added nothing), that no reliable answer was found.
    A part had been left out without a word ("..., және ол қашан ашық?")."""
    notes = [unanswered_part(language, p) for p in unasked]
    notes += [unanswered_part(language, p, unsure=True) for p in left]
    return "".join(f"\n\n{note}" for note in notes)


def without_part_notes(text: str) -> str:
    """An answer without the lines `part_notes` adds (for scoring the reply: they quote the
    part, whose words are no answer, in the asker's language whatever the reply's)."""
    starts = [
        unanswered_part(language, "\0", unsure=unsure).split("\0")[0]
        for language in REFUSAL_LANGUAGES
        for unsure in (False, True)
    ]
    blocks = text.split("\n\n")
    return "\n\n".join(b for b in blocks if not any(b.startswith(s) for s in starts))


def _words(text: str) -> str:
    """The text's words without markers, a space around each."""
    return f" {' '.join(WORD.findall(MARKERS.sub(' ', text).lower()))} "
