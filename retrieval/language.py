"""Language detection for releases and questions (English, Russian, Kazakh)."""

from __future__ import annotations

import re

from retrieval.words import STOP_WORDS

UNKNOWN = "und"

# Letters of the Kazakh Cyrillic alphabet that Russian does not use.
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """Return 'en', 'ru' or 'kk' for text in those languages, 'und' when it cannot tell.

    Script decides Latin against Cyrillic; within Cyrillic, the letters only Kazakh uses separate
    Kazakh from Russian (Russian text with a few Kazakh names stays Russian). Latin text counts
    as English only when common English words make up a fair share of it.
    """
    cyrillic = latin = kazakh = 0
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
            if ch in _KAZAKH_LETTERS:
                kazakh += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if cyrillic == 0 and latin == 0:
        return UNKNOWN
    if cyrillic >= latin:
        return "kk" if kazakh / cyrillic >= 0.05 else "ru"
    words = _WORD.findall(text.lower())
    english = sum(1 for w in words if w in STOP_WORDS["en"])
    return "en" if words and english / len(words) >= 0.15 else UNKNOWN
