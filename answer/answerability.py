"""Whether the sources can answer a question, decided before the model is asked, and the
refusal that says what was searched and which releases came closest. A question naming people,
places, companies or figures the shown sources never mention is about something else, which the
small model answers anyway from the nearest paragraph: the share of its names and numbers some
source holds (title, date, text; a name asked in Cyrillic of an English release, by its sound)
must reach `MIN_NAMED`; one with nothing checkable ("How much did he pay?") is left to the model.
The prompt asks for "Yes" or "No" first; the small model also opens a fifth of its answers to
"what" questions with "Yes,", which `without_stray_yes` cuts.

After the model, an answer that says nothing the question did not (`restates_question`: "They
agreed on a joint space programme [1]." for a release that never mentions space) is no answer
and is refused; so are answers that write back a premise no source holds, give a maximum
penalty as the one imposed, state no figure, date or name for a question asking for one, or say
yes over paragraphs that cannot confirm it (`why_unreliable` lists them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from answer import dates, grounding
from answer.attribution import CITATION_MARKER, Attribution
from answer.checks.figures import (
    gives_a_maximum_as_imposed,
    lacks_the_asked_date,
    lacks_the_asked_figure,
)
from answer.grounding import (
    NAME_WEIGHT,
    NUMBER_WEIGHT,
    Facts,
    SourceText,
    capitalised_words,
    gives_another_sum,
)
from answer.questions import (
    OPENS_WITH_YES,
    YES_NO_PARTICLES,
    AskedFigure,
    asked_sum,
    asks_for_a_fact,
    asks_for_a_figure,
    asks_for_a_name,
    figures_for,
    offers_a_choice,
    own_figures,
)
from answer.types import Turn
from prompts import load_prompt, prompt_language, refusal
from retrieval.dates import (
    days_of_month,
)
from retrieval.language import UNKNOWN, detect_language
from retrieval.sentences import split_sentences
from retrieval.types import Hit
from retrieval.words import (
    ALL_STOP_WORDS,
    KAZAKH_LETTERS,
    WORD,
    content_words,
    sounds_like,
    spelled_acronyms,
)

MIN_NAMED = 0.5
"""The share of a question's names and numbers the sources must hold (calibrated on the dev
sets' null questions; BENCHMARKS.md)."""
CLOSEST_RELEASES = 3
Key = tuple[str, str]  # a word's script and comparison key (`grounding.Facts`)

# Words that say nothing of their own in an answer to a question for a fact.
_EMPTY_WORDS = frozenset("yes no да нет иә жоқ".split())  # noqa: SIM905
_BARE_NO = re.compile(r"^\W*(?:no|нет|жоқ)\W*(?:\[\d+\]\W*)*$", re.IGNORECASE)
_NO = r"(?:no|нет|жоқ)\s*[,.;:!—–-]"  # "No" only with its comma: "No one was charged" answers
STRAY_NO = re.compile(rf"^\s*{_NO}", re.IGNORECASE)
_CAPITALISED = "[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+"
_PERSON = re.compile(rf"\b({_CAPITALISED})\s+({_CAPITALISED})\b")  # "Тарас Байырдын"
# "The answer is [1].", "... the answer is: The answer is [1].": the small model's reply when
# it has none (held out, session 40), "Ответ: [1]".
_POINTS_AT_AN_ANSWER = re.compile(
    r"\b(?:the answer is|ответ(?: на (?:этот|ваш) вопрос)?(?: такой)?|жауап)\s*:?\s*(?:\[\d+\]|$)",
    re.IGNORECASE | re.MULTILINE,
)
_STRAY_YES = re.compile(rf"^\s*(?:(?:yes|да|иә)\b|{_NO})[\s,.;:!—–-]*", re.IGNORECASE)


def named_share(
    question: str, sources: Sequence[Hit], releases: Mapping[str, str] | None = None
) -> float | None:
    """The weighted share of the question's names and numbers that some source holds; None when
    it has none that can be checked against these sources. With `releases` (release text by id),
    a source holds what its whole release says ("... David Levick's company ..." is named in
    the first paragraph only); one spelling out an acronym of the question holds it."""
    facts = Facts.of(question)
    vocabularies = _vocabularies(sources, releases)
    found = checked = 0.0
    texts = [with_release(hit, releases) for hit in sources]
    acronyms = {w for w in WORD.findall(question) if len(w) > 1 and w.isupper()}  # "CPA" is held
    spelled = {
        grounding.word_key(a) for a in acronyms if any(spelled_acronyms(t, a) for t in texts)
    }
    cyrillic = [key for script, key in facts.names if script == "cyrillic"]
    if cyrillic and {script for v in vocabularies for script in v.scripts} == {"latin"}:
        # Names asked in Cyrillic, by their sound ("Кулман": "Koolman"; `grounding.heard_in`).
        told = grounding.heard_in(question, cyrillic, texts)
        checked, found = NAME_WEIGHT * len(told), NAME_WEIGHT * sum(told)
    # Small whole numbers ask for a count ("the 3 main points"); years, amounts, decimals count.
    for number in (n for n in facts.numbers if "." in n or float(n) >= 100):
        checked += NUMBER_WEIGHT
        found += NUMBER_WEIGHT * any(number in v.numbers for v in vocabularies)
    for name in facts.names:
        if vocabularies and all(v.checks(name) for v in vocabularies):
            checked += NAME_WEIGHT
            held = name[1] in spelled or any(v.has_name(name) for v in vocabularies)
            found += NAME_WEIGHT * held
    return found / checked if checked else None


