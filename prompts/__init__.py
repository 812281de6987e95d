"""Prompt templates as text files with named {placeholders}, and the refusal wording.

`render_prompt` fills a template and refuses to run when the file's placeholders and the values
given differ, so that a prompt edited out of step with the code fails loudly, not silently.
"""

from __future__ import annotations

import string
from functools import cache
from importlib.resources import files

# The token the model is told to answer with when the sources do not hold the answer. The
# assistant turns it into the localized refusal; the prompt and the tests use this constant.
CANNOT_ANSWER = "NO_ANSWER"

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


def refusal(language: str) -> str:
    """The fixed "the releases do not contain this" message, in the asker's language."""
    code = language if language in REFUSAL_LANGUAGES else "en"
    return load_prompt(f"refusal_{code}")
