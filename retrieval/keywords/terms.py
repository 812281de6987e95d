"""Terms of a text for the keyword index: lower-cased words reduced to a stem, numbers and codes
kept whole.

Latin-script words go through Snowball's English stemmer and Cyrillic ones through its Russian
stemmer, except in Kazakh text: Snowball has no Kazakh, and a Kazakh word is a stem followed by a
chain of suffixes (`министрлігінің` = министр-лік-і-нің), so its first `KAZAKH_PREFIX` letters
stand for it, as fixed-prefix truncation does for Turkish in IR studies (BENCHMARKS.md gives
the figures on KazQAD). A code such as a case number (`1:09-cr-00123`) or a date is kept whole
as well as in parts, so a question that writes it the same way matches it exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import Stemmer

from retrieval.words import STOP_WORDS

ANALYZER_VERSION = 1
"""Bump when terms come out differently, so that saved keyword indexes are rebuilt."""

KAZAKH_PREFIX = 5

_MEMO_LIMIT = 1_000_000

_TOKEN = re.compile(r"\w+(?:[-–./:'’]\w+)*")
_PART = re.compile(r"\w+")
_STOP = frozenset().union(*STOP_WORDS.values())


def _is_cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


class Analyzer:
    """Turns texts into terms; one per index, since the stemmers keep a cache of their own."""

    def __init__(self, kazakh_prefix: int | None = KAZAKH_PREFIX) -> None:
        english = Stemmer.Stemmer("english")
        russian = Stemmer.Stemmer("russian")
        self._stems: dict[str, Callable[[str], str]] = {
            "latin": english.stemWord,
            "ru": russian.stemWord,
            "kk": lambda word: word[:kazakh_prefix],
        }
        self._memo: dict[tuple[str, str], str] = {}

    def document_terms(self, text: str, language: str) -> list[str]:
        """The terms of a stored paragraph in `language` ('en', 'ru', 'kk' or other), with
        repeats, in order."""
        cyrillic = "kk" if language == "kk" else "ru"
        terms: list[str] = []
        for word in self._words(text):
            terms.append(self._term(word, cyrillic))
        return terms

    def query_terms(self, text: str, language: str | None = None) -> list[str]:
        """The distinct terms of a question. Cyrillic words are stemmed both ways (Russian and
        Kazakh) unless the search is limited to one `language`, since a short question says
        little about its language and names are written alike in both."""
        if language in ("ru", "kk"):
            ways: tuple[str, ...] = (language,)
        elif language:  # a Latin-script language: Cyrillic words are kept as Russian ones
            ways = ("ru",)
        else:
            ways = ("ru", "kk")
        terms = dict.fromkeys(self._term(word, way) for word in self._words(text) for way in ways)
        return list(terms)

    def _words(self, text: str) -> Iterable[str]:
        """Lower-cased words that are not function words; a code is given whole and in parts."""
        for match in _TOKEN.finditer(text.lower()):
            token = match[0]
            parts = _PART.findall(token)
            if len(parts) > 1:
                if any(c.isdigit() for c in token):
                    yield token
                for part in parts:
                    if (len(part) > 1 or part.isdigit()) and part not in _STOP:
                        yield part
            elif token not in _STOP:
                yield token

    def _term(self, word: str, cyrillic: str) -> str:
        if not word[0].isalpha() or not word.isalpha():
            return word  # numbers, codes and words with digits stay as written
        way = cyrillic if _is_cyrillic(word) else "latin"
        key = (way, word)
        term = self._memo.get(key)
        if term is None:
            if len(self._memo) >= _MEMO_LIMIT:  # questions bring new words for ever
                self._memo.clear()
            term = self._memo[key] = self._stems[way](word)
        return term
