"""A Kazakh question for a figure or a name, answered in Kazakh by the question itself.

Kazakh asks in place: "Ричард Мердок неше айға түрмеге кесілді?" is answered "Ричард Мердок 30
айға түрмеге кесілді." The small default model writes Kazakh poorly (BENCHMARKS.md, "Kazakh
answers said by the question"); where its answer in the sources' language states the figure
asked for, the question with the figure in place of "қанша" / "неше" says it in Kazakh, with no
word the model wrote; so does the question with the name given in place of "қай" / "қандай"
(which, what), in the letters the release writes it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

Unit = Literal["", "USD", "year", "month", "week", "day"]
Bound = Literal["", "about", "over", "at least"]

# Kazakh words for the units and scales a figure is written with, and each one's ablative
# ("миллионнан", from a million), which "over" needs: "3 миллионнан астам" (more than 3 million).
_UNIT_WORDS = {"USD": "АҚШ доллары", "year": "жыл", "month": "ай", "week": "апта", "day": "күн"}
_SCALE_WORDS = {"thousand": "мың", "million": "миллион", "billion": "миллиард"}
_ABLATIVE = {
    "мың": "мыңнан",
    "миллион": "миллионнан",
    "миллиард": "миллиардтан",
    "доллары": "долларынан",
    "жыл": "жылдан",
    "ай": "айдан",
    "апта": "аптадан",
    "күн": "күннен",
}
# The unit a Kazakh question names after its question word ("неше айға", for how many months;
# not "айыппұл", a fine).
_ASKED_UNIT = re.compile(r"(ай|жыл|апта|күн)(?:ға|ге|да|де|дан|ден|дық|лық|ы|і|ына|іне)?")
_ASKED_UNITS: dict[str, Unit] = {"ай": "month", "жыл": "year", "апта": "week", "күн": "day"}
_MONTHS_IN = {"year": 12, "month": 1}
# What a sum asked for is ("қанша айыппұл", how large a fine): the statement says it, so the
# answer's sentence must name it in its own language ("... agreed to invest approximately $150
# million" answers no "how large a civil penalty").
_SUMS = {
    "айыппұл": re.compile(r"penalt|fine|штраф", re.IGNORECASE),
    "өтемақы": re.compile(r"damages|compensat|restitution|компенсац|возмещ", re.IGNORECASE),
    "пара": re.compile(r"brib|kickback|corrupt|взятк", re.IGNORECASE),
    "пайда": re.compile(r"profit|gain|proceeds|прибыл|доход", re.IGNORECASE),
    "айналым": re.compile(r"turnover|оборот", re.IGNORECASE),
}
_ASKING = re.compile(r"\b(?:қанша|неше)\b", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")
_ASKING_WHICH = re.compile(r"\b(?:қай|қандай)\b", re.IGNORECASE)
_ASKING_WHAT = re.compile(r"\bқандай\b", re.IGNORECASE)  # "қандай айыппұл", what fine
# What "қай" asks when it asks for a time ("қай жылы", in which year; "қай күнге дейін").
_WHEN = re.compile(r"жыл|күн|ай(?:да|ы)?$|уақыт|кез|сағат|мерзім")


@dataclass(frozen=True)
class Figure:
    """A figure as an answer states it: `amount` in digits ("445000", "1.3"), times its
    `scale` ("million"), counting its `unit` ("USD", "month"; "" for a count), within its
    `bound` ("about", "over", "at least"; "" where it is exact)."""

    amount: str
    scale: str = ""
    unit: Unit = ""
    bound: Bound = ""


def kazakh_statement(question: str, figure: Figure, sentence: str, markers: str) -> str | None:
    """The Kazakh question with the figure that the answer's sentence states in place of its
    one question word, as a statement ending in the sentence's citation markers; None where the
    question has no such word, the figure cannot be said in its place (a count of months asked
    in years), or the sentence does not name the sum asked for."""
    asking = list(_ASKING.finditer(question))
    named = named_sum(question)
    if not asking and figure.unit == "USD" and named:  # "қандай айналым", what turnover: a sum
        asking = list(_ASKING_WHAT.finditer(question))
    if len(asking) != 1:
        return None
    start, end = asking[0].span()
    if figure.unit == "USD" and named and not named.search(sentence):
        return None
    if figure.bound == "about" and question[:start].rstrip().lower().endswith("шамамен"):
        figure = replace(figure, bound="")  # "шамамен қанша": "about" is the question's already
    after = _NEXT_WORD.match(question, end)
    next_word = after[1].lower() if after else ""
    asked = _ASKED_UNIT.fullmatch(next_word)
    asked_unit = _ASKED_UNITS[asked[1]] if asked else None
    if figure.unit == "USD":
        if next_word.startswith("доллар"):  # "қанша долларға": the number in its place
            said = _said(replace(figure, unit=""))
        elif next_word.startswith("ақша") and after:  # "қанша ақша": the amount for both words
            said, end = _said(figure), after.end()
        else:  # "қанша айыппұл": "... доллары көлемінде айыппұл", "... долларынан астам айыппұл"
            said = _said(figure)
            plain = said is None or figure.bound == "over" or next_word.startswith("сома")
            said = said if plain else f"{said} көлемінде"
    elif figure.unit and asked_unit:  # "неше айға": the number of the question's unit
        said = _said(_in_unit(figure, asked_unit), with_unit=False)
    elif figure.unit:  # "қанша мерзімге": "1 жыл мерзімге"
        said = _said(figure)
    else:  # a count: the question names what it counts ("неше студент")
        said = _said(figure, with_unit=False)
    if said is None:
        return None
    statement = f"{question[:start]}{said}{question[end:]}".strip().rstrip("?").rstrip()
    return f"{statement[:1].upper()}{statement[1:]} {markers}."


def kazakh_name_statement(question: str, name: str, markers: str) -> str | None:
    """The Kazakh question with the name an answer gives in place of its one "қай" or "қандай"
    (which, what), as a statement ending in the citation markers: "... зауыты Индиананың қай
    қаласында орналасқан?" with Middletown is "... зауыты Индиананың Middletown қаласында
    орналасқан [1]."; None where it has no such word or several, or asks when ("қай жылы")."""
    asking = list(_ASKING_WHICH.finditer(question))
    if len(asking) != 1 or _ASKING.search(question):
        return None
    start, end = asking[0].span()
    after = _NEXT_WORD.match(question, end)
    if not after or _WHEN.match(after[1].lower()):
        return None
    statement = f"{question[:start]}{name}{question[end:]}".strip().rstrip("?").rstrip()
    return f"{statement[:1].upper()}{statement[1:]} {markers}."


