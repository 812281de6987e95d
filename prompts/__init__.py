"""Prompt templates as text files with named {placeholders}, and the refusal wording.

`render_prompt` fills a template and refuses to run when the file's placeholders and the values
given differ, so that a prompt edited out of step with the code fails loudly, not silently.
"""

from __future__ import annotations

import re
import string
from functools import cache
from importlib.resources import files

# The token the model is told to answer with when the sources do not hold the answer. The
# assistant turns it into the localized refusal; the prompt and the tests use this constant.
CANNOT_ANSWER = "NO_ANSWER"
# How the small model also spells it: "No_ANSWER", "No answer.", "no_answer", and for a
# Russian or Kazakh question "Нет_answer" (more often since the prompt asks for yes-or-no
# questions to be answered "Yes" or "No" first).
_SPELLINGS = (CANNOT_ANSWER, "НЕТ_ANSWER", "ЖОҚ_ANSWER")
_SEPARATORS = re.compile(r"[ \t_]+")


def _as_token(reply: str) -> str:
    return _SEPARATORS.sub("_", reply.lstrip().upper())


def may_become_refusal(reply: str) -> bool:
    """Whether a reply being written may still turn out to be the refusal token, or starts with
    it: the part to hold back from the asker."""
    start = _as_token(reply)
    return any(s.startswith(start) or start.startswith(s) for s in _SPELLINGS)


def starts_with_refusal(reply: str) -> bool:
    """Whether the reply opens with the refusal token, however the model spelled it."""
    start = _as_token(reply)
    return any(start.startswith(s) and not start[len(s) :][:1].isalnum() for s in _SPELLINGS)


# The prompt's own labels, written by the model after its answer as if another question
# followed ("... from 9:00 to 18:00 [2].\n\nQuestion: What can visitors book online [2]?"), or
# its sources' headings listed ("... found in the following sources:\n[1] Louisiana Man Pleads
# Guilty ... (2011-11-03), paragraph 6\n[2] Same release as [1], paragraph 6").
_PROMPT_ECHO = re.compile(
    r"^[ \t]*(?:Question:|Sources:|Earlier in this conversation:|Answer in [A-Z][a-z]+, citing"
    r"|\[\d+\] (?:Same release as \[\d+\]|.+ \(\d{4}-\d\d-\d\d\)), paragraph \d+)",
    re.MULTILINE,
)


def prompt_echo_start(reply: str) -> int | None:
    """Where a reply starts writing the answer prompt's labels, or None: the reply ends there."""
    match = _PROMPT_ECHO.search(reply)
    return match.start() if match else None


REFUSAL_LANGUAGES = ("en", "ru", "kk")


@cache
def load_prompt(name: str) -> str:
    """The text of prompts/<name>.txt."""
    resource = files(__name__).joinpath(f"{name}.txt")
    if not resource.is_file():
        raise FileNotFoundError(f"no prompt file prompts/{name}.txt")
    return resource.read_text(encoding="utf-8").rstrip("\n")


def placeholders(name: str) -> set[str]:
    """Names of the {placeholders} in a prompt file."""
    return {field for _, field, _, _ in string.Formatter().parse(load_prompt(name)) if field}


def render_prompt(name: str, **values: str) -> str:
    """Fill a prompt; its placeholders must be exactly the names given."""
    expected = placeholders(name)
    if expected != set(values):
        raise ValueError(
            f"prompt {name!r} has placeholders {sorted(expected)}, got values {sorted(values)}"
        )
    return load_prompt(name).format(**values)


def refusal(language: str, *, unsure: bool = False) -> str:
    """The fixed "the releases do not contain this" message, in the asker's language; with
    `unsure`, "I could not find a reliable answer", for a reply that failed the checks: the
    releases may hold the answer the model did not give."""
    return load_prompt(f"{'unsure' if unsure else 'refusal'}_{prompt_language(language)}")


def unanswered_part(language: str, part: str, *, unsure: bool = False) -> str:
    """The line that says the releases do not answer one part of a question joining two, in the
    asker's language, after the other part's answer; with `unsure`, that no reliable answer to
    it was found (the model said none, or its reply added nothing)."""
    name = "unsure_part" if unsure else "unanswered_part"
    return render_prompt(f"{name}_{prompt_language(language)}", part=part)


def quoted_sentence(language: str, quote: str, number: int) -> str:
    """The answer that quotes the source sentence the model chose as the one that answers (it
    wrote no answer that passed the checks), in the asker's language, citing its source."""
    name = f"quote_{prompt_language(language)}"
    return render_prompt(name, quote=quote, number=str(number))


def other_language(language: str) -> str:
    """The line that opens an answer written in its sources' language, not the asker's: the
    answer in the asker's language failed the checks."""
    return load_prompt(f"other_language_{prompt_language(language)}")


def another_language(language: str) -> str:
    """The line that follows an answer the model wrote in another language than the asker's,
    unasked (a Russian question answered in English)."""
    return load_prompt(f"another_language_{prompt_language(language)}")


def other_release(language: str) -> str:
    """The line shown before an answer asked again over one release: the first answer came
    from a release about another case than the question's."""
    return load_prompt(f"other_release_{prompt_language(language)}")


def ask_for_more(language: str) -> str:
    """The reply to a question that names nothing to look for ("When?" with no conversation
    before it), in the asker's language: what to add."""
    return load_prompt(f"ask_for_more_{prompt_language(language)}")


def prompt_language(language: str) -> str:
    """The language whose fixed wording (`refusal_*`, `closest_*` ...) a reply takes: the
    asker's where the prompts have it, else English."""
    return language if language in REFUSAL_LANGUAGES else "en"
