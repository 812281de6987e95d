"""Each prompt file has exactly the placeholders the code fills."""

import pytest

from prompts import (
    CANNOT_ANSWER,
    load_prompt,
    may_become_refusal,
    placeholders,
    prompt_echo_start,
    refusal,
    render_prompt,
    starts_with_refusal,
)

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
    "unanswered_part_en": {"part"},
    "unanswered_part_ru": {"part"},
    "unanswered_part_kk": {"part"},
    "unsure_part_en": {"part"},
    "unsure_part_ru": {"part"},
    "unsure_part_kk": {"part"},
    "other_language_en": set(),
    "other_language_ru": set(),
    "other_language_kk": set(),
    "other_release_en": set(),
    "other_release_ru": set(),
    "other_release_kk": set(),
    "another_language_en": set(),
    "another_language_ru": set(),
    "another_language_kk": set(),
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
    # For a reply that failed the checks: it does not claim the releases lack the answer.
    assert "could not find a reliable answer" in refusal("en", unsure=True)
    assert "не удалось найти" in refusal("ru", unsure=True)
    assert "таба алмадым" in refusal("kk", unsure=True)
    assert refusal("de", unsure=True) == refusal("en", unsure=True)


def test_the_refusal_token_is_read_however_the_model_spells_it() -> None:
    for reply in ("NO_ANSWER", " No_ANSWER.", "No answer", "no_answer\n", "Нет_answer"):
        assert starts_with_refusal(reply), reply
    for reply in ("No, the fine was $5 [1].", "NO_ANSWERS", "Nowhere", "Нет, он не [1]."):
        assert not starts_with_refusal(reply), reply


def test_a_reply_is_held_only_while_it_may_become_the_refusal_token() -> None:
    assert all(may_become_refusal(start) for start in ("NO", "No", "No_", "Нет", "No answer."))
    assert not any(may_become_refusal(start) for start in ("No,", "Now", "Нет,", "Yes"))


def test_every_label_line_of_the_answer_prompt_is_an_echo_to_cut() -> None:
    # The cut's labels are written out in its pattern: a label edited in a prompt file, and
    # not there, would no longer end a reply that writes the prompt on.
    conversation = render_prompt("conversation", turns="User: Who paid?\nAssistant: Acme [1].")
    prompt = render_prompt(
        "answer",
        sources="[1] A release",
        conversation=conversation + "\n\n",
        question="How much?",
        language="Kazakh",
    )
    labels = [line for line in prompt.splitlines() if line and line[0].isupper()]
    labels = [line for line in labels if not line.startswith(("User:", "Assistant:"))]
    assert len(labels) == 4  # Sources, Earlier in this conversation, Question, Answer in
    for line in labels:
        assert prompt_echo_start(f"Acme paid $5 [1].\n\n{line}") == len("Acme paid $5 [1].\n\n")
    assert prompt_echo_start("Acme paid $5 [1]. The Question: remains open.") is None


def test_a_reply_listing_the_sources_headings_ends_before_them() -> None:
    # Seen on pc-201 (session 24): the headings of the prompt's sources, listed after the
    # answer, held figures (the date, the paragraph) that kept a check from reading it.
    answer = "Gautreau was sentenced to 10 years. This is found in the following sources:\n"
    for heading in (
        "[1] Louisiana Man Pleads Guilty to Threatening Four Hispanic Men (2011-11-03), "
        "paragraph 6",
        "[2] Same release as [1], paragraph 2",
    ):
        assert prompt_echo_start(answer + heading) == len(answer)
    assert prompt_echo_start(answer + "[1] He pleaded guilty (2011-11-03).") is None
