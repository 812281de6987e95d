"""An answer to a Kazakh question said in Kazakh by the question itself (`prompts.kazakh`): the
figure of the kind asked that an answer in the sources' language states, in place of "қанша" /
"неше"; or the name it gives, in place of "қай" / "қандай"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer import grounding
from answer.attribution import resolve_citations, with_quotes
from answer.grounding import MARKERS, Facts, number_key, number_word_value
from answer.questions import MAXIMUM, YEAR, AskedFigure
from answer.types import Citation
from prompts import another_language, other_language
from prompts.kazakh import Bound, Figure, Unit, kazakh_name_statement, kazakh_statement, named_sum
from retrieval.language import detect_language
from retrieval.sentences import split_sentences
from retrieval.types import Hit
from retrieval.words import ALL_STOP_WORDS, WORD, sounds_like

# A figure as an answer in the sources' language states it (English, Russian), to be said in
# Kazakh (`prompts.kazakh`): an amount of dollars, a length of time or a plain number, with the
# words that bound it ("approximately $51 million", "more than 400").
_BOUNDS: dict[str, Bound] = {
    **dict.fromkeys(("approximately", "about", "roughly", "around", "примерно", "около"), "about"),
    **dict.fromkeys(("more than", "over", "более", "свыше"), "over"),
    **dict.fromkeys(("at least", "не менее"), "at least"),
}
_BOUND = rf"(?:\b(?P<bound>{'|'.join(_BOUNDS)})\s+)?"
_SCALE = r"(?P<scale>million|billion|thousand|млн|млрд|миллион\w*|миллиард\w*|тыс\w*)"
_DOLLARS = re.compile(
    rf"{_BOUND}(?:\$\s?(?P<n>\d[\d,.]*\d|\d)(?:\s+{_SCALE})?\b"
    rf"|\b(?P<n2>\d[\d,.]*\d|\d)(?:\s+{_SCALE.replace('scale', 'scale2')})?\.?\s+"
    r"(?:U\.?S\.?\s+)?(?:dollars?|долл\w*))",
    re.IGNORECASE,
)
_TERM = re.compile(
    rf"{_BOUND}\b(?P<n>\d+(?:\.\d+)?|[a-z]+(?:-[a-z]+)?)[\s-]+(?:(?P<year>years?|лет|год\w*)|"
    r"(?P<month>months?|месяц\w*)|(?P<week>weeks?|недел\w*)|(?P<day>days?|дн\w*|день))\b"
    r"(?![\s-]+old)",
    re.IGNORECASE,
)
_TIMES: tuple[Unit, ...] = ("year", "month", "week", "day")
_PLAIN = re.compile(
    rf"{_BOUND}\b(?P<n>\d[\d,.]*\d|\d|[a-z]+(?:-[a-z]+)?)(?:\s+{_SCALE})?\b", re.IGNORECASE
)
# A name as English writes it: capitalised words, joined by "of" ("Bureau of Prisons").
_NAME = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’-]*)*")
# Where a sentence gives a prison term and supervised release, the term is the sentence asked.
_IMPRISONED = re.compile(r"prison|imprisonment|incarcerat|jail|тюр|колони|лишени", re.IGNORECASE)


def _figure(match: re.Match[str]) -> Figure | None:
    """The figure a match of `_DOLLARS`, `_TERM` or `_PLAIN` states; None for no number."""
    groups = match.groupdict()
    number = groups.get("n") or groups.get("n2") or ""
    digits = number_word_value(number.lower()) if number[:1].isalpha() else number_key(number)
    if digits is None:
        return None
    scale = grounding.scale_name(groups.get("scale") or groups.get("scale2") or "")
    unit: Unit = "USD" if match.re is _DOLLARS else next((u for u in _TIMES if groups.get(u)), "")
    return Figure(digits, scale, unit, _BOUNDS.get((groups["bound"] or "").lower(), ""))


def stated_figures(
    sentence: str, question: str, asked: AskedFigure
) -> dict[Figure, tuple[int, int]]:
    """The figures of the kind asked that an answer's sentence states, with their spans: prison
    terms (supervised release only where there is none), amounts of dollars, or other numbers
    than dollars, times, years, markers and the question's own."""
    sentence = MARKERS.sub(lambda m: " " * len(m[0]), sentence)
    dollars = list(_DOLLARS.finditer(sentence))
    if asked.kind == "sentence":
        terms = [
            m
            for m in _TERM.finditer(sentence)
            if not MAXIMUM.search(sentence[max(0, m.start() - 40) : m.start()])
        ]
        imprisoned = [m for m in terms if _IMPRISONED.search(sentence[m.end() : m.end() + 30])]
        found = imprisoned or terms
    elif asked.kind == "money":
        found = dollars
    else:  # not "$5,000" for "how many people", nor "5 years" for "how much time"
        found = _plain_numbers(sentence, question, [*dollars, *_TERM.finditer(sentence)])
        # Of several counts, those followed by what the question counts.
        found = [m for m in found if asked.counted_after(sentence[m.end() :])] or found
    return {figure: m.span() for m in reversed(found) if (figure := _figure(m))}


