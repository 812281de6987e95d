"""Splitting text into sentences, for cutting long paragraphs and deriving titles."""

from __future__ import annotations

import re

# A sentence ends at . ! ? … (optionally followed by a closing quote or bracket), then space,
# then a capital letter, digit, currency sign ("$6 million goes to ...") or opening quote.
_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”»)]))\s+(?=[\"'“«(]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9$€£₸])")
# Also before a small letter: a run-on ("... programme. indicate that ...").
_ANY_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”»)]))\s+")
# Words that end with a period without ending the sentence ("United States v. J & R
# Associates", "ex rel. Steven Radjenovich", "Ft. Lauderdale").
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen sen rep gov lt col sgt capt prof no vs v rel ft jan feb mar apr "  # noqa: SIM905
    "jun jul aug sep sept oct nov dec u.s a.m p.m approx dept г им ул".split()
)
_INITIAL = re.compile(r"(?:^|[\s.(])[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.$")
# A company's name goes on after "Inc." or "Co." with its short name in brackets or another
# suffix: "Wayne County Therapeutic Inc. (WCT)", "Furukawa Electric Co. Ltd. pleaded ...".
_SUFFIXES = r"Inc|Co|Corp|Ltd|LLC|L\.P|S\.A"
_COMPANY = re.compile(rf"\b(?:{_SUFFIXES}|B\.V)\.$")
_NAME_GOES_ON = re.compile(rf"\(|(?:{_SUFFIXES}|KG|AG|GmbH)(?=[.,\s]|$)")


def split_sentences(text: str, *, run_ons: bool = False) -> list[str]:
    """The sentences of a text, in order; abbreviations and initials do not end a sentence.
    With `run_ons`, a stop followed by a small letter ends one too ("... programme. indicate
    that ..."), but still not after an abbreviation ("the U.S. attorney")."""
    sentences: list[str] = []
    for piece in (_ANY_END if run_ons else _END).split(text.strip()):
        piece = piece.strip()
        if not piece:
            continue
        if sentences and _ends_without_stop(sentences[-1], piece):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _ends_without_stop(sentence: str, after: str) -> bool:
    """Whether the sentence's last stop is an abbreviation's, the text `after` it going on."""
    if not sentence.endswith("."):
        return False
    last_word = sentence.rsplit(None, 1)[-1].rstrip(".").lower()
    if _COMPANY.search(sentence) and _NAME_GOES_ON.match(after):
        return True
    return last_word in _ABBREVIATIONS or bool(_INITIAL.search(sentence))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences `split_sentences` finds lie in `text`: (start, end) offsets, so that
    a sentence can be shown in place (highlighted in its paragraph)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*_END.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        first, last = start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())
        start = match.end() if match else len(text)
        if first >= last:
            continue
        if spans and _ends_without_stop(text[spans[-1][0] : spans[-1][1]], text[first:last]):
            spans[-1] = (spans[-1][0], last)
        else:
            spans.append((first, last))
    return spans
