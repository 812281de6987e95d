"""Language detection for releases and questions (English, Russian, Kazakh)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from retrieval.types import Hit, ReleaseSummary
from retrieval.words import KAZAKH_QUESTION_WORDS, STOP_WORDS

UNKNOWN = "und"

# Letters of the Kazakh Cyrillic alphabet that Russian does not use.
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORD = re.compile(r"[^\W\d_]+")
# Words that mark a Cyrillic text as Kazakh or as Russian when its Kazakh letters are few: a
# short Kazakh question may hold one ("Шетелде жыл сайын неше студент оқи алады?") or none
# ("Делегация немен барады?"), a Russian one a Kazakh name ("Когда Тоқаев посетил Душанбе?").
# "не" is both ("what", "not"). Besides these, each word with a Kazakh letter counts as Kazakh
# ("Министрлер не талқылады?").
_KAZAKH_WORDS = (
    (STOP_WORDS["kk"] - {"не"})
    | KAZAKH_QUESTION_WORDS
    | set(
        "жыл жылы жылғы сайын бар жоқ ма ме ба бе па пе бойынша дейін кейін бастап арқылы алады "  # noqa: SIM905
        "болады береді керек емес деген".split()
    )
)
# English words besides the stop words, so that a question full of names still reads as English
# ("How much did Indianapolis immigration lawyer Joel Paul charge per ... application?").
_ENGLISH_WORDS = STOP_WORDS["en"] | set(
    "do not no why whose can could would should many much often per".split()  # noqa: SIM905
)
_RUSSIAN_WORDS = STOP_WORDS["ru"] | set("сколько какой какая какие какое каких почему ли".split())  # noqa: SIM905
# Endings that Russian words have and Kazakh words (without Kazakh letters) almost never: on
# KazQAD's and XQuAD's texts, each of "-ил", "-ся", "-ть", "-ого" ... ends 0-0.03 % of such
# Kazakh words and 0.2-3 % of Russian ones. A Russian question with a Kazakh name and no
# Russian function word ("Тоқаев посетил Душанбе?") has one.
_RUSSIAN_ENDING = re.compile(r"\w{2,}(?:ил|ли|ло|ся|сь|ть|ого|его|ему|ых|ает|ует|ние|ии|ость)")


def detect_language(text: str) -> str:
    """Return 'en', 'ru' or 'kk' for text in those languages, 'und' when it cannot tell.

    Latin text counts as English only when common English words make up a fair share of it; other
    text with Cyrillic letters is Russian or Kazakh, also where Latin names outweigh its Cyrillic
    words ("Кто основал McKinsey & Company?"). Within Cyrillic, the letters only Kazakh uses
    separate Kazakh from Russian (Russian text with a few Kazakh names stays Russian), and where
    they are few, Kazakh words against Russian ones (`_KAZAKH_WORDS`; `_RUSSIAN_WORDS` and
    words with a Russian ending).
    """
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    matches = list(_WORD.finditer(text))
    words = [match[0] for match in matches]
    lowered = [word.lower() for word in words]
    if latin > cyrillic:
        english = sum(word in _ENGLISH_WORDS for word in lowered)
        if english / len(words) >= 0.15:
            return "en"
    if cyrillic == 0:
        return UNKNOWN
    # Kazakh letters in capitalised words may be a name's ("Тоқаев", "Қасым-Жомарт Тоқаев"):
    # such a name counts as one Kazakh word, weighed against the Russian words, not by its
    # letters.
    in_lower_case = "".join(w for w in words if w.islower() and not _KAZAKH_LETTERS.isdisjoint(w))
    if sum(ch in _KAZAKH_LETTERS for ch in in_lower_case) / cyrillic >= 0.05:
        return "kk"
    kazakh = sum(w in _KAZAKH_WORDS for w in lowered) + sum(
        not _KAZAKH_LETTERS.isdisjoint(w) for w in _lower_case_words_and_names(text, matches)
    )
    russian = sum(
        low in _RUSSIAN_WORDS or (word == low and bool(_RUSSIAN_ENDING.fullmatch(word)))
        for word, low in zip(words, lowered, strict=True)
        if _KAZAKH_LETTERS.isdisjoint(word)
    )
    return "kk" if kazakh > russian else "ru"


def _lower_case_words_and_names(text: str, matches: list[re.Match[str]]) -> list[str]:
    """The text's words (its `_WORD` matches), with capitalised words joined only by spaces or
    hyphens taken as one name ("Қасым-Жомарт Тоқаев")."""
    pieces: list[str] = []
    end = -1
    for match in matches:
        word, between = match[0], text[end : match.start()]
        if word[0].isupper() and pieces and pieces[-1][0].isupper() and not between.strip(" -"):
            pieces[-1] += f" {word}"
        else:
            pieces.append(word)
        end = match.end()
    return pieces


# What people type for a language filter besides its code: its name in the three languages, the
# three-letter code, and "kz" (gov.kz's path for its Kazakh pages, a country code, not a language).
_LANGUAGE_NAMES = {
    "en": ("english", "eng", "английский", "ағылшын", "ағылшынша"),
    "ru": ("russian", "rus", "русский", "орыс", "орысша"),
    "kk": ("kazakh", "kaz", "kz", "казахский", "қазақ", "қазақша"),
}
_CODE_FOR_NAME = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names}
_CODE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*")


def language_code(value: str) -> str:
    """The language code a filter means: 'ru' for 'ru', 'RU', 'ru-RU', 'Russian' or 'русский';
    other codes (two or three letters, 'und' included) as written, without a region.
    ValueError for anything else."""
    text = value.strip().lower()
    if text in _CODE_FOR_NAME:
        return _CODE_FOR_NAME[text]
    if (code := _CODE.fullmatch(text)) is None:
        raise ValueError(
            f"{value.strip()!r} is not a language: give a code such as en, ru or kk, or a name"
        )
    return _CODE_FOR_NAME.get(code[1], code[1])


def releases_by_language(releases: Iterable[ReleaseSummary]) -> Counter[str]:
    """How many of the releases are in each language (UNKNOWN for those with none)."""
    return Counter(release.language or UNKNOWN for release in releases)


def sources_language(hits: Iterable[Hit]) -> str:
    """The language most of the hits' releases are in (as stored, else as detected in the
    paragraph); UNKNOWN for none."""
    counts = Counter(hit.language or detect_language(hit.text) for hit in hits)
    counts.pop(UNKNOWN, None)
    return counts.most_common(1)[0][0] if counts else UNKNOWN
