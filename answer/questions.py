"""What a question asks for: a fact or whether something is so, a figure, a name, or one of the
answers it offers; read from its question words in English, Russian and Kazakh."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from answer.grounding import Facts, number_word_value, word_key
from answer.types import Turn
from prompts import another_language, other_language
from prompts.kazakh import named_sum
from retrieval.dates import NOT_A_TIME_AFTER_AT_WHAT, days_of_month
from retrieval.language import UNKNOWN, detect_language
from retrieval.words import (
    ALL_STOP_WORDS,
    KAZAKH_QUESTION_WORDS,
    RUSSIAN_QUESTION_WORDS,
    WORD,
    skeleton,
)

# Words that ask for a fact ("what", "сколько", "қанша"), and the marks of a question that asks
# whether something is so: a clause's first word in English ("Did ...?"), a particle in Russian and
# Kazakh ("Заплатил ли ...?", "... төледі ме?"). Kazakh question words take case endings
# ("кіммен", with whom; "нені", what). Kazakh "не" (what) counts only in a Kazakh question: in
# Russian it means "not".
_FACT_WORDS = (
    KAZAKH_QUESTION_WORDS
    | RUSSIAN_QUESTION_WORDS
    | frozenset("what which who whom whose when where why how".split())  # noqa: SIM905
)
_KAZAKH_WHAT = "не"
_LANGUAGES = frozenset({"en", "ru", "kk"})  # those an answer is written in
# What "How ... ?" asks for, with no subject of its own ("How many?", "How long?").
_HOW_WORDS = frozenset("many much long often far old soon".split())  # noqa: SIM905
# Words that only say what kind of answer is asked for, with a question word: "What time?",
# "В какое время?", "Сағат қаншада?" (at what hour?) name nothing to look for.
_KIND_WORDS = frozenset(
    "time date year hour hours время дата год году часы часов сағат сағатта уақыт уақытта "  # noqa: SIM905
    "жыл жылы қаншада".split()
)
_YES_NO_OPENINGS = frozenset(
    "did does do is are was were has have had can could will would should may must".split()  # noqa: SIM905
)
YES_NO_PARTICLES = frozenset("ли ма ме ба бе па пе".split())  # noqa: SIM905
OPENS_WITH_YES = re.compile(r"^\s*(?:yes|да|иә)\b", re.IGNORECASE)
"""An answer that opens with a yes, in any of the three languages."""
# What offers the answers to choose from ("... before or after ...?", "... или ...?", "...
# әлде ...?", "Which of the two, Smith and Jones, ...?", "Кто из них ...?", "Қайсысы ...?"): the
# right answer repeats one of them.
_CHOICE = re.compile(
    r"\b(?:or|или|либо|әлде|немесе)\b|\b(?:which|who|what)\s+of\b"
    r"|\b(?:кто|какой|какая|какое|какие|который|которая|которое|которые)\s+из\b|\bқайсы",
    re.IGNORECASE,
)
# A question for a figure (a count, an amount, a length, an age, a sentence); a count or an
# amount ("how many", "how much", "what criminal fine") is not answered by a year.
_AMOUNT = (
    rf"how (?:many|much)|(?<!во\s)сколько|во сколько(?={NOT_A_TIME_AFTER_AT_WHAT})|қанша|неше|"
    r"(?:what|which) (?:(?:criminal|civil|total|maximum|monetary) )?(?:fine|penalty|restitution)|"
    r"как(?:ой|ого|ую) (?:(?:уголовн|гражданск|общ|максимальн)\w* )?(?:штраф|возмещени)\w*|"
    r"қандай айыппұл\w*"
)
_ASKS_FOR_AN_AMOUNT = re.compile(rf"\b(?:{_AMOUNT})\b", re.IGNORECASE)
_ASKS_FOR_A_FIGURE = re.compile(
    rf"\b(?:{_AMOUNT}|how (?:long|old)|what (?:prison |jail )?(?:sentence|term)|"
    r"как(?:ой|ого) срок\w*|какое наказание|қандай жаза\w*)\b",
    re.IGNORECASE,
)
# A question for a name. "Who" only where it opens the question or a clause joined by "and":
# elsewhere it is relative ("... an applicant who already had a card").
_ASKS_FOR_A_NAME = re.compile(
    r"\b(?:what (?:is|was) the name|which (?:company|firm|man|woman|person|judge|bank|city|"
    r"country)|как(?:ое|ая) (?:название|имя)|как(?:ая|ой) компани\w*|кто|кім\w*|"
    r"қай компания\w*)\b|(?:^|\band )who\b",
    re.IGNORECASE,
)


def asks_for_a_fact(question: str) -> bool:
    """Whether the question asks what, who, how much... rather than whether something is so."""
    words = [word.lower() for word in WORD.findall(question)]
    # "Did ...?", and "According to Fortune, has ...?": a clause that opens with the verb.
    openings = {clause.split()[0].lower() for clause in question.split(",") if clause.split()}
    if not words or openings & _YES_NO_OPENINGS or YES_NO_PARTICLES.intersection(words):
        return False
    if _KAZAKH_WHAT in words and detect_language(question) == "kk":
        return True
    return bool(_FACT_WORDS.intersection(words))


def question_words(words: list[str]) -> frozenset[str]:
    """Which of the (lowercased) words ask for a fact ("what", "кіммен")."""
    return _FACT_WORDS.intersection(words)


def offers_a_choice(question: str) -> bool:
    """Whether the question offers the answers to choose from ("... in Ohio or in Texas?")."""
    return bool(_CHOICE.search(question))


def has_subject(question: str) -> bool:
    """Whether the question has words of its own besides question words: "How long was he
    sentenced?" does, "How many?" and "А сколько?" do not."""
    return any(
        len(word) > 2
        and word not in ALL_STOP_WORDS
        and word not in _FACT_WORDS
        and word not in _HOW_WORDS
        and word not in _KIND_WORDS
        for word in (w.lower() for w in WORD.findall(question))
    )


