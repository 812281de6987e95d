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
from collections.abc import Callable

import Stemmer

from retrieval.words import KAZAKH_QUESTION_WORDS, RUSSIAN_QUESTION_WORDS, STOP_WORDS

ANALYZER_VERSION = 1
"""Bump when terms come out differently, so that saved keyword indexes are rebuilt."""

KAZAKH_PREFIX = 5

_MEMO_LIMIT = 1_000_000

# A word, or words and numbers joined by - . / : or an apostrophe ("1:09-cr-00123", "anti-Semitic").
TOKEN = re.compile(r"\w+(?:[-–./:'’]\w+)*")
_PART = re.compile(r"\w+")
_STOP = frozenset().union(*STOP_WORDS.values())
# Words that open a Russian or Kazakh question with a capital, and are no name ("Сколько ...",
# "Под каким именем ...").
_ASKING = (
    _STOP
    | KAZAKH_QUESTION_WORDS
    | RUSSIAN_QUESTION_WORDS
    | frozenset("чего ли под над перед после через".split())  # noqa: SIM905
)


def is_code(token: str) -> bool:
    """Whether a token is a code: digits with joiners ("1:09-cr-00123", "14.9"), kept whole as
    a term besides its parts."""
    return len(_PART.findall(token)) > 1 and any(c.isdigit() for c in token)


def _is_cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


class Analyzer:
    """Turns texts into terms; one per index, since the stemmers keep a cache of their own.
    Not thread-safe (neither are the stemmers)."""

    def __init__(self, kazakh_prefix: int | None = KAZAKH_PREFIX) -> None:
        english = Stemmer.Stemmer("english")
        russian = Stemmer.Stemmer("russian")
        self._stems: dict[str, Callable[[str], str]] = {
            "latin": english.stemWord,
            "ru": russian.stemWord,
            "kk": lambda word: word[:kazakh_prefix],
        }
        # The terms of each token, by the treatment of Cyrillic ('ru' or 'kk'): a corpus has far
        # fewer distinct tokens than tokens, so most tokens cost one lookup.
        self._memo: dict[str, dict[str, tuple[str, ...]]] = {"ru": {}, "kk": {}}

    def document_terms(self, text: str, language: str) -> list[str]:
        """The terms of a stored paragraph in `language` ('en', 'ru', 'kk' or other), with
        repeats, in order."""
        cyrillic = "kk" if language == "kk" else "ru"
        memo = self._memo[cyrillic]
        terms: list[str] = []
        for token in TOKEN.findall(text.lower()):
            found = memo.get(token)
            if found is None:
                if len(memo) >= _MEMO_LIMIT:  # questions bring new words for ever
                    memo.clear()
                found = memo[token] = self._analysed(token, cyrillic)
            terms += found
        return terms

    def query_terms(self, text: str, language: str | None = None) -> list[str]:
        """The distinct terms of a question. Cyrillic words are stemmed both ways (Russian and
        Kazakh) unless the search is limited to one `language`, since a short question says
        little about its language and names are written alike in both."""
        return list(dict.fromkeys(t for word in self.query_words(text, language) for t in word))

    def query_words(
        self,
        text: str,
        language: str | None = None,
        sounds_like: Callable[[str], tuple[str, ...]] | None = None,
    ) -> list[tuple[str, ...]]:
        """The terms of each word of a question that has any (`query_terms` by word), once for
        words with the same terms ("fraud", "frauds"): a word is found in a paragraph that holds
        any of its terms. With `sounds_like`, a name written in Cyrillic ("Кулман") also has the
        Latin terms it gives (`keywords.sounds`)."""
        if language in ("ru", "kk"):
            ways: tuple[str, ...] = (language,)
        elif language:  # a Latin-script language: Cyrillic words are taken as Russian
            ways = ("ru",)
        else:
            ways = ("ru", "kk")
        words = (
            tuple(dict.fromkeys(t for way in ways for t in self.document_terms(token, way)))
            + (_names_sounds(token, sounds_like, first=not i) if sounds_like else ())
            for i, token in enumerate(TOKEN.findall(text))
        )
        return list(dict.fromkeys(word for word in words if word))

    def _analysed(self, token: str, cyrillic: str) -> tuple[str, ...]:
        """A code (a token with digits and joiners) whole and its parts; any other token as its
        stem; function words and lone letters as nothing."""
        parts = _PART.findall(token)
        terms = [token] if is_code(token) else []
        for part in parts:
            if part in _STOP or (len(part) == 1 and not part.isdigit()):
                continue
            if not part.isalpha():  # numbers and words with digits stay as written
                terms.append(part)
            else:
                terms.append(self._stems[cyrillic if _is_cyrillic(part) else "latin"](part))
        return tuple(terms)


def _names_sounds(
    token: str, sounds_like: Callable[[str], tuple[str, ...]], *, first: bool
) -> tuple[str, ...]:
    """The Latin terms of the names in a token written in Cyrillic: its capitalised parts, not
    acronyms ("США"), nor the question word that opens a question ("Сколько")."""
    return tuple(
        term
        for part in _PART.findall(token)
        if _is_cyrillic(part) and part[0].isupper() and not part.isupper()
        if not (first and part.lower() in _ASKING)
        for term in sounds_like(part)
    )
