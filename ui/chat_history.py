"""Conversations kept in the user's browser (Gradio's BrowserState), with the citation data of
every answer, so that a reload or an earlier chat shows exactly what the user saw.

A conversation is a list of messages: `{"role": "user", "content": question}` or
`{"role": "assistant", "answer": <answer dict as the API returns it>}`. `SavedChats` is what
the browser keeps: `{"active": chat id, "chats": {id: {title, updated, messages}}}`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from ui.locales import Words
from ui.render import ENGLISH, answer_html, question_html, sources_html

log = logging.getLogger(__name__)

Message = dict[str, Any]
SavedChats = dict[str, Any]

# Each answer is stored with its sources (about 10 KB): 10 chats of 20 answers stay well
# inside the browser's 5 MB of local storage.
MAX_CHATS = 10
MAX_MESSAGES = 40


def no_saved_chats() -> SavedChats:
    """What a browser that never chatted holds."""
    return {"active": "", "chats": {}}


def new_chat_id() -> str:
    """A fresh id for a conversation."""
    return uuid.uuid4().hex[:12]


def checked_saved_chats(saved: Any) -> SavedChats:
    """The saved chats as the browser sent them, keeping only well-formed ones: they are
    client data, and one broken chat must not break every page load."""
    if not isinstance(saved, dict) or not isinstance(saved.get("chats"), dict):
        return no_saved_chats()
    chats = {}
    for chat_id, chat in saved["chats"].items():
        try:
            messages = chat["messages"]
            for message in messages:
                _check_message(message)
            chats[str(chat_id)] = {
                "title": str(chat["title"]),
                "updated": str(chat["updated"]),
                "messages": messages,
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            log.info("dropped a malformed stored chat")
    active = saved.get("active")
    return {"active": active if active in chats else "", "chats": chats}


def _check_message(message: Message) -> None:
    if message["role"] == "user":
        text = message["content"]
    else:
        text = message["answer"]["answer"]
        answer_html(message["answer"], "check")  # raises on a malformed citation
        last_sources_html([message])
    if not isinstance(text, str):
        raise TypeError("message text is not a string")


def save_chat(saved: SavedChats, chat_id: str, conversation: list[Message]) -> SavedChats:
    """The saved chats with this conversation saved (newest chats kept, oldest dropped)."""
    chats = dict(saved.get("chats", {}))
    first = next((m["content"] for m in conversation if m["role"] == "user"), "New chat")
    chats[chat_id] = {
        "title": first if len(first) <= 60 else first[:57] + "…",
        "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "messages": conversation[-MAX_MESSAGES:],
    }
    keep = sorted(chats, key=lambda k: chats[k]["updated"], reverse=True)[:MAX_CHATS]
    return {"active": chat_id, "chats": {k: chats[k] for k in keep}}


def chat_choices(saved: SavedChats) -> list[tuple[str, str]]:
    """(title, id) of the saved chats, newest first, for the "Earlier chats" list."""
    chats = sorted(saved["chats"].items(), key=lambda item: item[1]["updated"], reverse=True)
    return [(chat["title"], chat_id) for chat_id, chat in chats]


def conversation_turns(conversation: Sequence[Message]) -> list[dict[str, str]]:
    """The conversation as the history of the next question."""
    return [
        {"role": "user", "content": m["content"]}
        if m["role"] == "user"
        else {"role": "assistant", "content": m["answer"]["answer"]}
        for m in conversation
    ]


def chatbot_messages(
    chat_id: str, conversation: Sequence[Message], words: Words = ENGLISH
) -> list[Message]:
    """The chatbot's messages for a stored conversation."""
    shown: list[Message] = []
    for i, message in enumerate(conversation):
        if message["role"] == "user":
            shown.append({"role": "user", "content": question_html(message["content"])})
        else:
            shown.append(
                {
                    "role": "assistant",
                    "content": answer_html(message["answer"], f"{chat_id}-{i}", words),
                }
            )
    return shown


def last_sources_html(conversation: Sequence[Message], words: Words = ENGLISH) -> str:
    """The sources panel for the conversation's last answer."""
    for message in reversed(conversation):
        if message["role"] == "assistant":
            answer = message["answer"]
            return sources_html(
                answer.get("sources", []),
                cited=[c["number"] for c in answer.get("citations", [])],
                status=searched_as(
                    answer.get("standalone_question", ""), answer.get("filters"), words
                ),
                words=words,
            )
    return sources_html([], words=words)


def searched_as(question: str, filters: dict[str, Any] | None, words: Words = ENGLISH) -> str:
    """The status line over the sources: what was searched, within which filters."""
    parts = [words("searched_for", question=question)] if question else []
    filters = filters or {}
    if filters.get("since"):
        parts.append(words("since_date", date=words.date(filters["since"])))
    if filters.get("until"):
        parts.append(words("until_date", date=words.date(filters["until"])))
    if filters.get("lang"):
        parts.append(words("in_language", language=filters["lang"]))
    return " · ".join(parts)
