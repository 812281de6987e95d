"""The web chat's handlers: a streamed answer with its sources, opening, restoring and starting
chats, votes, and the Gradio API's `ask`. `ui.chat_page` lays out the page and wires them.

Every handler the page calls gets the interface language (`locale`, from the browser or the
user's choice on the page) and writes its status lines and messages in it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from answer.assistant import Assistant
from answer.request import (
    EMPTY_QUESTION,
    MAX_QUESTION_CHARS,
    QUESTION_TOO_LONG,
    AskRequest,
    read_ask_request,
)
from answer.types import AnswerDone, AnswerToken, SourcesFound, answer_to_dict
from retrieval.errors import BackendError, PresschatError, RequestError
from retrieval.serialize import filters_to_dict, hit_to_dict
from ui.access import RateLimited, RateLimiter, client_key
from ui.chat_history import (
    Message,
    SavedChats,
    chat_choices,
    chatbot_messages,
    checked_saved_chats,
    conversation_turns,
    last_sources_html,
    new_chat_id,
    save_chat,
    searched_as,
)
from ui.feedback import FeedbackLog
from ui.locales import Words, chat_words
from ui.render import answer_html, question_html, sources_html

log = logging.getLogger(__name__)

ChatView = tuple[Any, ...]
"""What opening a chat updates: chatbot, sources, chat id, conversation, earlier chats, saved."""


def request_problem(exc: RequestError, words: Words) -> str:
    """What is wrong with a question, in the interface language (the first problem)."""
    for where, message, given in exc.problems:
        if where == ("question",) and message.startswith(QUESTION_TOO_LONG):
            return words("question_too_long", limit=MAX_QUESTION_CHARS)
        if where == ("question",) and message == EMPTY_QUESTION:
            return words("type_question")
        if where in (("filters", "since"), ("filters", "until")):
            return words("bad_date", value=given)
        if where == ("filters",):
            return words("dates_reversed")
    return str(exc)


def failure_message(exc: PresschatError, words: Words) -> str:
    """Why there is no answer, in the interface language."""
    if isinstance(exc, BackendError):
        return words("model_unavailable", detail=exc)
    if isinstance(exc, RequestError):
        return request_problem(exc, words)
    return str(exc)


class ChatHandlers:
    """The chat page's event handlers, bound to one assistant."""

    def __init__(self, assistant: Assistant, *, limiter: RateLimiter, feedback: FeedbackLog):
        self.assistant = assistant
        self.limiter = limiter
        self.feedback = feedback

    def _request(
        self,
        question: Any,
        history: Any,
        filters: dict[str, Any],
        client: gr.Request | None,
        words: Words,
    ) -> AskRequest:
        """The checked question, counted against the asker's limit only once it is valid."""
        try:
            request = read_ask_request(question, history, filters)
        except RequestError as exc:
            raise gr.Error(request_problem(exc, words)) from None
        if client is not None:
            try:
                self.limiter.check(client_key(client))
            except RateLimited as exc:
                message = words("too_many", limit=exc.limit, seconds=exc.retry_after)
                raise gr.Error(message) from None
        return request

    def answer(
        self,
        question: str,
        chat_id: str,
        conversation: list[Message],
        saved: SavedChats,
        since: str,
        until: str,
        lang: str,
        locale: str,
        client: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat. Yields (chatbot, sources, question box, ask
        button, chat id, conversation, saved chats, earlier chats). While it answers, the
        question box and the button say so and take no new question."""
        words = chat_words(locale)
        filters = {"since": since, "until": until, "lang": lang}
        turns = conversation_turns(conversation)
        request = self._request(question, turns, filters, client, words)
        saved = checked_saved_chats(saved)
        chat_id = chat_id or new_chat_id()
        key = f"{chat_id}-{len(conversation) + 1}"
        shown = chatbot_messages(chat_id, conversation, words) + [
            {"role": "user", "content": question_html(request.question)},
            {"role": "assistant", "content": f"<em>{words('searching')}</em>"},
        ]
        skip = gr.skip()
        busy_box = gr.update(value="", interactive=False, placeholder=words("busy_placeholder"))
        busy_button = gr.update(interactive=False, value=words("answering"))
        searching = sources_html([], status=words("searching"), words=words)
        yield shown, searching, busy_box, busy_button, chat_id, skip, skip, skip
        text = ""
        try:
            for event in self.assistant.stream(
                request.question, request.turns(), request.search_filters()
            ):
                if isinstance(event, SourcesFound):
                    found = [hit_to_dict(h) for h in event.sources]
                    filters_used = filters_to_dict(event.filters)
                    status = searched_as(event.standalone_question, filters_used, words)
                    shown[-1] = {"role": "assistant", "content": f"<em>{words('writing')}</em>"}
                    panel = sources_html(found, status=status, words=words)
                    yield shown, panel, skip, skip, skip, skip, skip, skip
                elif isinstance(event, AnswerToken):
                    text += event.text
                    shown[-1] = {"role": "assistant", "content": question_html(text)}
                    yield shown, skip, skip, skip, skip, skip, skip, skip
                elif isinstance(event, AnswerDone):
                    answer = answer_to_dict(event.answer)
                    conversation = [
                        *conversation,
                        {"role": "user", "content": request.question},
                        {"role": "assistant", "answer": answer},
                    ]
                    shown[-1] = {"role": "assistant", "content": answer_html(answer, key, words)}
                    saved = save_chat(saved, chat_id, conversation)
                    earlier = gr.update(choices=chat_choices(saved), value=chat_id)
                    sources = last_sources_html(conversation, words)
                    box, button = self._ready(words)
                    yield shown, sources, box, button, chat_id, conversation, saved, earlier
        except PresschatError as exc:
            yield self._failed(exc, request.question, chat_id, conversation, words)
            raise gr.Error(failure_message(exc, words)) from None

    @staticmethod
    def _ready(words: Words, question: str = "") -> tuple[Any, Any]:
        """The question box and the button, taking questions again."""
        box = gr.update(value=question, interactive=True, placeholder=words("question_placeholder"))
        return box, gr.update(interactive=True, value=words("ask"))

    def _failed(
        self,
        exc: PresschatError,
        question: str,
        chat_id: str,
        conversation: list[Message],
        words: Words,
    ) -> tuple[Any, ...]:
        """Leave the chat as it was, give the question back, and say what went wrong."""
        log.warning("answer failed: %s", exc)
        skip = gr.skip()
        reason = failure_message(exc, words)
        status = sources_html([], status=words("no_answer", reason=reason), words=words)
        shown = chatbot_messages(chat_id, conversation, words)
        box, button = self._ready(words, question)
        return shown, status, box, button, chat_id, conversation, skip, skip

    def open_chat(self, chat_id: str | None, saved: SavedChats, locale: str) -> ChatView:
        """Show a saved chat, or an empty one if it is gone."""
        words = chat_words(locale)
        saved = checked_saved_chats(saved)
        chat = saved["chats"].get(chat_id or "")
        if chat is None:
            return self.new_chat(saved, locale)
        conversation = chat["messages"]
        return (
            chatbot_messages(chat_id or "", conversation, words),
            last_sources_html(conversation, words),
            chat_id,
            conversation,
            gr.update(choices=chat_choices(saved), value=chat_id),
            {**saved, "active": chat_id},
        )

    def restore(self, saved: SavedChats, locale: str) -> ChatView:
        """On page load: the chat the user had open."""
        saved = checked_saved_chats(saved)
        return self.open_chat(saved.get("active"), saved, locale)

    def new_chat(self, saved: SavedChats, locale: str) -> ChatView:
        """An empty chat; the saved ones stay in "Earlier chats"."""
        saved = {**checked_saved_chats(saved), "active": ""}
        earlier = gr.update(choices=chat_choices(saved), value=None)
        return [], sources_html([], words=chat_words(locale)), "", [], earlier, saved

    def vote(
        self,
        conversation: list[Message],
        locale: str,
        data: gr.LikeData,
        client: gr.Request,
    ) -> None:
        """A thumbs up or down on an answer, logged with the question and citations."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        if not 0 < index < len(conversation) or conversation[index]["role"] != "assistant":
            return
        if data.liked is not True and data.liked is not False:
            return  # a vote taken back (Gradio sends "")
        self.feedback.record(
            rating="up" if data.liked else "down",
            question=conversation[index - 1]["content"],
            answer=conversation[index]["answer"],
            client=client_key(client),
        )
        gr.Info(chat_words(locale)("thanks"))

    def ask_api(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        since: str = "",
        until: str = "",
        lang: str = "",
        client: gr.Request | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the releases: the answer, its citations and its sources."""
        filters = {"since": since, "until": until, "lang": lang}
        words = chat_words(client.headers.get("accept-language") if client else None)
        request = self._request(question, history, filters, client, words)
        try:
            answer = self.assistant.ask(request.question, request.turns(), request.search_filters())
        except PresschatError as exc:
            raise gr.Error(failure_message(exc, words)) from None
        return answer_to_dict(answer)
