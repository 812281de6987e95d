"""What a question asks for: a fact or whether something is so, a figure, a name, or one of the
answers it offers; read from its question words in English, Russian and Kazakh."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.grounding import Facts
from answer.types import Turn
from prompts import another_language, other_language
from retrieval.dates import NOT_A_TIME_AFTER_AT_WHAT, days_of_month
from retrieval.language import UNKNOWN, detect_language
from retrieval.words import ALL_STOP_WORDS, KAZAKH_QUESTION_WORDS, WORD

# Words that ask for a fact ("what", "сколько", "қанша"), and the marks of a question that asks
# whether something is so: a clause's first word in English ("Did ...?"), a particle in Russian and
# Kazakh ("Заплатил ли ...?", "... төледі ме?"). Kazakh question words take case endings
# ("кіммен", with whom; "нені", what). Kazakh "не" (what) counts only in a Kazakh question: in
# Russian it means "not".
_FACT_WORDS = KAZAKH_QUESTION_WORDS | frozenset(
    "what which who whom whose when where why how "  # noqa: SIM905
    "что кто кого кому кем чем чём какой какая какое какие каких каким какую каком каков какова "
    "каковы какого какому какими как когда где куда откуда сколько почему зачем чей чья чьё "
    "чьи".split()
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
_YEAR = re.compile(r"(?:19|20)\d\d")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th|-?(?:й|го|я|е|ші|шы|інші|ыншы))\b", re.IGNORECASE)


def figures_for(text: str, question: str) -> frozenset[str]:
    """The figures a text states that could answer a question for one: those the question does
    not state, and no year, day of a month or ordinal for a count or an amount ("Министрлік
    қанша стипендия бөледі?" is not answered by "... 10 қарашада жарияланды")."""
    figures = own_figures(text, question)
    if asks_for_an_amount(question):
        days = days_of_month(text) | {match[1] for match in _ORDINAL.finditer(text)}
        figures = frozenset(f for f in figures if not _YEAR.fullmatch(f) and f not in days)
    return figures


def own_figures(answer: str, question: str) -> frozenset[str]:
    """The numbers an answer states that the question does not (markers are no numbers)."""
    return Facts.of(answer).numbers - Facts.of(question).numbers