def with_release(hit: Hit, releases: Mapping[str, str] | None) -> str:
    """A source's title with its whole release where `releases` has it (by release id), else
    with its paragraph: what the checks read a source's names in."""
    return f"{hit.title}\n{(releases or {}).get(hit.release_id, hit.text)}"


def _vocabularies(sources: Sequence[Hit], releases: Mapping[str, str] | None) -> list[SourceText]:
    """Each source's vocabulary (`with_release`, and its date)."""
    return [SourceText.of_text(with_release(hit, releases), hit.date) for hit in sources]


def is_answerable(
    question: str,
    sources: Sequence[Hit],
    min_named: float = MIN_NAMED,
    releases: Mapping[str, str] | None = None,
) -> bool:
    """False when the sources (or their releases, see `named_share`) miss too much of what the
    question names."""
    share = named_share(question, sources, releases)
    return share is None or share >= min_named


def refusal_with_closest(language: str, sources: Sequence[Hit], *, unsure: bool = False) -> str:
    """The refusal in the asker's language (`unsure`: see `prompts.refusal`), then the releases
    that came closest (title and date), so that a refusal leads somewhere."""
    releases = {hit.release_id: hit for hit in sources}  # in the order first found
    lines = [refusal(language, unsure=unsure)]
    if releases:
        lines.append(load_prompt(f"closest_{prompt_language(language)}"))
        lines += [
            f"- {hit.title or hit.release_id} ({hit.date.isoformat() if hit.date else '—'})"
            for hit in list(releases.values())[:CLOSEST_RELEASES]
        ]
    return "\n".join(lines)


def without_stray_yes(answer: str, question: str) -> str:
    """The answer without an opening "Yes," or "No," ("Да,", "Иә,", "Нет,", "Жоқ,") when the
    question asks for a fact: "Yes, he was sentenced to 15 years" answers "How long ...?"; and
    without a "Yes," that other days than the asked one follow (`says_yes_to_other_days`)."""
    if not asks_for_a_fact(question) and not dates.says_yes_to_other_days(answer, question):
        return answer
    rest = _STRAY_YES.sub("", answer, count=1)
    return rest[:1].upper() + rest[1:] if rest != answer else answer


def restates_question(answer: str, question: str) -> bool:
    """Whether an answer to a question for a fact states nothing the question does not: no
    number and no word of its own ("The pharmacy that filled the prescriptions is [2].", or the
    question written back). Not for a yes-or-no question ("Yes, both did.") nor one that offers
    the answers to choose from ("Was it filed in Ohio or in Texas?"), unless it is the question
    word for word ("Кулман?" got "Кулман? [1]"). A word is the question's
    when it is one of its words or, from four letters, shares its first five letters with one
    ("agreed" and "agree", "келісімінде" and "келісім").

    Over paragraphs in another script too (session 40): the Russian "В рамках общенациональной
    операции ... Куану [1]." for "В рамках какой общенациональной операции ...?" answers nothing,
    and "Договорились главы МИД ... о строительстве гидроэлектростанции [1]." confirms a premise
    its English release never states (BENCHMARKS.md, session 40)."""
    said = [word.lower() for word in WORD.findall(CITATION_MARKER.sub(" ", answer))]
    if said == [word.lower() for word in WORD.findall(question)]:
        return True
    return (
        asks_for_a_fact(question)
        and not offers_a_choice(question)
        and adds_nothing(answer, question)
    )


def echoes_a_yes_no_question(answer: str, question: str, sources: Sequence[Hit]) -> bool:
    """Whether an answer to a yes-or-no question over paragraphs in another script than the
    question's is a yes and the question back, the question back with its particle, or a bare
    no, nothing else ("Да, Тоқаев посетил Душанбе [1]." over an English release that never
    names him, "Нұртілеу Душанбеге барды ма. [1]", "No [1]." over an I-9 audit paragraph for
    "... жексенбі күні жұмыс істей ме?"): what it says cannot be looked for across scripts
    (the name check reads names in their own script), and it gives nothing of its own a reader
    could find in the paragraph it cites."""
    if asks_for_a_fact(question) or offers_a_choice(question):
        return False
    said = {word.lower() for word in WORD.findall(answer)}
    if not (OPENS_WITH_YES.match(answer) or YES_NO_PARTICLES & said or _BARE_NO.match(answer)):
        return False
    return (
        adds_nothing(answer, question)
        and grounding.script_shown(answer, question, sources) is False
    )


