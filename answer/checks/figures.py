"""Checks of the figure, or the time, an answer gives for a question asking for one: that it
states one at all (`lacks_the_asked_figure`, `lacks_the_asked_date`), and that it is not the
maximum a plea's release says the law allows, reported as imposed
(`gives_a_maximum_as_imposed`). Each returns True for an answer no reader could rely on;
`answer.answerability.why_unreliable` asks them in turn."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer import dates, grounding
from answer.grounding import Facts
from answer.questions import (
    MAXIMUM,
    AskedFigure,
    asks_for_a_figure,
    asks_for_an_amount,
    figures_for,
    own_figures,
)
from retrieval.dates import asks_for_a_date, asks_for_hours, mentions_a_time, states_hours
from retrieval.sentences import split_sentences
from retrieval.types import Hit

_PENALTY = re.compile(
    r"\b(?:prison|sentenc\w*|fines?|imprison\w*|penalt\w*|probation|"
    r"лишени\w*|тюрьм\w*|штраф\w*|жаза\w*|айыппұл\w*)\b",
    re.IGNORECASE,
)

_RECEIVED = r"\b(?:received|got|was sentenced|получил\w*|приговор\w*)\s+(?:\w+\s+){0,3}"
_RECEIVED_A_MAXIMUM = re.compile(rf"{_RECEIVED}(?:maximum|up to|максимальн)", re.I)


def gives_a_maximum_as_imposed(answer: str, question: str, sources: Sequence[Hit]) -> bool:
    """Whether every figure the answer states beyond the question is one the sources give only
    as a maximum penalty ("faces", "up to" ... and "prison", "fine" ...), never otherwise (a
    plea's release states what the law allows; the small model reports it as imposed:
    "sentenced to 10 years" for "faces a maximum of 10 years"), or the answer says itself the
    one received is a maximum. Not for a question about a maximum or what someone faces."""
    if MAXIMUM.search(question):
        return False
    if any(_RECEIVED_A_MAXIMUM.search(s) for s in split_sentences(answer)):
        return True  # "He received a maximum sentence of up to 35 years"
    figures = own_figures(answer, question)
    if not figures:
        return False
    as_maximum: set[str] = set()
    otherwise: set[str] = set()
    for hit in sources:
        otherwise |= Facts.of(hit.title).numbers
        for sentence in split_sentences(hit.text):
            maximum = MAXIMUM.search(sentence) and _PENALTY.search(sentence)
            (as_maximum if maximum else otherwise).update(Facts.of(sentence).numbers)
    return figures <= as_maximum and not figures & otherwise


# An age as releases and the model write it: "Egbert Kulman, 49, of ...", "a 49-year-old",
# "49-летний", "49 жастағы" (and the model's "49-летін").
_AGE = re.compile(
    r"\b[^\W\d_][\w.'-]*,\s+(\d{1,3}),"
    r"|\b(\d{1,3})[\s-]*(?:years?[\s-]+old|year-old|летн\w*|летін|жас(?:та|тағы|ында|ар)?\b)",
    re.IGNORECASE,
)
# Answers to a question for a figure that state none and still answer ("life in prison", "time
# served", "dozens").
_FIGURE_WORDS = re.compile(
    r"\b(?:life|lifetime|time served|probation|dozens|hundreds|thousands|millions|billions|"
    r"several|пожизненн\w*|условн\w*|десятк\w*|сотн\w*|тысяч\w*|нескольк\w*|өмір\w*|"
    r"ондаған|жүздеген|мыңдаған)\b",
    re.IGNORECASE,
)


def lacks_the_asked_figure(answer: str, question: str) -> bool:
    """Whether a question for a figure ("how many", "how much", "how long", "what sentence",
    "сколько", "какой срок", "қанша") gets an answer that states no figure the question does
    not (no year, for a count or an amount; no length, for "how long"): it names the case,
    writes the question back, lists what the release is about or when it happened ("... failed
    to file returns for 2005 through 2012"), and answers nothing."""
    if not asks_for_a_figure(question) or _FIGURE_WORDS.search(answer):
        return False
    asked = AskedFigure.of(question)
    if asked and asked.kind == "sentence":  # "... filed five years worth of ...": no term imposed
        said = split_sentences(grounding.MARKERS.sub(" ", answer))
        if not any(asked.stated_in(s) or len(s.split()) <= 6 for s in said):  # "30 months."
            return True
    figures = figures_for(answer, question)
    if asks_for_an_amount(question):  # "Kulman, 49, admitted ..." says how old, not how much
        figures -= {match[1] or match[2] for match in _AGE.finditer(answer)}
    return not figures or dates.lacks_the_asked_length(answer, question)


def lacks_the_asked_date(answer: str, question: str) -> bool:
    """Whether a question for a date gets an answer that says no when at all: no figure,
    month, weekday or season ("Өтінімдер қашанға дейін қабылданады?": "Да, олардын
    жариялады [1]."), or a question for hours one that states none ("... жұмыс уақыты
    15.09.2025 жылдын қайырды [1].")."""
    if not asks_for_a_date(question) or asks_for_a_figure(question):
        return False
    said = grounding.MARKERS.sub(" ", answer)
    return not (states_hours(said) if asks_for_hours(question) else mentions_a_time(said))
