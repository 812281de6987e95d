"""What a sentence states that its source must also say: its numbers, names and content words,
in a form that survives the ways releases write them (case, thousands separators, inflection).

Used after generation to point each answer sentence at the sources that hold its facts
(`answer.attribution`) and before it to see whether the sources mention what a question asks
about (`answer.answerability`). Words are compared by their first letters (six for Latin
script, five for Cyrillic), which joins "sentenced" and "sentence", "Tajikistan's" and
"Tajikistan", "Тәжікстанның" and "Тәжікстан" without a stemmer per language. A word can be
checked only against a source in its script: a Russian answer over an English release is
checked by its numbers and any Latin names it keeps.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from retrieval.sentences import split_sentences
from retrieval.types import Hit
from retrieval.words import (
    ALL_STOP_WORDS,
    KAZAKH_LETTERS,
    QUESTION_WORDS,
    WORD,
    skeleton,
    sounds_like,
)

NUMBER_WEIGHT = 3.0
NAME_WEIGHT = 2.0
WORD_WEIGHT = 1.0

# 1,234,567 / 1 234 567 / 1.5 / 1,5 (a comma followed by other than three digits is decimal),
# with a scale word after it: "$1.5 million" and "$1,500,000" are the same number.
_NUMBER = re.compile(
    r"(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)"
    r"(?:\s*(million|billion|thousand|миллион\w*|млн|миллиард\w*|млрд|тысяч\w*|тыс)\b)?",
    re.IGNORECASE,
)
# "three million" is 3 million: a number word before a scale word, as digits.
_WORDED_SCALE = re.compile(
    r"\b([a-z]+(?:-[a-z]+)?)(?=\s+(?:million|billion|thousand)\b)", re.IGNORECASE
)
_BILLION = ("bi", "миллиард", "млрд")
_MILLION = ("mi", "миллион", "млн")
_SCALE_VALUES = {"": 1, "thousand": 1000, "million": 10**6, "billion": 10**9}
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
CITATION_MARKER = re.compile(r"\[(\d+)\]")
MARKERS = re.compile(r"\[\d+(?:\s*[,–-]\s*\d+)*\]")
"""Citation markers, single or grouped: "[1]", "[1, 2]", "[1–3]"."""
LIST_ITEM = re.compile(r"^[ \t]*(?:\d+[.)]|[-*•])[ \t]+", re.MULTILINE)
_TITLE_BEFORE = re.compile(r"(?:^|[\s(])(?:[A-ZА-Я][a-zа-я]{0,2}|[A-Z](?:\.[A-Z])+)\.$")
_OPENERS = frozenset('.!?…:;"“«(')
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "  # noqa: SIM905
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_NUMBER_WORDS |= {word: str(value) for word, value in _TENS.items()}
# Question and filler words that are capitalised or common in questions but name nothing.
_NOT_NAMES = frozenset(
    "what which who whom whose when where why how did does do was were is are according "  # noqa: SIM905
    "in on at by for of the a an and or as after before during under with from to "
    "что какой какая какие каком кто когда где почему сколько как "
    "қандай қай кім қашан қайда неше қанша неге "
    # Titles and months: capitalised, but a release writes a date as a date ("2014-10-02").
    "dr mr mrs ms jr sr january february march april may june july august september october "
    "november december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence, line or quote (so a capital says nothing)."""
    before = text[max(0, start - 12) : start]
    kept = before.rstrip()
    if kept.endswith(".") and _TITLE_BEFORE.search(kept):  # "Mr. Smith", "U.S. Attorney"
        return "\n" in before[len(kept) :]
    return not kept or kept[-1] in _OPENERS or "\n" in before[len(kept) :]


def _script(word: str) -> str:
    return "cyrillic" if "\u0400" <= word[0] <= "\u04ff" else "latin"


def has_words(text: str) -> bool:
    """Whether the text says anything besides citation markers and punctuation."""
    return any(ch.isalnum() for ch in CITATION_MARKER.sub("", text))


def word_key(word: str) -> str:
    """A word's comparison key: lower case, cut to its first letters."""
    word = re.split(r"['’\-]", word.lower())[0]  # "Tajikistan's", "Kazakh-Tajik", "Road-та"
    return word[:5] if _script(word) == "cyrillic" else word[:6]


