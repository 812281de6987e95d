"""The web chat's handlers: a streamed answer with its sources, opening, restoring and starting
chats, votes, and the Gradio API's `ask`. `ui.chat_page` lays out the page and wires them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from answer.assistant import Assistant
from answer.request import AskRequest, read_ask_request
from answer.serialize import answer_to_dict
from answer.types import AnswerDone, AnswerToken, SourcesFound
from retrieval.errors import BackendError, PresschatError
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
from ui.render import answer_html, question_html, sources_html

log = logging.getLogger(__name__)

ChatView = tuple[Any, ...]
"""What opening a chat updates: chatbot, sources, chat id, conversation, earlier chats, saved."""


class ChatHandlers:
    """The chat page's event handlers, bound to one assistant."""

    def __init__(self, assistant: Assistant, *, limiter: RateLimiter, feedback: FeedbackLog):
        self.assistant = assistant
        self.limiter = limiter
        self.feedback = feedback

    def _request(
        self, question: Any, history: Any, filters: dict[str, Any], client: gr.Request | None
    ) -> AskRequest:
        """The checked question, counted against the asker's limit only once it is valid."""
        try:
            request = read_ask_request(question, history, filters)
        except PresschatError as exc:
            raise gr.Error(str(exc)) from None
        if client is not None:
            try:
                self.limiter.check(client_key(client))
            except RateLimited as exc:
                raise gr.Error(str(exc)) from None
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
        client: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat. Yields (chatbot, sources, question box, chat id,
        conversation, saved chats, earlier chats)."""
        filters = {"since": since, "until": until, "lang": lang}
        request = self._request(question, conversation_turns(conversation), filters, client)
        saved = checked_saved_chats(saved)
        chat_id = chat_id or new_chat_id()
        key = f"{chat_id}-{len(conversation) + 1}"
        shown = chatbot_messages(chat_id, conversation) + [
            {"role": "user", "content": question_html(request.question)},
            {"role": "assistant", "content": "<em>Searching the releases…</em>"},
        ]
        skip = gr.skip()
        searching = sources_html([], status="Searching the releases…")
        yield shown, searching, "", chat_id, skip, skip, skip
        text = ""
        try:
            for event in self.assistant.stream(
                request.question, request.turns(), request.search_filters()
            ):
                if isinstance(event, SourcesFound):
                    found = [hit_to_dict(h) for h in event.sources]
                    status = searched_as(event.standalone_question, filters_to_dict(event.filters))
                    shown[-1] = {"role": "assistant", "content": "<em>Writing the answer…</em>"}
                    yield shown, sources_html(found, status=status), skip, skip, skip, skip, skip
                elif isinstance(event, AnswerToken):
                    text += event.text
                    shown[-1] = {"role": "assistant", "content": question_html(text)}
                    yield shown, skip, skip, skip, skip, skip, skip
                elif isinstance(event, AnswerDone):
                    answer = answer_to_dict(event.answer)
                    conversation = [
                        *conversation,
                        {"role": "user", "content": request.question},
                        {"role": "assistant", "answer": answer},
                    ]
                    shown[-1] = {"role": "assistant", "content": answer_html(answer, key)}
                    saved = save_chat(saved, chat_id, conversation)
                    earlier = gr.update(choices=chat_choices(saved), value=chat_id)
                    sources = last_sources_html(conversation)
                    yield shown, sources, skip, chat_id, conversation, saved, earlier
        except PresschatError as exc:
            yield self._failed(exc, request.question, chat_id, conversation)
            raise gr.Error(_user_message(exc)) from None

    @staticmethod
    def _failed(
        exc: PresschatError, question: str, chat_id: str, conversation: list[Message]
    ) -> tuple[Any, ...]:
        """Leave the chat as it was, give the question back, and say what went wrong."""
        log.warning("answer failed: %s", exc)
        skip = gr.skip()
        status = sources_html([], status=f"No answer: {_user_message(exc)}")
        shown = chatbot_messages(chat_id, conversation)
        return shown, status, question, chat_id, conversation, skip, skip

    def open_chat(self, chat_id: str | None, saved: SavedChats) -> ChatView:
        """Show a saved chat, or an empty one if it is gone."""
        saved = checked_saved_chats(saved)
        chat = saved["chats"].get(chat_id or "")
        if chat is None:
            return self.new_chat(saved)
        conversation = chat["messages"]
        return (
            chatbot_messages(chat_id or "", conversation),
            last_sources_html(conversation),
            chat_id,
            conversation,
            gr.update(choices=chat_choices(saved), value=chat_id),
            {**saved, "active": chat_id},
        )

    def restore(self, saved: SavedChats) -> ChatView:
        """On page load: the chat the user had open."""
        saved = checked_saved_chats(saved)
        return self.open_chat(saved.get("active"), saved)

    def new_chat(self, saved: SavedChats) -> ChatView:
        """An empty chat; the saved ones stay in "Earlier chats"."""
        saved = {**checked_saved_chats(saved), "active": ""}
        earlier = gr.update(choices=chat_choices(saved), value=None)
        return [], sources_html([]), "", [], earlier, saved

    def vote(self, conversation: list[Message], data: gr.LikeData, client: gr.Request) -> None:
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
        gr.Info("Thanks, your feedback is recorded.")

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
        request = self._request(question, history, filters, client)
        try:
            answer = self.assistant.ask(request.question, request.turns(), request.search_filters())
        except PresschatError as exc:
            raise gr.Error(str(exc)) from None
        return answer_to_dict(answer)


def _user_message(exc: PresschatError) -> str:
    if isinstance(exc, BackendError):
        return f"The language model is not available: {exc}"
    return str(exc)
