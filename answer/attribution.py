"""Citations: the [n] markers of an answer, each mapped to exactly one shown source
(`resolve_citations`), and checked after generation, so that each sentence points at the shown
sources that hold its facts, whatever markers the small model wrote.

A sentence's facts are the numbers, names and content words it adds to the question (what it
repeats of the question is in every source the search found, so it tells them apart poorly).
The sentence keeps, of the sources it cited that hold about as much of those as the best one,
the one holding most; a cited source that holds too little is dropped, and the best source is
cited where the model cited none or only poor ones. A source is added when it holds a number
or name the chosen ones lack (an answer drawing on two paragraphs cites both).

A sentence that no source supports and that states a number or name no source holds (an
invented figure or party) keeps no citation and is counted, so that the caller can refuse an
answer made of such sentences. One that only words things its own way ("Yes, both reports
agree") keeps the model's markers, as do sentences with nothing to check (nothing beyond the
question, or only words in a script no source is written in). A sentence that only points at
the sources ("This is found in paragraph 5 of the press release [1].") is dropped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from answer import grounding
from answer.grounding import NAME_WEIGHT, NUMBER_WEIGHT, Facts, SourceText, coverage, support
from answer.types import Citation
from retrieval.sentences import sentence_spans, split_sentences
from retrieval.types import Hit

CITATION_MARKER = grounding.CITATION_MARKER
"""A citation marker such as [2] in an answer; group 1 is the number (`grounding`'s, which
reads markers too)."""
_GROUPED = re.compile(r"\[(\d+(?:\s*,\s*\d+)+)\]")
# A marker the reply ends in the middle of ("... жариялады [2]. [1"): generation stopped.
_CUT_MARKER = re.compile(r"[ \t]*\[[\d, ]*$")
# The prompt's own placeholder, copied ("... 200 million US dollars. [n] [2]").
_PLACEHOLDER = re.compile(r"\[n\][ \t]*", re.IGNORECASE)


def normalized_markers(text: str) -> str:
    """Grouped markers such as [1, 3] as [1][3], and a marker cut off at the end dropped (read
    as a figure, "[1" made an answer to "how many?" look as if it stated one), as is the
    prompt's "[n]" written as it stands."""
    text = _PLACEHOLDER.sub("", _CUT_MARKER.sub("", text))
    return _GROUPED.sub(lambda m: "".join(f"[{n.strip()}]" for n in m[1].split(",")), text)