def asks_for_a_figure(question: str) -> bool:
    """Whether a question asks for a count, an amount, a length, an age or a sentence."""
    return bool(_ASKS_FOR_A_FIGURE.search(question))


def asks_for_an_amount(question: str) -> bool:
    """Whether a question asks for a count or an amount ("how many", "сколько", "қанша")."""
    return bool(_ASKS_FOR_AN_AMOUNT.search(question))


def asks_for_a_name(question: str) -> bool:
    """Whether a question asks for a name ("What is the name of ...", "Who ...", "Кто ...",
    "Кіммен ...")."""
    return bool(_ASKS_FOR_A_NAME.search(question.strip()))


def question_language(question: str, history: Sequence[Turn]) -> str:
    """The language to answer in: the question's, else (a name or a figure alone) that of the
    last question before it in one of the three languages, else English."""
    detected = detect_language(question)
    if detected in _LANGUAGES:
        return detected
    for turn in reversed(history):
        if turn.role == "user" and detect_language(turn.content) in _LANGUAGES:
            return detect_language(turn.content)
    return "en" if detected == UNKNOWN else detected


def another_language_note(answer: str, language: str) -> str:
    """The line to follow an answer the model wrote in another of the three languages than the
    asker's, unasked (a Russian question answered in English: "Andrew L. Zarauskas was arrested
    ... [3]"); "" for one in the asker's language, or one that opens saying it is written in its
    sources' (`other_language`)."""
    if sum(not word.isdigit() for word in WORD.findall(answer)) < 3:  # "Нет, $500,000 [1]."
        return ""  # tells too little
    if language not in _LANGUAGES or detect_language(answer) in (language, UNKNOWN):
        return ""
    noted = answer.startswith(other_language(language))
    return "" if noted else f"\n\n{another_language(language)}"


# A year is no answer to a count or an amount ("how many", "how much"), nor an ordinal ("the
# 21st Century", "21-й", "21-ші").
YEAR = re.compile(r"(?:19|20)\d\d")
"""A number written as a year."""
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th|-?(?:й|го|я|е|ші|шы|інші|ыншы))\b", re.IGNORECASE)


