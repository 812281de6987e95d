"""The chat's handlers called as Gradio calls them, over a real store and a scripted model."""

from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from answer.assistant import Assistant
from answer.chat_models import FakeChatModel
from ingest.pipeline import Ingestor
from retrieval.index import Index
from retrieval.settings import Settings
from ui.access import RateLimiter
from ui.chat import ChatHandlers
from ui.chat_history import no_saved_chats
from ui.feedback import FeedbackLog


@pytest.fixture
def handlers(index: Index, settings: Settings, data_dir: Path, tmp_path: Path) -> ChatHandlers:
    Ingestor.for_index(index).ingest([data_dir / "releases"])
    generator = FakeChatModel("Tyson Foods paid a $500,000 fine [1].")
    return ChatHandlers(
        Assistant(index, generator, settings),
        limiter=RateLimiter(2),
        feedback=FeedbackLog(tmp_path / "feedback.jsonl"),
    )


ASKER = SimpleNamespace(client=SimpleNamespace(host="10.1.2.3"))  # what client_key reads


def _ask(
    handlers: ChatHandlers, question: str, since: str = "", locale: str = "en-US"
) -> list[tuple[object, ...]]:
    saved = no_saved_chats()
    updates = handlers.answer(question, "", [], saved, since, "", "", locale, ASKER)  # type: ignore[arg-type]
    return list(updates)


def test_a_date_the_filters_cannot_read_is_a_message(handlers: ChatHandlers) -> None:
    with pytest.raises(gr.Error, match="cannot read “next week”; write a date such as"):
        _ask(handlers, "What fine did Tyson Foods pay?", since="next week")
    with pytest.raises(gr.Error, match="не удалось прочитать «next week»"):
        _ask(handlers, "What fine did Tyson Foods pay?", since="next week", locale="ru-RU")


def test_only_valid_questions_count_toward_the_limit(handlers: ChatHandlers) -> None:
    for _ in range(3):
        with pytest.raises(gr.Error, match="Type a question first."):
            _ask(handlers, "   ")
    for _ in range(2):  # the limit is 2 a minute
        *_, last = _ask(handlers, "What fine did Tyson Foods pay?")
        conversation = last[5]
        assert isinstance(conversation, list) and conversation[-1]["answer"]["citations"]
    with pytest.raises(gr.Error, match="Сұрақ тым көп: минутына ең көбі 2"):
        _ask(handlers, "What fine did Tyson Foods pay?", locale="kk-KZ")


def test_a_question_too_long_is_worded_in_the_interface_language(handlers: ChatHandlers) -> None:
    with pytest.raises(gr.Error, match="Вопрос слишком длинный: не более 2000 символов"):
        _ask(handlers, "ы" * 2001, locale="ru-RU")
