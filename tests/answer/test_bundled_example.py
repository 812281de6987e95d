"""The bundled example's questions from issue 9, through the real model and embedder: each
answer cites the paragraph that holds its figure and nothing else, and a question the release
is silent on is refused, asked first (an empty prompt cache) and after the others. In file
order: the tests share one assistant."""

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from answer.assistant import Assistant
from answer.types import Answer, Turn
from ingest.pipeline import Ingestor
from retrieval.index import Index
from retrieval.settings import load_settings

pytestmark = pytest.mark.llm

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "releases"
SEED = "govkz_2025-08-31_kazakhstan-tajikistan.txt"
SPACE = "What did the Kazakh and Tajik ministers agree about a joint space programme?"
TRADE_PARAGRAPH = 2  # "... trade turnover to 2 billion ... by 200 million US dollars."


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("example-store"), embedder="e5-small", llm="local"
    )
    index = Index.from_settings(settings)
    Ingestor.for_index(index).ingest([EXAMPLES])
    yield Assistant.from_settings(settings, index=index)


def _assert_space_question_refused(assistant: Assistant, history: Sequence[Turn] = ()) -> None:
    answer = assistant.ask(SPACE, history=history)
    assert answer.refused, answer.text
    assert answer.citations == ()


def test_the_space_programme_question_is_refused_as_the_first_question(
    assistant: Assistant,
) -> None:
    # Asked first, with nothing in the model's prompt cache, the model once answered it by
    # writing the question back ("... agreed on a joint space programme [1]").
    _assert_space_question_refused(assistant)


def _seed_paragraphs(answer: Answer) -> set[int]:
    seed_ids = {h.release_id for h in answer.sources if "Dushanbe" in h.title + h.text}
    assert {c.release_id for c in answer.citations} <= seed_ids, answer.citations
    return {c.paragraph for c in answer.citations}


def test_the_trade_question_cites_only_the_paragraph_with_the_figure(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("What trade turnover do Kazakhstan and Tajikistan aim for?")
    assert not answer.refused, answer.text
    assert "2 billion" in answer.text
    assert _seed_paragraphs(answer) == {TRADE_PARAGRAPH}


def test_the_russian_follow_up_cites_the_paragraph_with_the_200_million(
    assistant: Assistant,
) -> None:
    history = [
        Turn("user", "What trade turnover do Kazakhstan and Tajikistan aim for?"),
        Turn(
            "assistant", "They aim to raise bilateral trade turnover to 2 billion US dollars [1]."
        ),
    ]
    answer = assistant.ask("А на какую сумму Казахстан расширит поставки?", history)
    assert not answer.refused, answer.text
    assert "200" in answer.text
    assert _seed_paragraphs(answer) == {TRADE_PARAGRAPH}


def test_the_kazakh_trade_question_is_answered_in_kazakh_citing_the_paragraph_with_the_figure(
    assistant: Assistant,
) -> None:
    # It was answered "... 200 миллиона US долларов айналымын көздейді. [2]": the supplies'
    # figure, Russian and English words in a Kazakh reply, another paragraph cited.
    answer = assistant.ask("Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?")
    assert not answer.refused, answer.text
    assert answer.text == (
        "Қазақстан мен Тәжікстан 2 миллиард АҚШ доллары көлемінде тауар айналымын көздейді [1]."
    )
    assert _seed_paragraphs(answer) == {TRADE_PARAGRAPH}


def test_the_space_programme_question_is_refused_after_other_questions(
    assistant: Assistant,
) -> None:
    _assert_space_question_refused(assistant)


def test_the_space_programme_question_is_refused_in_a_conversation_about_something_else(
    assistant: Assistant,
) -> None:
    # Seen in the web chat: asked in a conversation about the scholarship programme (the
    # conversation in the prompt), the model answered it with an invented agreement.
    history: list[Turn] = []
    for question in (
        "Когда и где состоится следующий раунд консультаций по водным ресурсам?",
        "Шетелде жыл сайын неше студент оқи алады?",
        "Өтінімдер қашанға дейін қабылданады?",
    ):
        answer = assistant.ask(question, history=history)
        history += [Turn("user", question), Turn("assistant", answer.text)]
    _assert_space_question_refused(assistant, history)


def test_a_question_joining_two_gets_both_answers_each_cited_to_its_paragraph(
    assistant: Assistant,
) -> None:
    # Asked whole, the small model answered the first part only.
    answer = assistant.ask(
        "How many visitors is the Almaty consular centre expected to serve in its first year,"
        " and when is it open?"
    )
    assert not answer.refused, answer.text
    assert "40,000" in answer.text and "9:00" in answer.text, answer.text
    cited = {(c.release_id, c.paragraph) for c in answer.citations}
    assert cited == {("sample-en-001", 3), ("sample-en-001", 2)}, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Консулдық орталық жексенбі күні жұмыс істей ме?",
        "Работает ли консульский центр в Алматы в воскресенье?",
    ],
)
def test_a_question_about_sunday_is_never_answered_yes(assistant: Assistant, question: str) -> None:
    # The centre is open on weekdays. Session 29: "Жаңында жұмыс істей. [1]" (it works); session
    # 30, asked again in English: "Yes, the consular service centre ... is open on weekdays".
    answer = assistant.ask(question)
    if answer.refused:
        return
    assert not re.search(r"(?m)^\W*(?:yes|да|иә)\b", answer.text, re.IGNORECASE), answer.text
    said_so = r"weekdays|будн|рабочим дням|жұмыс күндері|\b(?:no|not|нет|не|жоқ|емес)\b"
    assert re.search(said_so, answer.text, re.IGNORECASE), answer.text