def confirms_an_unnamed(
    answer: str, question: str, sources: Sequence[Hit], releases: Mapping[str, str]
) -> bool:
    """Whether a yes answers a yes-or-no question naming someone or somewhere that no source
    (nor its release) writes in any script (`grounding.unwritten_names`): "Тоқаев Душанбеге
    барды ма?" answered "Yes, ... Murat Nurtleu ... in Dushanbe [1]." over a release that never
    names Tokayev. A yes confirms what the question names; the model gave one about another."""
    if asks_for_a_fact(question) or offers_a_choice(question) or not OPENS_WITH_YES.match(answer):
        return False
    texts = {hit.release_id: with_release(hit, releases) for hit in sources}  # each once
    return bool(grounding.unwritten_names(question, list(texts.values())))


def adds_nothing(answer: str, question: str) -> bool:
    """Whether an answer states no number and no word the question does not (besides function
    words, yes or no, and an acronym of the question spelled out: `spelled_acronyms`)."""
    bare = CITATION_MARKER.sub(" ", answer)
    if Facts.of(bare).numbers - Facts.of(question).numbers:
        return False
    folded = [word.lower().translate(KAZAKH_LETTERS) for word in WORD.findall(question)]
    unsaid = ALL_STOP_WORDS | _EMPTY_WORDS | spelled_acronyms(bare, question)
    return all(
        grounding.is_asked(word, folded)
        for word in (w.lower() for w in WORD.findall(bare))
        if not word.isdigit() and word not in unsaid
    )


def asserts_unsupported_premise(
    answer: str, question: str, sources: Sequence[Hit], releases: Mapping[str, str] | None = None
) -> bool:
    """Whether an answer to a question for a fact writes back two names the question gives that
    no source (nor, with `releases`, the sources' whole releases) holds ("... required
    Halvorsen Cement to divest its North Troy quarry [1]." for "... Halvorsen Cement ... Prairie
    Aggregates?" over Martin Marietta's release), or a sentence of it only writes the question
    back (`restates_question`) with such a word ("The ministers agreed about a joint space
    programme."), unless the answer states a figure the question does not ("How much did he
    admit funneling ...?": "... The amount is $17,500."): it states as fact what the question
    supposes. Words are looked for only in sources of their script."""
    if not asks_for_a_fact(question) or offers_a_choice(question):
        return False
    vocabularies = _vocabularies(sources, releases)
    written_back = Facts.of(question).names & Facts.of(answer).names
    if len(_unheld({key for key in written_back if len(key[1]) >= 4}, vocabularies)) >= 2:
        return True  # one may be worded otherwise ("U.S. Code", "U.S.C."); two name another
    if own_figures(answer, question):
        return False  # a figure the question lacks: an answer, however the question was worded
    # Also cut at a full stop before a small letter ("... programme. indicate that ...").
    return any(
        restates_question(sentence, question)
        and _unheld(Facts.of(sentence).names | Facts.of(sentence).words, vocabularies)
        for sentence in split_sentences(CITATION_MARKER.sub(" ", answer), run_ons=True)
    )


def _unheld(keys: Iterable[Key], vocabularies: Sequence[SourceText]) -> list[Key]:
    """The words no source holds that a source in their script could."""
    return [
        key
        for key in keys
        if (checked := [vocabulary for vocabulary in vocabularies if vocabulary.checks(key)])
        and not any(vocabulary.has_name(key) for vocabulary in checked)
    ]


# Numbers that state no figure: a release's date and paragraph where an answer names them
# ("... Mines (2016-07-15), paragraph 5: ...").
_NOT_FIGURES = re.compile(r"\d{4}-\d\d-\d\d|\b(?:paragraph|абзац|параграф)\w*\s+\d+", re.I)


def states_an_unheld_figure(
    answer: str, question: str, sources: Sequence[Hit], releases: Mapping[str, str] | None = None
) -> bool:
    """Whether an answer to a question for a figure states one (no day of a month) that no
    source, nor its release, holds: "$625,000. $250,000 [1]" over a release giving $625,000
    and $325,000, or "$1,000 per feather" over one that gives no price."""
    if not asks_for_a_figure(question):
        return False
    said = _NOT_FIGURES.sub(" ", answer)
    held = {n for vocabulary in _vocabularies(sources, releases) for n in vocabulary.numbers}
    return bool(figures_for(said, question) - days_of_month(said) - held)