def resolve_citations(text: str, sources: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
    """Drop markers that point to no source; return the cleaned text and the kept citations,
    in order of first appearance. Grouped markers such as [1, 3] become [1][3]; a marker cut
    off at the end is dropped."""
    text = normalized_markers(text)
    cited: dict[int, Citation] = {}

    def keep_or_drop(match: re.Match[str]) -> str:
        number = int(match[1])
        if not 1 <= number <= len(sources):
            return ""
        if number not in cited:
            hit = sources[number - 1]
            cited[number] = Citation(
                number=number, paragraph=hit.paragraph, text=hit.text, **hit.release_fields()
            )
        return match[0]

    cleaned = CITATION_MARKER.sub(keep_or_drop, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    return cleaned, tuple(cited.values())


MIN_SUPPORT = 0.5
"""The share of a sentence's checkable facts a source must hold to be cited for it."""
MARGIN = 0.15
"""A source the model cited can stay while it holds at least the best source's share less this."""

# "[1]", "[1][2]", "[1], [2] and [3]": the model's ways of listing markers.
_MARKER_LIST = r"\[\d+\](?:(?:[ \t]*(?:,|and|&|и|және))*[ \t]*\[\d+\])*"
# A lead-in that names the sources instead of stating something ("[1] and [2] indicate that
# they ...", "The sources [1], [2] and [3] all confirm this, stating that ...", "According to
# [1], the fine ...", "Согласно источникам, ..."): the small model's way of citing at the start.
# It is dropped, and its markers go to the sentence's end as everywhere else; left in place,
# dropping the markers left "... programme. indicate that they ..." or "According to, the".
_CITING_VERB = (
    r"(?:(?:indicate|show|state|say|mention|note|confirm|report|suggest|reveal|explain|"
    r"highlight|emphasi[sz]e|describe|add|agree|specif(?:y|ie)|clarif(?:y|ie))s?"
    r"|указыва\w*|говор\w*|сообща\w*|отмеча\w*|подтвержда\w*|показыва\w*)"
)
_CITES = rf"[ \t]+(?:(?:also|both|all|further|clearly|также)[ \t]+)?{_CITING_VERB}\b"
_MARKERS_AS_SUBJECT = rf"(?>{_MARKER_LIST}){_CITES}"
_SOURCE_NOUN = (
    r"(?:the[ \t]+)?(?:(?:press[ \t]+)?releases?|sources?|документ\w*|источник\w*|пресс-релиз\w*)"
)
_SOURCE_REF = (
    rf"(?:{_SOURCE_NOUN}(?:[ \t]*(?>{_MARKER_LIST}))?|(?:source[ \t]+)?(?>{_MARKER_LIST}))"
)
_LEAD_IN = re.compile(
    rf"^(?:(?:(?:in|в)[ \t]+)?(?:{_SOURCE_NOUN}[ \t]*)?"
    rf"(?:{_MARKERS_AS_SUBJECT}|{_SOURCE_NOUN}{_CITES})"
    r"(?:[ \t]+this)?[ \t]*,?[ \t]*(?:(?:stating|saying|noting)[ \t]+)?(?:(?:that|что)\b)?"
    r"|(?:according to|as (?:stated|mentioned|noted|reported|shown|described) in|as per|per|"
    rf"согласно|как указано в)[ \t]+{_SOURCE_REF}[ \t]*,?"
    rf"|(?:in|в)[ \t]+(?>{_MARKER_LIST})[ \t]*,?)"
    r"[ \t]*(?=\w)",
    re.IGNORECASE,
)
_YES_OR_NO = re.compile(r"(?:yes|no|да|нет|иә|жоқ)[ \t]*,[ \t]*", re.IGNORECASE)
# The same at the sentence's end: "..., as [3] shows.", "... according to the sources [1]."
# Whole words only: "Sirojiddin Muhriddin [2]." does not end in "in [2]".
_TRAILING_SOURCE = re.compile(
    rf",?[ \t]*\b(?:as[ \t]+(?>{_MARKER_LIST}){_CITES}"
    r"|(?:as (?:stated|mentioned|noted|reported|shown|described) in|according to|as per|согласно)"
    rf"[ \t]+{_SOURCE_REF}|in[ \t]+(?>{_MARKER_LIST}))(?=[ \t]*[.!?…]?[ \t]*$)",
    re.IGNORECASE,
)
_SUBJECT_START = re.compile(rf"(?<=[.!?…])[ \t]+(?={_MARKERS_AS_SUBJECT})", re.IGNORECASE)
_MARKERS_AFTER_STOP = re.compile(
    rf"(\S*\w)([.!?…])((?>(?:[ \t]*{_MARKER_LIST})+))(?!{_CITES})",
    re.IGNORECASE,
)
_LISTED_MARKERS = re.compile(_MARKER_LIST)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr no inc co ltd corp gen gov sen rep ст г им".split()  # noqa: SIM905
)
_EMPTY_BRACKETS = re.compile(r"\(\s*(?:(?:sources?|источник\w*|дереккөз\w*)\s*:?)?\s*\)", re.I)
# A sentence that only points at the sources ("This information is found in paragraph 5 of
# the press release [1].", "This is stated in the release [1] and [2].", "The sources are [1],
# [2]."): the citations say it better. What
# such a sentence goes on to add ("This is emphasized in the press release and confirmed at
# the meeting, where the sides agreed to deepen relations.") is padding, not the answer.
_POINTER = re.compile(
    r"^(?:this|that|the|these)\b[^.]{0,40}?\b(?:is|are|can be|was)\s+"
    r"(?:found|seen|stated|mentioned|given|provided|reported|taken|noted|confirmed|emphasi[sz]ed|"
    r"highlighted|indicated|described|outlined|announced|shown|explained|cited|listed)"
    # "... is cited [2][3].", "... found in both [1] and [2]."
    r"(?:\s+(?:in|from)\b(?:\s+(?:both|all|each)\b)?|(?=[\s,.and]*$))"
    r"(?:\s+(?:the|this|that|these)\s+(?:press\s+)?releases?)?"
    r"(?:[\s,.and]*$|[^.]*\b(?:paragraph|source|(?:press )?release|document)s?\b)"
    # "Это указывается в [2] и [3]."
    r"|^(?:это|эт[оа] информация)\s+(?:указ\w+|говорится|приводится|упоминается|содержится)"
    r"\s+в[\s,.и]*$"
    r"|^(?:the\s+)?sources?(?:\s+(?:are|is)|:)[\s,.and]*$"
    # "The press release, paragraph 5, and ... paragraph 4, both quote this information."
    r"|^(?:the\s+)?(?:press\s+)?release\b[^.]*\b(?:quote|state|mention|confirm|contain|say)s?"
    r"\s+(?:this|it|that|the same)(?:\s+(?:information|fact|answer|figure))?[\s.]*$"
    # "The sources [2] and [3] confirm this information."
    rf"|^{_SOURCE_NOUN}[\s,&]*(?:and[\s,]*)*{_CITES}(?:\s+(?:this|it|that|so)\b)?"
    r"(?:\s+(?:information|fact|answer|statement)s?)?[\s.]*$",
    re.IGNORECASE,
)
_EMPTY_REST = re.compile(
    r"\W*(?:(?:this|it|that|so|the|information|fact|answer|statement)s?\b\W*)*", re.IGNORECASE
)
_TRAILING_PUNCTUATION = re.compile(r"([.!?…:;]+[\"'”»)]*)\s*$")


@dataclass(frozen=True)
class Attribution:
    """An answer's text with its markers re-pointed, and how many of its sentences a source
    supports (`supported`) or none does (`unsupported`; sentences with nothing checkable are
    neither)."""

    text: str
    supported: int
    unsupported: int
    opens_unsupported: bool = False
    """Whether the first sentence with something to check is unsupported."""

    @property
    def invented(self) -> bool:
        """Whether the answer is made of unsupported sentences only, or opens with one (the
        answer itself, then padding a source holds: "Tairod Pugh received 15 years. This was
        the first conviction after a trial in the Eastern District of New York [1]."): to be
        refused."""
        return self.unsupported > 0 and (self.opens_unsupported or not self.supported)


def attribute_citations(text: str, sources: Sequence[Hit], question: str = "") -> Attribution:
    """Point each sentence of `text` at the sources ([n] = sources[n - 1]) that hold its facts:
    those it adds to the `question` (a small model repeats the question in its answer, and the
    repeated words are in every source the search found)."""
    vocabularies = [SourceText.of(hit) for hit in sources]
    asked = Facts.of(question)
    text = _MARKERS_AFTER_STOP.sub(_before_the_stop, normalized_markers(text))
    supported = unsupported = 0
    opens_unsupported = False
    lines = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        sentences = _sentences(line)
        rewritten = []
        for sentence in sentences:
            said = grounding.titles_as_release(CITATION_MARKER.sub("", sentence).strip(), sources)
            if _POINTER.match(said) or grounding.says_it_is_unstated(said):
                continue  # "This is found in paragraph 5 [1]." says nothing
            sentence = _without_source_clauses(sentence)
            markers = [int(m[1]) for m in CITATION_MARKER.finditer(sentence)]
            markers = [n for n in markers if 1 <= n <= len(sources)]
            bare = CITATION_MARKER.sub("", sentence).strip()
            if not bare or _POINTER.match(bare):  # "[3]" alone on its line, or what is left
                continue  # once the lead-in is dropped, states nothing
            lead_in = bare.endswith(":")  # "Two points:"
            claim = grounding.unheard(Facts.of(sentence).beyond(asked), sentence, question)
            chosen = None if lead_in else _choose(claim, markers, vocabularies)
            if chosen is None:  # nothing to check: as the model wrote it
                rewritten.append(sentence)
                continue
            if not (supported or unsupported):  # the first sentence with something to check
                opens_unsupported = not chosen
            supported += bool(chosen)
            unsupported += not chosen
            rewritten.append(_with_markers(sentence, chosen))
        lines.append(indent + " ".join(rewritten) if rewritten or not sentences else "")
    return Attribution("\n".join(lines), supported, unsupported, opens_unsupported)


def _before_the_stop(match: re.Match[str]) -> str:
    """ "... a fine. [1] The ..." -> "... a fine [1]. The ...", but not across the stop of an
    abbreviation ("U.S. [1] Attorney", "ст. [1] 190"), which does not end the sentence."""
    word = match[1].rsplit(None, 1)[-1].lower() if match[1].strip() else ""
    if len(word.rstrip(".")) < 2 or "." in word or word in _ABBREVIATIONS:
        return match[0]
    return f"{match[1]} {match[3].strip()}{match[2]}"


def _without_source_clauses(sentence: str) -> str:
    """ "[1] and [2] indicate that they met." -> "They met [1][2].", "According to [1], the
    fine ..." -> "The fine ... [1].", "... a fine, as [3] shows." -> "... a fine [3]."; other
    sentences as they are."""
    trailing = _TRAILING_SOURCE.search(sentence)
    if trailing and trailing.start() > 0:
        kept = sentence[: trailing.start()] + sentence[trailing.end() :]
        sentence = _with_markers(kept, _numbers(trailing[0] + kept))
    yes = _YES_OR_NO.match(sentence)  # "Yes, [1] and [2] indicate that ..." keeps its "Yes, "
    opener = yes[0] if yes else ""
    lead = _LEAD_IN.match(sentence[len(opener) :])  # (its "^" is the text's start, not pos)
    if lead is None:
        return sentence
    rest = sentence[len(opener) + lead.end() :]
    if _EMPTY_REST.fullmatch(CITATION_MARKER.sub("", rest)):
        return sentence  # "The sources [2] and [3] confirm this." points, states nothing
    rest = opener + (rest if opener else rest[:1].upper() + rest[1:])
    return _with_markers(rest, _numbers(lead[0] + rest))


def _sentences(line: str) -> list[str]:
    """The line's sentences; a lone list number ("1.") joins the sentence after it, and
    markers that open a sentence ("... met. [1] shows that ...") start one."""
    if not line.strip():
        return [line] if line else []
    sentences: list[str] = []
    for piece in (p for s in split_sentences(line) for p in _SUBJECT_START.split(s)):
        if sentences and re.fullmatch(r"\W*\d+[.)]", sentences[-1]):
            piece = f"{sentences.pop()} {piece}"
        if piece:
            sentences.append(piece)
    return sentences


def _choose(claim: Facts, cited: list[int], sources: Sequence[SourceText]) -> list[int] | None:
    """The source numbers to cite for a claim: [] if no source supports it, None if nothing in
    it can be checked."""
    if claim.empty:
        return None
    shares = [support(claim, source) for source in sources]
    checkable = [share for share in shares if share is not None]
    if not checkable:
        return None
    best = max(checkable)
    if best < MIN_SUPPORT:
        together = _cover(claim, sources)  # "A is X [1] and B is Y [2]" in one sentence
        if len(together) > 1:
            return together
        # Unsupported when it states a number or name no source holds (an invented figure or
        # party) and every source could be checked; a sentence that only words things its own
        # way ("Yes, both reports agree") is left as written.
        if len(checkable) < len(shares) or not _missing(claim, sources):
            return None
        return []
    floor = max(MIN_SUPPORT, best - MARGIN)
    held = [n for n in dict.fromkeys(cited) if (shares[n - 1] or 0.0) >= floor]
    # One of those cited that hold it: "$2.725 million [1][2][3][4]" (four say it) cites one.
    chosen = [max(held, key=lambda n: shares[n - 1] or 0.0) if held else shares.index(best) + 1]
    # A number or name that no chosen source holds: cite the source that holds most of them.
    while (extra := _next_source(claim, chosen, sources)) is not None:
        chosen.append(extra)
    return chosen


def _cover(claim: Facts, sources: Sequence[SourceText]) -> list[int]:
    """Sources that together hold at least MIN_SUPPORT of the claim, each adding a number or
    name the others lack, best first; [] if no such set exists."""
    chosen: list[int] = []
    while (extra := _next_source(claim, chosen, sources)) is not None:
        chosen.append(extra)
        union = SourceText(
            frozenset().union(*(sources[n - 1].numbers for n in chosen)),
            frozenset().union(*(sources[n - 1].prefixes for n in chosen)),
            frozenset().union(*(sources[n - 1].scripts for n in chosen)),
        )
        if (support(claim, union) or 0.0) >= MIN_SUPPORT:
            return chosen
    return []


def _next_source(claim: Facts, chosen: list[int], sources: Sequence[SourceText]) -> int | None:
    """The source that holds most of the claim's numbers and names the chosen ones lack; None
    if none holds at least one name's worth."""
    missing = _missing(claim, [sources[n - 1] for n in chosen]) if chosen else _all(claim)
    gains = {
        n: sum(weight for key, weight in missing.items() if _holds(sources[n - 1], key))
        for n in range(1, len(sources) + 1)
        if n not in chosen
    }
    extra = max(gains, key=lambda n: (gains[n], -n), default=None)
    return None if extra is None or gains[extra] < NAME_WEIGHT else extra


def _all(claim: Facts) -> dict[str | tuple[str, str], float]:
    """The claim's numbers and names, with their weights."""
    return {n: NUMBER_WEIGHT for n in claim.numbers} | {n: NAME_WEIGHT for n in claim.names}


def _missing(claim: Facts, chosen: Sequence[SourceText]) -> dict[str | tuple[str, str], float]:
    """The claim's numbers and names that none of the chosen sources holds, with weights."""
    return {
        key: weight
        for key, weight in _all(claim).items()
        if not any(_holds(source, key) for source in chosen)
        and any(_checks(source, key) for source in chosen)
    }


def _holds(source: SourceText, key: str | tuple[str, str]) -> bool:
    return key in source.numbers if isinstance(key, str) else source.has_name(key)


def _checks(source: SourceText, key: str | tuple[str, str]) -> bool:
    return isinstance(key, str) or source.checks(key)


def _numbers(text: str) -> list[int]:
    """The numbers of the text's markers, each once, in order."""
    return list(dict.fromkeys(int(m[1]) for m in CITATION_MARKER.finditer(text)))


def _with_markers(sentence: str, numbers: list[int]) -> str:
    """The sentence with its markers replaced by `numbers`, before its closing punctuation."""
    bare = _EMPTY_BRACKETS.sub("", _LISTED_MARKERS.sub("", sentence))
    bare = re.sub(r"[ \t]+([.,;:!?])", r"\1", bare).rstrip()
    bare = re.sub(r"[ \t]{2,}", " ", bare)
    if not numbers:
        return bare
    markers = "".join(f"[{n}]" for n in numbers)
    end = _TRAILING_PUNCTUATION.search(bare)
    if not end:
        return f"{bare} {markers}"
    head, stop = bare[: end.start()].rstrip(), end[1]
    if stop.startswith("..") and not stop.startswith("..."):  # "Moore Sr. [4].": the
        head, stop = f"{head}.", stop[1:]  # abbreviation keeps its stop
    return f"{head} {markers}{stop}"


def with_quotes(
    text: str, citations: Sequence[Citation], question: str = ""
) -> tuple[Citation, ...]:
    """Each citation with its `quote`: the sentence of the cited paragraph (or two in a row)
    that holds most of what the first answer sentence citing it states beyond the `question`,
    so that a reader sees where in the paragraph the answer stands. No quote where the
    paragraph's sentences hold none of it."""
    asked = Facts.of(question)
    claims: dict[int, list[Facts]] = {}
    for sentence in _sentences(text.replace("\n", " ")):
        for number in _numbers(sentence):
            claims.setdefault(number, []).append(Facts.of(sentence))
    quoted = []
    for citation in citations:
        quotes = (_quote(claim, citation.text, asked) for claim in claims.get(citation.number, []))
        quoted.append(dataclasses.replace(citation, quote=next(filter(None, quotes), "")))
    return tuple(quoted)


def _quote(stated: Facts, paragraph: str, asked: Facts) -> str:
    """The run of at most two sentences of `paragraph` holding the most of what a sentence
    states beyond the question (two only where the second adds some), then of what it
    repeats; "" if none holds any of it."""
    own = stated.beyond(asked)
    spans = sentence_spans(paragraph)
    best: tuple[float, int, float] = (0.0, 0, 0.0)
    quote = ""
    for i in range(len(spans)):
        for j in range(i, min(i + 2, len(spans))):
            window = SourceText.of_text(paragraph[spans[i][0] : spans[j][1]])
            score = (coverage(own, window)[0], i - j, coverage(stated, window)[0])
            if score > best:
                best, quote = score, paragraph[spans[i][0] : spans[j][1]]
    return quote
