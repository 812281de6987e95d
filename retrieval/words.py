"""Words of a text, and the function words (English, Russian, Kazakh) that say little about
what a text is about: for matching sentences to a question, scoring answers and telling English
from other Latin-script text."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

WORD = re.compile(r"\w+", re.UNICODE)

# The small model writes Kazakh words with the Russian letter in place of a Kazakh one
# ("Казақстан" for "Қазақстан"): folded, they compare as the same word (lower case).
KAZAKH_LETTERS = str.maketrans("әғқңөұүһі", "агкноуухи")

STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an the of and or to in on at by for with from into over than then as is are was "  # noqa: SIM905
        "were be been being it its this that these those he his her she they them their who "
        "whom which what when where how did does has have had will said says also more about "
        "approximately nearly almost roughly some".split()
    ),
    "ru": frozenset(
        "и в во на с со по за к о об от до из у для при или что как где когда кто это был "  # noqa: SIM905
        "была были его она они он её их также".split()
    ),
    "kk": frozenset(
        "және мен деп бұл осы ол оның олар қандай қашан қайда кім не үшін туралы".split()  # noqa: SIM905
    ),
}
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())

# Kazakh words that ask for a fact, with the case endings they take ("кіммен", with whom; "нені",
# what): `answer.questions` reads what a question asks for by them, `retrieval.language` a
# question's language. "не" (what) is left out: in Russian it means "not".
KAZAKH_QUESTION_WORDS = frozenset(
    "кім кімге кімді кімнің кімде кімнен кіммен кімдер ненің неге нені неде неден немен нелер "  # noqa: SIM905
    "қандай қай қайда қайдан қашан қашанға қашаннан қанша неше нешінші қалай неліктен".split()
)


# Russian words that ask for a fact: `answer.questions` reads what a question asks for by them,
# the keyword search which capitalised word opening a question is no name.
RUSSIAN_QUESTION_WORDS = frozenset(
    "что кто кого кому кем чем чём какой какая какое какие каких каким какую каком каков какова "  # noqa: SIM905
    "каковы какого какому какими как когда где куда откуда сколько почему зачем чей чья чьё "
    "чьи".split()
)
QUESTION_WORDS = KAZAKH_QUESTION_WORDS | RUSSIAN_QUESTION_WORDS


def content_words(text: str, min_length: int = 3) -> set[str]:
    """The lower-cased words of `text` that are not function words, of at least `min_length`
    characters."""
    return {
        word
        for word in WORD.findall(text.lower())
        if len(word) >= min_length and word not in ALL_STOP_WORDS
    }


# Russian and Kazakh letters as English texts write them; then the letters English writes one
# sound with folded into a class, vowels dropped, repeats joined: a word's consonant skeleton.
# "Тоқаев" and "Tokayev" are "tkv", "Нұртілеу" and "Nurtleu" "nrtl", "Тәжікстан" and
# "Tajikistan" "tskstn": a Russian or Kazakh name can be looked up in an English text.
_TO_LATIN = str.maketrans(
    dict(zip("абвгдезийклмнопрстуфыэәғқңөұүһі", "abvgdeziyklmnoprstufyeagknouuhi", strict=True))
    | {"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ю": "u"}
    | {"я": "a", "ъ": "", "ь": ""}
)
_DIGRAPHS = re.compile(r"d?zh|th|ph")  # "ж" is "j" in English; "th" and "ph" one sound
_DIGRAPH_CLASS = {"dzh": "s", "zh": "s", "th": "t", "ph": "v"}
_LETTER_CLASS = str.maketrans("bpdtgkqhcxvfwszjlmnr", "bbttkkkkkkvvvssslmnr", "aeiouy'")


def skeleton(word: str) -> str:
    """A word's consonant skeleton (see above), in any script."""
    latin = _DIGRAPHS.sub(lambda m: _DIGRAPH_CLASS[m[0]], word.lower().translate(_TO_LATIN))
    classes = latin.translate(_LETTER_CLASS)
    return re.sub(r"(.)\1+", r"\1", classes)


# `spelling` keeps the vowels: for the keyword search, which must tell "Richard" from "record".
_SOUNDS = (
    ("zh", "j"), ("dj", "j"), ("au", "o"), ("ph", "f"), ("w", "v"), ("ck", "k"), ("q", "k"),
    ("x", "ks"), ("kh", "h"), ("gh", ""), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("y", "i"),
    ("ch", "k"),  # "Ричард" is "Richard", "Мердок" "Murdoch"
)  # fmt: skip
_W = re.compile(r"^u(?=[aeio])")  # "Уильям": William
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLE = re.compile(r"(\w)\1")
_SILENT_H = re.compile(r"(?<=[bdfgklmnprtvz])h")


def spelling(word: str) -> str:
    """A word's rough sound in Latin letters, from either script: "Кулман" and "Koolman" are both
    "kulman"; "Мердок" is "merdok" and "Murdoch" "murdok"."""
    sound = _W.sub("v", re.sub(r"^kn", "n", word.lower().translate(_TO_LATIN)))
    for letters, said in _SOUNDS:
        sound = sound.replace(letters, said)
    sound = _SOFT_C.sub("s", sound).replace("c", "k")
    return _DOUBLE.sub(r"\1", _SILENT_H.sub("", sound))


ALIKE = 0.8
"""The least share of letters two sounds have in common to be alike (difflib's ratio): "Мердок"
and "Murdoch" share 0.83."""


def alike(said: str, heard: str) -> float:
    """How alike two sounds (`spelling`) are: the share of letters they have in common, or 0
    where it is below `ALIKE`."""
    matcher = SequenceMatcher(None, said, heard)
    if matcher.real_quick_ratio() < ALIKE or matcher.quick_ratio() < ALIKE:
        return 0.0
    return matcher.ratio()


def sounds_like(word: str, name: str) -> bool:
    """Whether a word (its case ending aside) sounds like a name, in either script: "Индиананың"
    like "Indiana", "Кулман" like "Koolman"."""
    said, heard = spelling(word), spelling(name)
    return word.lower() == name.lower() or alike(said[: len(heard) + 1], heard) > 0


def spelled_acronyms(text: str, question: str) -> frozenset[str]:
    """The (lowercased) words of a text that spell out an acronym of the question, function
    words aside: "Министерства иностранных дел" for "МИД", "Federal Bureau of Investigation" for
    "FBI"; they ask nothing new."""
    acronyms = {w for w in WORD.findall(question) if len(w) > 1 and w.isupper()}
    words = [w for w in WORD.findall(text) if w.lower() not in ALL_STOP_WORDS]
    spelled: set[str] = set()
    for acronym in acronyms:
        for i in range(len(words) - len(acronym) + 1):
            run = words[i : i + len(acronym)]
            if "".join(w[0] for w in run).upper() == acronym and not any(w.isupper() for w in run):
                spelled.update(w.lower() for w in run)
    return frozenset(spelled)