def _plain_numbers(
    sentence: str, question: str, others: list[re.Match[str]]
) -> list[re.Match[str]]:
    taken = {i for m in others for i in range(*m.span())}
    stated = Facts.of(question).numbers
    return [
        m
        for m in _PLAIN.finditer(sentence)
        if m.start("n") not in taken
        and (figure := _figure(m)) is not None
        and not YEAR.fullmatch(m["n"])  # "in 2015", not "2,000 visitors"
        and figure.amount not in stated
    ]


def _named_as(
    named: re.Pattern[str], figures: dict[Figure, tuple[int, int]], sentence: str
) -> dict[Figure, tuple[int, int]]:
    """Of several sums, those the words right after name as the sum asked ("$50,000 in damages
    and $10,000 in civil penalties"), else those the words right before do ("civil penalties
    totaling $350,000, including $87,500 for LDEQ")."""
    after = {f: (a, b) for f, (a, b) in figures.items() if named.search(sentence[b : b + 25])}
    return after or {
        f: (a, b) for f, (a, b) in figures.items() if named.search(sentence[max(0, a - 25) : a])
    }


def in_kazakh(
    answer: str, sources: Sequence[Hit], question: str, language: str
) -> tuple[str, tuple[Citation, ...]] | None:
    """The answer to a Kazakh question for a figure, written in another language, said in
    Kazakh by the question (`prompts.kazakh`): the figure of the first cited sentence stating
    one of the kind asked, cited to those of its sources that state it (else to the first that
    does); None where that sentence states several, or the question cannot take it. For a
    question for a name ("қай", "қандай"), `_name_in_kazakh`."""
    asked = AskedFigure.of(question)
    body = answer.removeprefix(other_language("kk")).removesuffix(another_language("kk"))
    if language != "kk" or detect_language(body) == "kk":
        return None
    if asked is None:
        return _name_in_kazakh(body, sources, question)
    for sentence in split_sentences(body):
        cited = [int(n) for marker in MARKERS.findall(sentence) for n in re.findall(r"\d+", marker)]
        if not cited or not (figures := stated_figures(sentence, question, asked)):
            continue
        if len(figures) > 1 and (named := named_sum(question)):
            figures = _named_as(named, figures, sentence)
        if len(figures) != 1:
            return None
        figure = next(iter(figures))
        key = number_key(figure.amount, figure.scale or None)
        holding = [n for n, hit in enumerate(sources, 1) if key in Facts.of(hit.text).numbers]
        chosen = [n for n in dict.fromkeys(cited) if n in holding] or holding[:1]
        markers = "".join(f"[{n}]" for n in chosen)
        if not chosen or not (statement := kazakh_statement(question, figure, sentence, markers)):
            return None
        return statement, with_quotes(statement, resolve_citations(statement, sources)[1], question)
    return None


def _name_in_kazakh(
    body: str, sources: Sequence[Hit], question: str
) -> tuple[str, tuple[Citation, ...]] | None:
    """The question with the name the answer gives in place of its "қай" / "қандай": of the
    cited sentences that add one name to those of the question, the first of those whose names
    write most of the question's words; None where none does (a sentence adding several,
    "PurpleLotus, GoldenLotus and CouponKing", tells no one name)."""
    # The question's words a name can write: its Latin ones and its capitalised Cyrillic ones
    # ("мейрамханасы", restaurant, sounds like "Americans").
    asked = [w for w in WORD.findall(question) if len(w) > 2 and (w.isascii() or w[0].isupper())]
    best: tuple[int, str, str] = (0, "", "")
    for sentence in split_sentences(body):
        if not MARKERS.search(sentence):
            continue
        names = [n[0].removeprefix("The ") for n in _NAME.finditer(MARKERS.sub(" ", sentence))]
        names = [n for n in names if n.lower() not in ALL_STOP_WORDS and not _is_acronym(n)]
        # The question's words each name writes (none: a name the answer adds).
        writes = {n: {w for w in asked for p in n.split() if sounds_like(w, p)} for n in names}
        written = set().union(*writes.values())
        new = [n for n in names if not writes[n]]
        if len(new) == 1 and len(written) > best[0]:
            best = (len(written), new[0], sentence)
    _, name, sentence = best
    markers = "".join(MARKERS.findall(sentence))
    if not name or not (statement := kazakh_name_statement(question, name, markers)):
        return None
    return statement, with_quotes(statement, resolve_citations(statement, sources)[1], question)


def _is_acronym(name: str) -> bool:
    return name.replace(".", "").replace(" ", "").isupper()
