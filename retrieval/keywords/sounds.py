"""English terms that sound like a name asked in Cyrillic, for the keyword search.

A Russian or Kazakh question about an English release writes its names in Cyrillic ("Эгберт
Кулман" for "Egbert Koolman"), which no English term matches. Each capitalised Cyrillic word of a
question (no acronym, nor the question word that opens it: `terms.Analyzer.query_words`) is
also looked for as the index's Latin terms that sound alike (`words.spelling`): the
vocabulary's terms are grouped by the first letter of their sound, and those of the word's group
close enough to its sound (`words.ALIKE`, the share of letters in common) are added to the word's
terms. A Kazakh word keeps its case ending ("Каролинадан", from Carolina): a term also matches
the word's start of its own length.
"""

from __future__ import annotations

from collections.abc import Iterable

from retrieval.words import ALIKE, alike, spelling

MOST = 3
"""Terms added per name at most: "Кулман" also sounds like "Cullman" and "Claman"."""
_MIN_SOUND = 4  # shorter sounds ("Бо", "Ду") match too many terms
_ENDING = 6  # the longest case ending taken off a word ("-дағы", "-ның", "-ну")


class Sounds:
    """The Latin terms of a vocabulary by their sound, to find the terms a Cyrillic name sounds
    like."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._groups: dict[str, list[tuple[str, str]]] = {}
        for term in terms:
            sound = spelling(term) if term.isascii() and term.isalpha() else ""
            if len(sound) >= _MIN_SOUND:
                self._groups.setdefault(sound[:1], []).append((sound, term))

    def like(self, word: str) -> tuple[str, ...]:
        """The (at most `MOST`) terms that sound most like a Cyrillic word ("Кулман":
        "koolman")."""
        said = spelling(word)
        if len(said) < _MIN_SOUND:
            return ()
        found = []
        for sound, term in self._groups.get(said[:1], ()):
            share = alike(said, sound) if len(sound) >= len(said) - 1 else 0.0
            if len(sound) >= 5 and 0 < len(said) - len(sound) <= _ENDING:
                share = max(share, alike(said[: len(sound)], sound))  # "Каролинадан": Carolina
            if share >= ALIKE:
                found.append((-share, term))
        return tuple(term for _, term in sorted(found)[:MOST])