def capitalised_words(text: str) -> frozenset[tuple[str, str]]:
    """Keys of a text's words of two letters or more written with a capital, wherever they
    stand (a name may open a sentence: "Subaru bought ..."), less stop words; initials ("A.M.")
    are none."""
    return frozenset(
        (_script(word), word_key(word))
        for word in (m[0] for m in _WORD.finditer(MARKERS.sub(" ", text)))
        if word[0].isupper()
        and len(word) >= 2
        and word.lower() not in ALL_STOP_WORDS
        and word.lower() not in _NOT_NAMES
    )


def number_key(digits: str, scale: str | None = None) -> str:
    """A number as digits: thousands separators dropped, a decimal comma as a point, a scale
    word ("million", "млн", "млрд") multiplied out."""
    if re.fullmatch(r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+", digits):
        digits = re.sub(r"\D", "", digits)
    value = Decimal(digits.replace(",", ".")) * _SCALE_VALUES[scale_name(scale or "")]
    return format(value.normalize(), "f")  # "1.50" and "1.5" alike; 4.1 million is 4100000


def scale_name(word: str) -> str:
    """The scale a scale word names ("million" for "млн", "миллиона"; "thousand" for "тыс"), ""
    for none."""
    lower = word.lower()
    if lower.startswith(_BILLION):
        return "billion"
    if lower.startswith(_MILLION):
        return "million"
    return "thousand" if lower else ""


def number_word_value(word: str) -> str | None:
    """The figure a lower-case number word writes ("seven": "7", "forty-three": "43"), or
    None."""
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    tens, _, unit = word.partition("-")
    if tens in _TENS and unit in _NUMBER_WORDS and 0 < int(_NUMBER_WORDS[unit]) < 10:
        return str(_TENS[tens] + int(_NUMBER_WORDS[unit]))
    return None


@dataclass(frozen=True)
class Facts:
    """The checkable content of a text: numbers, names (capitalised words not opening a
    sentence, and acronyms) and other content words, each as its comparison key."""

    numbers: frozenset[str]
    names: frozenset[tuple[str, str]]  # (script, key)
    words: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, text: str) -> Facts:
        """The facts a text states."""
        text = MARKERS.sub(" ", text)
        text = LIST_ITEM.sub(" ", text)  # "1. " before a list item states nothing
        text = _WORDED_SCALE.sub(lambda m: number_word_value(m[1].lower()) or m[1], text)
        numbers = {number_key(m[1], m[2]) for m in _NUMBER.finditer(text)}
        text = _NUMBER.sub(lambda m: " " * len(m[0]), text)  # "million" is part of a number
        names: set[tuple[str, str]] = set()
        words: set[tuple[str, str]] = set()
        for match in _WORD.finditer(text):
            word = match[0]
            lower = word.lower()
            if (value := number_word_value(lower)) is not None:
                numbers.add(value)
                continue
            if lower in ALL_STOP_WORDS or lower in _NOT_NAMES or len(word) < 2:
                continue
            key = (_script(word), word_key(word))
            capital = word[0].isupper()
            opening = _opens_sentence(text, match.start())
            if (capital and not opening) or (word.isupper() and len(word) > 1):
                names.add(key)
            elif len(word) >= 4:
                words.add(key)
        return cls(frozenset(numbers), frozenset(names), frozenset(words - names))

    def beyond(self, known: Facts) -> Facts:
        """What this text states that `known` (the question) does not: an answer sentence's
        own facts, which its source must hold, rather than the question's words it repeats."""
        return Facts(
            self.numbers - known.numbers,
            self.names - known.names - known.words,
            self.words - known.words - known.names,
        )

    @property
    def empty(self) -> bool:
        """Whether there is nothing to check."""
        return not (self.numbers or self.names or self.words)


@dataclass(frozen=True)
class SourceText:
    """A source's vocabulary, to look facts up in: its title, date and text."""

    numbers: frozenset[str]
    prefixes: frozenset[tuple[str, str]]  # each word's key and its shorter prefixes (4+ letters)
    scripts: frozenset[str]

    @classmethod
    def of(cls, hit: Hit) -> SourceText:
        """The vocabulary of a retrieved paragraph, with its release's title and date."""
        return cls.of_text(f"{hit.title}\n{hit.text}", hit.date)

    @classmethod
    def of_text(cls, text: str, date: dt.date | None = None) -> SourceText:
        """The vocabulary of a text (and of a date)."""
        facts = Facts.of(text)
        numbers = set(facts.numbers)
        if isinstance(date, dt.date):
            numbers.add(str(date.year))  # (not the day: it would match any small number)
        prefixes = {
            (script, key[:n])
            for script, key in facts.names | facts.words
            for n in range(min(4, len(key)), len(key) + 1)
        }
        return cls(frozenset(numbers), frozenset(prefixes), frozenset(s for s, _ in prefixes))

    def has_name(self, key: tuple[str, str]) -> bool:
        """Whether the source writes this word (as a name or not), or a longer form of it
        ("fine" is found in "fines")."""
        return key in self.prefixes

    def checks(self, key: tuple[str, str]) -> bool:
        """Whether a word in this script can be looked for here at all."""
        return key[0] in self.scripts


