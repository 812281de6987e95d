"""Each prompt file has exactly the placeholders the code fills."""

import pytest

from prompts import CANNOT_ANSWER, load_prompt, placeholders, refusal, render_prompt

FILLED_BY_CODE = {
    "system": set(),
    "answer": {"sources", "conversation", "question", "language"},
    "conversation": {"turns"},
    "source": {"number", "title", "date", "paragraph", "text"},
    "condense": {"history", "question"},
    "condense_system": set(),
    "condense_example_question": set(),
    "condense_example_answer": set(),
    "refusal_en": set(),
    "refusal_ru": set(),
    "refusal_kk": set(),
    "closest_en": set(),
    "closest_ru": set(),
    "closest_kk": set(),
}


@pytest.mark.parametrize("name", sorted(FILLED_BY_CODE))
def test_placeholders_match_the_code(name: str) -> None:
    assert placeholders(name) == FILLED_BY_CODE[name]


def test_render_refuses_missing_or_extra_values() -> None:
    with pytest.raises(ValueError, match="placeholders"):
        render_prompt("condense", history="h")
    with pytest.raises(ValueError, match="placeholders"):
        render_prompt("system", extra="x")


def test_values_with_braces_are_inserted_verbatim() -> None:
    text = render_prompt("condense", history="User: {not a field}", question="q {x}")
    assert "{not a field}" in text and "q {x}" in text


def test_prompts_name_the_refusal_token_and_refusals_are_localized() -> None:
    assert CANNOT_ANSWER in load_prompt("system")
    assert "do not contain" in refusal("en")
    assert "нет ответа" in refusal("ru")
    assert "жауап жоқ" in refusal("kk")
    assert refusal("de") == refusal("en")
