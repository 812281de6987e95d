"""English terms that sound like a name asked in Cyrillic, for the keyword search.

A Russian or Kazakh question about an English release writes its names in Cyrillic ("Эгберт
Кулман" for "Egbert Koolman"), which no English term matches. Each capitalised Cyrillic word of a
question (no acronym, nor the question word that opens it: `terms.Analyzer.query_words`) is
also looked for as the index's Latin terms that sound alike (`words.spelling`): the
vocabulary's terms are grouped by the first letter of their sound, and those of the word's group
close enough to its sound (`ALIKE`, the share of letters in common) are added to the word's
terms. A Kazakh word keeps its case ending ("Каролинадан", from Carolina): a term also matches
the word's start of its own length.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from retrieval.words import spelling

ALIKE = 0.8
"""The least share of letters a term's sound shares with the word's (difflib's ratio): "Мердок"
and "Murdoch" share 0.83."""

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
            alike = _alike(said, sound) if len(sound) >= len(said) - 1 else 0.0
            if len(sound) >= 5 and 0 < len(said) - len(sound) <= _ENDING:
                alike = max(alike, _alike(said[: len(sound)], sound))  # "Каролинадан": Carolina
            if alike >= ALIKE:
                found.append((-alike, term))
        return tuple(term for _, term in sorted(found)[:MOST])


def _alike(said: str, sound: str) -> float:
    """The share of letters two sounds have in common, or 0 when it is below `ALIKE`."""
    matcher = SequenceMatcher(None, said, sound)
    if matcher.real_quick_ratio() < ALIKE or matcher.quick_ratio() < ALIKE:
        return 0.0
    return matcher.ratio()