def coverage(claim: Facts, source: SourceText) -> tuple[float, float]:
    """(weight of the claim's facts the source holds, weight of those it could be checked for).
    Numbers always count; words only where the source is in their script."""
    found = checked = 0.0
    for number in claim.numbers:
        checked += NUMBER_WEIGHT
        found += NUMBER_WEIGHT * (number in source.numbers)
    for weight, keys in ((NAME_WEIGHT, claim.names), (WORD_WEIGHT, claim.words)):
        for key in keys:
            if source.checks(key):
                checked += weight
                found += weight * source.has_name(key)
    return found, checked


def support(claim: Facts, source: SourceText) -> float | None:
    """The share of the claim's checkable facts the source holds; None if none is checkable."""
    found, checked = coverage(claim, source)
    return found / checked if checked else None


def skeletons_of(texts: Sequence[str]) -> frozenset[str]:
    """The skeletons of the texts' words, to look names up in (`written_in`)."""
    return frozenset(skeleton(word) for text in texts for word in WORD.findall(text))


def written_in(name: str, skeletons: frozenset[str]) -> bool | None:
    """Whether a text whose words' `skeletons` these are writes `name` in some script (its
    first consonants, up to four, alike: a Kazakh case ending does not count); None for a name
    of under three consonants, too short to tell."""
    own = skeleton(name)
    if len(own) < 3:
        return None
    return any(
        len(other) >= 3 and own[: min(4, len(other))] == other[: min(4, len(own))]
        for other in skeletons
    )


def heard_in(question: str, names: Iterable[str], texts: Sequence[str]) -> list[bool]:
    """For each name a question writes in Cyrillic (`names`: their keys, as `Facts` reads them;
    no acronym: "США" is translated), whether the English texts write it, by its consonants
    (`written_in`: "Кулман" in "Koolman"); none where fewer than two can be told, as one alone
    may be a word translated ("Минюст", the Justice Department) or too short to tell ("Чад")."""
    keys, words = set(names), WORD.findall(question)
    # A capitalised word opening it before a name ("Хэрис Камар ...", "Компания Тайсон ...")
    # tells that one is a name, as a second would; not looked for itself (it may be a noun).
    opening = len(words) > 1 and words[0][:1].isupper() and word_key(words[1]) in keys
    opening &= words[0].lower() not in ALL_STOP_WORDS | QUESTION_WORDS
    asked = dict.fromkeys(w for w in words if word_key(w) in keys)
    if len(asked) + opening < 2:
        return []
    skeletons = skeletons_of([w for text in texts for w in re.findall(r"\b[A-Z][a-z]+", text)])
    heard = [written_in(word, skeletons) for word in asked if not word.isupper()]
    told = [held for held in heard if held is not None]
    return told if len(told) + opening >= 2 else []


def unheard(facts: Facts, text: str, question: str) -> Facts:
    """The text's facts without the Latin names a question writes in Cyrillic, told by sound
    ("Tajikistan" for "Тәжікстан"): the question's, not the text's own. Its opening question
    word is no name ("Кім ...?", who, is not "Kim")."""
    words = [w for w in WORD.findall(question) if w.lower() not in QUESTION_WORDS]
    asked = [w for w in words if w[:1].isupper() and _script(w) == "cyrillic"]
    latin = re.findall(r"\b[A-Z][\w'’-]+", text) if asked else []
    heard = {("latin", word_key(w)) for w in latin if any(sounds_like(a, w) for a in asked)}
    return Facts(facts.numbers, facts.names - heard, facts.words) if heard else facts


def is_asked(word: str, asked: Sequence[str]) -> bool:
    """Whether a word is one of the question's (`asked`, its Kazakh letters folded)."""
    word = word.translate(KAZAKH_LETTERS)
    if word in asked:
        return True
    return len(word) >= 4 and any(
        len(other) >= 4 and other[: min(5, len(word), len(other))] == word[: min(5, len(other))]
        for other in asked
    )