def named_sum(question: str) -> re.Pattern[str] | None:
    """What the sum a Kazakh question asks for is ("қанша өтемақы", how much compensation;
    "қандай тауар айналымын", what trade turnover), as the sources' languages say it
    ("damages", "compensation" ...); None where its question word is not followed by one of
    those sums."""
    asking = _ASKING.search(question) or _ASKING_WHAT.search(question)
    after = question[asking.end() :].lower().split()[:2] if asking else []
    return next((p for w in after for stem, p in _SUMS.items() if w.startswith(stem)), None)


def _in_unit(figure: Figure, unit: Unit) -> Figure | None:
    """The figure in another unit of time where it converts exactly (1 year is 12 months)."""
    if figure.unit == unit:
        return figure
    if figure.scale or figure.unit not in _MONTHS_IN or unit not in _MONTHS_IN:
        return None
    months = Decimal(figure.amount) * _MONTHS_IN[figure.unit]
    amount = months / _MONTHS_IN[unit]
    if amount != amount.to_integral_value():
        return None
    return replace(figure, amount=str(int(amount)), unit=unit)


def _said(figure: Figure | None, *, with_unit: bool = True) -> str | None:
    """The figure in Kazakh words: "шамамен 51 миллион АҚШ доллары", "3 миллионнан астам"; None
    where "over" would follow a bare number (its ending depends on how the number is read)."""
    if figure is None:
        return None
    words = [_digits(figure.amount)]
    if figure.scale:
        words.append(_SCALE_WORDS[figure.scale])
    if with_unit and figure.unit:
        words.append(_UNIT_WORDS[figure.unit])
    said = " ".join(words)
    if figure.bound == "about":
        return f"шамамен {said}"
    if figure.bound == "at least":
        return f"кемінде {said}"
    if figure.bound == "over":
        head, _, last = said.rpartition(" ")
        if last not in _ABLATIVE:
            return None
        return f"{head} {_ABLATIVE[last]} астам".lstrip()
    return said


def _digits(amount: str) -> str:
    """A number as Kazakh writes it: thousands apart by spaces, a decimal comma ("1 300 000",
    "1,3")."""
    whole, _, fraction = amount.partition(".")
    if len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", " ")
    return f"{whole},{fraction}" if fraction else whole