def lacks_the_asked_name(answer: str, question: str) -> bool:
    """Whether a question for a name ("What is the name of ...", "Who ...", "Which company
    ...", "Кто ...", "Кім ...") gets an answer that names nothing the question does not: it
    writes the question's names back ("Thomas E. Carr used to run a Lakewood, N.J.-based
    company"), or gives only initials, as releases write victims ("A.M."). One that states a
    figure of its own answers something ("Who can apply?": "18-29 жастағы студенттер")."""
    if not asks_for_a_name(question) or own_figures(answer, question):
        return False
    asked = Facts.of(question)
    return not capitalised_words(answer) - asked.names - asked.words


def invents_a_name(
    answer: str, question: str, sources: Sequence[Hit], releases: Mapping[str, str] | None = None
) -> bool:
    """Whether an answer in Cyrillic over sources in another script names someone, first name
    and surname, whom the question does not name and no source, nor its release, writes a name
    sounding like the surname (`sounds_like`): "... бұрынғы шериф - Тарас Байырдын [1]." over
    English paragraphs about a securities broker. The citation checks read names in their own
    script only."""
    if grounding.script_shown(answer, question, sources) is not False:
        return False
    key = grounding.word_key
    asked = {key(word) for word in WORD.findall(question)}
    named = [m for m in _PERSON.finditer(answer) if not {key(m[1]), key(m[2])} & asked]
    texts = [with_release(hit, releases) for hit in sources]
    heard = {name for text in texts for name in re.findall(r"\b[A-Z][a-z]{3,}", text)}
    return any(not any(sounds_like(m[2], name) for name in heard) for m in named)


def copies_the_last_answer(answer: str, question: str, history: Sequence[Turn]) -> bool:
    """Whether a follow-up for a figure is answered with figures (none the question's) that the
    answer before it all stated: "А на какую сумму Казахстан расширит поставки?" after "...
    2 миллиард АҚШ доллары көлемінде тауар айналымын көздейді [1]." got "Казахстан расширит
    поставки до 2 миллиард АҚШ долларов [1]." (the supplies' sum is 200 million). Not where
    it shares a word with the question before: it may ask for the same figure again."""
    last = next((turn.content for turn in reversed(history) if turn.role == "assistant"), "")
    before = next((turn.content for turn in reversed(history) if turn.role == "user"), "")
    if {w[:5] for w in content_words(question)} & {w[:5] for w in content_words(before)}:
        return False  # "And how much was the fine?" after "What fine ...?": the same figure
    asked = asks_for_a_figure(question) or AskedFigure.of(question)  # "На какую сумму ...?"
    figures = own_figures(answer, question) if last and asked else set()
    return bool(figures) and figures <= Facts.of(last).numbers


def why_unreliable(
    attribution: Attribution,
    question: str,
    sources: Sequence[Hit],
    releases: Mapping[str, str],
    language: str = "en",
    history: Sequence[Turn] = (),
) -> str | None:
    """Why an answer, its citations checked, is none a reader could rely on; None if it is
    one. The reason is for the log. `language`: the one the model was asked to answer in; an
    answer to a question in another language asked for again in English and written otherwise
    ("Edmond de Rothschild bankтері ... бойынша 45.245 миллиона долларық төлейді [3].") is no
    answer its lead ("the answer in the sources' language") can stand by."""
    text = attribution.text
    if attribution.invented:
        return "no source holds its facts"
    if _POINTS_AT_AN_ANSWER.search(text):
        return "it points at an answer it does not give"
    asked_again = language == "en" and detect_language(question) not in ("en", UNKNOWN)
    if asked_again and detect_language(grounding.MARKERS.sub(" ", text)) not in ("en", UNKNOWN):
        return "it is not written in English, as asked"
    if (
        restates_question(text, question)
        or echoes_a_yes_no_question(text, question, sources)
        or confirms_an_unnamed(text, question, sources, releases)
        or asserts_unsupported_premise(text, question, sources, releases)
    ):
        return "it states only what the question supposes"
    if invents_a_name(text, question, sources, releases):
        return "it names someone no source writes"
    if copies_the_last_answer(text, question, history):
        return "it gives only the figures of the answer before"
    if gives_a_maximum_as_imposed(text, question, sources):
        return "it gives a maximum penalty as the one imposed"
    if lacks_the_asked_figure(text, question):
        return "it gives no figure for a question asking for one"
    if states_an_unheld_figure(text, question, sources, releases):
        return "it gives a figure no source holds"
    if gives_another_sum(text, question, sources, asked_sum(question)):
        return "its figure is no sum of the kind asked"
    if lacks_the_asked_date(text, question):
        return "it says nothing of when for a question asking when"
    if lacks_the_asked_name(text, question):
        return "it names no one for a question asking for a name"
    if dates.misstates_a_day(text, question, sources):
        return "it names a day or month its sources do not, or says yes to a day they leave out"
    return None