def figures_for(text: str, question: str) -> frozenset[str]:
    """The figures a text states that could answer a question for one: those the question does
    not state, and no year, day of a month or ordinal for a count or an amount ("Министрлік
    қанша стипендия бөледі?" is not answered by "... 10 қарашада жарияланды")."""
    figures = own_figures(text, question)
    if asks_for_an_amount(question):
        days = days_of_month(text) | {match[1] for match in _ORDINAL.finditer(text)}
        figures = frozenset(f for f in figures if not YEAR.fullmatch(f) and f not in days)
    return figures


def own_figures(answer: str, question: str) -> frozenset[str]:
    """The numbers an answer states that the question does not (markers are no numbers)."""
    return Facts.of(answer).numbers - Facts.of(question).numbers


# The figure a question asks for, by what a sentence that gives it states: a prison sentence (a
# length of time beside "sentenced", "prison" ...), an amount of money (a currency), or a count
# of something ("how many tribes": a number with "tribes" a few words after it).
_ASKS_FOR_A_SENTENCE = re.compile(
    r"\b(?:what (?:(?:prison|jail) )?(?:sentence|term)|how long (?:a |of a )?(?:prison|jail)|"
    r"how long (?:was|is|will|did)\b[^?]*\b(?:prison|jail|sentenced|sent|serve)|"
    r"how many (?:months|years)|какой срок|какое наказание|на сколько (?:лет|месяцев)|"
    r"қандай жаза|(?:қанша|неше) (?:(?:жыл|ай)(?:ға|да|дан|дық|лық|ы|ына)?\b|мерзім))",
    re.IGNORECASE,
)
_ASKS_FOR_MONEY = re.compile(
    r"\b(?:how much (?:money|did|does|do|was|were|is|has|had|in)\b|"
    r"(?:what|which) (?:(?:criminal|civil|total|maximum|monetary) )?(?:fine|penalty|restitution)|"
    r"сколько (?:денег|заплатил\w*)|какую сумму|как(?:ой|ого|ую) (?:\w+ )?(?:штраф|возмещени)\w*|"
    r"(?:қанша|қандай) (?:[^\W\d_]+ )?(?:ақша|сома|айыппұл|доллар|өтемақы|пайда|пара|айналым)\w*)",
    re.IGNORECASE,
)
# The sum an English or Russian question asks for by name ("What fine ...", "Какой штраф ..."),
# as the sources name it; "penalty" alone may be a prison term.
_FINE = re.compile(r"penalt|fine|штраф", re.IGNORECASE)
_DAMAGES = re.compile(r"damages|compensat|restitution|компенсац|возмещ", re.IGNORECASE)
_BRIBES = re.compile(r"brib|kickback|corrupt|взятк", re.IGNORECASE)
_NAMED_SUMS = (
    (re.compile(r"\b(?:what|which|how (?:much|large|big))(?: a| the)?(?: \w+)? fine\b"
                r"|\bcivil penalt|как\w* (?:\w+ )?штраф|сколько[^?]* штраф", re.IGNORECASE), _FINE),
    (re.compile(r"\b(?:what|how much) (?:\w+ )?(?:restitution|damages|compensation)\b"
                r"|как\w* (?:\w+ )?(?:компенсац|возмещ)|сколько[^?]* (?:компенсац|возмещ)",
                re.IGNORECASE), _DAMAGES),
    (re.compile(r"\b(?:what|how much) (?:\w+ )?(?:in )?bribes?\b|как\w* (?:\w+ )?взятк"
                r"|сколько[^?]* взят", re.IGNORECASE), _BRIBES),
)  # fmt: skip


def asked_sum(question: str) -> re.Pattern[str] | None:
    """How the sources name the sum a question asks for by name, in any of the three languages
    ("What fine ...", "Какой штраф ...", "қанша айыппұл": "penalt|fine|штраф"); None where it
    names none."""
    return named_sum(question) or next((p for a, p in _NAMED_SUMS if a.search(question)), None)