# A Russian or Kazakh surname, opening a question as its subject ("Тоқаев Душанбеге барды ма?"),
# with a case ending or none.
_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын|ұлы|қызы|енко|ский|цкий)[^\W\d_]{0,4}$")


def unwritten_names(question: str, texts: Sequence[str]) -> list[str]:
    """The names a question asks about (words written with a capital, not where it opens the
    question unless as a Russian or Kazakh surname does; no acronyms) that none of the texts
    writes in any script (`written_in`; names too short to tell are taken as written)."""
    named = [
        match[0]
        for match in WORD.finditer(question)  # "Doo-hwan", "Лас-Вегас": each part a word
        if match[0][0].isupper()
        and not match[0].isupper()  # an acronym ("АҚШ" is "U.S."): not looked for
        and match[0].lower() not in ALL_STOP_WORDS
        and match[0].lower() not in _NOT_NAMES
        and (not _opens_sentence(question, match.start()) or _SURNAME.search(match[0].lower()))
    ]
    if not named:
        return []
    skeletons = skeletons_of(texts)
    return [name for name in named if written_in(name, skeletons) is False]


def titles_as_release(text: str, sources: Sequence[Hit]) -> str:
    """The text with each source's title (and the date after it) written "the press release":
    "This information is found in the California Businessman Pleads Guilty ... (2013-08-29)."
    points at a source as "... found in the press release." does (presschat_dev's pc-044)."""
    for title in {hit.title for hit in sources if len(hit.title) >= 20}:
        named = re.compile(rf"{re.escape(title)}(?:\s*\(\d{{4}}-\d\d-\d\d\))?", re.IGNORECASE)
        text = named.sub("the press release", text)
    return text


# A sentence saying the sources do not state something ("The amount is not explicitly stated
# in the sources, but it can be inferred ...", "Конкретные сообщники не указаны в тексте.").
# Only with the sources named: "He was not directly involved" and "он не сообщал" are facts.
_UNSTATED = re.compile(
    r"\b(?:not|never)\s+(?:(?:explicitly|specifically|directly|clearly)\s+)?"
    r"(?:stated|mentioned|specified|provided|disclosed|reported)\b"
    r"(?=.*\b(?:sources?|text|releases?|paragraphs?)\b)"
    r"|\b(?:sources?|text|releases?|paragraphs?)\s+(?:do|does)\s+not\s+"
    r"(?:specify|say|state|mention|provide|give|contain)\b"
    r"|\bне\s+(?:указан\w*|упомина\w*|уточня\w*)(?=.*\b(?:текст|источник|релиз|пресс-релиз))"
    r"|көрсетілмеген|айтылмаған",
    re.IGNORECASE,
)


def says_it_is_unstated(sentence: str) -> bool:
    """Whether a sentence says the sources do not state something: no fact, and what it goes on
    to "infer" is the model's."""
    return bool(_UNSTATED.search(sentence))


def script_shown(answer: str, question: str, sources: Sequence[Hit]) -> bool | None:
    """Whether the paragraphs the answer cites (all, if none) are written in the script of
    most of the question's words; None for a question without words to tell."""
    facts = Facts.of(question)
    scripts = Counter(script for script, _ in facts.words | facts.names)
    if not scripts:
        return None
    cited = {int(n) for n in CITATION_MARKER.findall(answer) if 1 <= int(n) <= len(sources)}
    shown = [sources[n - 1] for n in sorted(cited)] or sources
    readable = {script for hit in shown for script in SourceText.of(hit).scripts}
    return scripts.most_common(1)[0][0] in readable


def gives_another_sum(
    answer: str, question: str, sources: Sequence[Hit], named: re.Pattern[str] | None
) -> bool:
    """Whether an answer to a question for a sum it names ("қанша айыппұл", how large a fine;
    `named`: how the sources name it) gives figures that no source sentence stating them names
    as that sum ("... agreed to invest approximately $150 million in pollution control"; "...
    20 миллион доллар айыппұл" for "қанша пайда", how much profit)."""
    figures = Facts.of(answer).numbers - Facts.of(question).numbers
    if named is None or not figures:
        return False
    sentences = (s for hit in sources for s in split_sentences(hit.text))
    return not any(figures & Facts.of(s).numbers and named.search(s) for s in sentences)