_ASKS_TO_COUNT = re.compile(
    r"\b(?:how many|how much|сколько|қанша|неше)((?:\s+[^\W\d_]+){1,2})", re.IGNORECASE
)
_LENGTH_OF_TIME = re.compile(
    r"(?:\d[\d,.]*|\b(?P<word>[a-z]+)(?:-[a-z]+)?)(?:\s+and\s+a\s+half)?[\s-]+(?:years?|months?|"
    r"weeks?|days?|лет|год\w*|месяц\w*|жыл\w*|ай\w*)\b(?![\s-]+old)|"
    r"\blife\b|пожизненн\w*|өмір бойы",
    re.IGNORECASE,
)
_SENTENCING = re.compile(
    r"\b(?:sentenced|sentence|prison|imprisonment|incarcerat\w*|probation|приговор\w*|лишени\w*|"
    r"колони\w*|осу[дж]\w*|бас бостандығ\w*|түрме\w*|кесіл\w*|соттал\w*)",
    re.IGNORECASE,
)
# A sentence that states what the law allows, not what was imposed: "faces a maximum penalty of
# 10 years in prison and a $250,000 fine", "is punishable by up to five years". (Not "maximum"
# alone: "agreed to pay the maximum fine of $500,000" is a fine imposed.)
MAXIMUM = re.compile(
    r"\b(?:up to|faces?|facing|potential(?:ly)?|statutory|not more than|carr(?:y|ies)|"
    r"punishable|could|грозит|грози\w*|дейін)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£]\s?\d|\d[\d,.]*\s*(?:(?:million|billion|thousand|млн|млрд|миллион\w*|миллиард\w*|мың)"
    r"\s*)?(?:dollars?|euros?|долл\w*|евро|руб\w*|теңге|тенге)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\d[\d,.]*|[^\W\d_]+(?:-[^\W\d_]+)*")
_COUNTED_WITHIN = 4  # words after a number, where a count names what it counts


@dataclass(frozen=True)
class AskedFigure:
    """The kind of figure a question asks for; `units` name what a count counts (the one or two
    words after "how many")."""

    kind: Literal["sentence", "money", "count"]
    units: tuple[str, ...] = ()

    @classmethod
    def of(cls, question: str) -> AskedFigure | None:
        """The figure the question asks for, where its words tell which kind; else None."""
        if _ASKS_FOR_A_SENTENCE.search(question):
            return cls("sentence")
        if _ASKS_FOR_MONEY.search(question):
            return cls("money")
        if match := _ASKS_TO_COUNT.search(question):
            units = tuple(w for w in match[1].split() if w.lower() not in ALL_STOP_WORDS)
            return cls("count", units) if units else None
        return None

    def stated_in(self, sentence: str) -> bool:
        """Whether the sentence states a figure of this kind: a sentence imposed (not a
        maximum), an amount in a currency, a number counting one of the units (in another
        script, one written alike: "галлон" counts "gallons")."""
        if self.kind == "sentence":
            return bool(_SENTENCING.search(sentence)) and any(
                not MAXIMUM.search(sentence[max(0, m.start() - 40) : m.start()])
                for m in _LENGTH_OF_TIME.finditer(sentence)
                if not m["word"] or number_word_value(m["word"].lower())
            )
        if self.kind == "money":
            return bool(_MONEY.search(sentence))
        words = _TOKEN.findall(sentence)
        return any(
            self._counted(words[n + 1 : n + 1 + _COUNTED_WITHIN])
            for n, word in enumerate(words)
            if (word[0].isdigit() and not YEAR.fullmatch(word)) or number_word_value(word.lower())
        )

    def counted_after(self, text: str) -> bool:
        """Whether the words that open `text` (after a number), up to the next number, name a
        unit this count counts: "137 falsified dealer reports" counts "дилерлік" (dealer), not
        "70 falsified fishing logs"; "3 million gallons and 9 tribes" counts no tribes."""
        words = _TOKEN.findall(text)[:_COUNTED_WITHIN]
        numbers = [n for n, w in enumerate(words) if w[0].isdigit() or number_word_value(w.lower())]
        return self._counted(words[: min(numbers, default=len(words))])

    def _counted(self, words: Sequence[str]) -> bool:
        return any(_counts(word, unit) for word in words for unit in self.units)


def _counts(word: str, unit: str) -> bool:
    """Whether a sentence's word is the counted unit: the same key, or in another script the
    same first consonants."""
    if word_key(word) == word_key(unit):
        return True
    own, other = skeleton(word), skeleton(unit)
    return word.isascii() != unit.isascii() and len(own) >= 3 and own[:3] == other[:3]
