"""The web chat (Gradio): streamed answers, the sources panel, filters, examples, feedback, and
conversations kept in the browser with the citation data of every answer.

A conversation is a list of messages; an assistant message carries the whole answer dict (text,
citations, sources) as the API returns it, so reloading the page or reopening an earlier chat
renders the same citations instead of recomputing them.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import gradio as gr
from gradio.events import api as gradio_api

from retrieval.assistant import Assistant
from retrieval.dates import parse_date
from retrieval.errors import BackendError, PresschatError
from retrieval.serialize import answer_to_dict, filters_to_dict, hit_to_dict
from retrieval.types import AnswerDone, AnswerToken, SearchFilters, SourcesFound, Turn
from ui.access import RateLimited, RateLimiter, client_key
from ui.feedback import FeedbackLog
from ui.render import answer_html, question_html, sources_html

log = logging.getLogger(__name__)

Message = dict[str, Any]
Store = dict[str, Any]

ANSWER_CONCURRENCY = 8
# Each answer is stored with its sources (about 10 KB): 10 chats of 20 answers stay well
# inside the browser's 5 MB of local storage.
MAX_CHATS = 10
MAX_MESSAGES = 40
LANGUAGES = [("Any language", ""), ("English", "en"), ("Русский", "ru"), ("Қазақша", "kk")]

CSS = """
.pc-citations { margin: .6em 0 0; padding-left: 0; list-style: none; font-size: .92em; }
.pc-citation { margin: .4em 0; padding: .3em .5em; border-left: 3px solid #c7d2fe; }
.pc-citation:target { background: #fef9c3; border-left-color: #ca8a04; }
.pc-quote { margin: .3em 0 0; color: #374151; font-style: normal; }
.pc-meta { color: #6b7280; font-size: .9em; }
.pc-num { font-weight: 600; }
.pc-source-list { padding-left: 0; list-style: none; }
.pc-source { margin: 0 0 .8em; padding: .4em .6em; border: 1px solid #e5e7eb; border-radius: 6px; }
.pc-source.pc-cited { border-color: #6366f1; background: #eef2ff; }
.pc-status { color: #4b5563; font-size: .92em; }
"""


def _empty_store() -> Store:
    return {"active": "", "chats": {}}


def valid_store(store: Any) -> Store:
    """The stored chats as the browser sent them, keeping only well-formed ones: the store is
    client data, and one broken chat must not break every page load."""
    if not isinstance(store, dict) or not isinstance(store.get("chats"), dict):
        return _empty_store()
    chats = {}
    for chat_id, chat in store["chats"].items():
        try:
            messages = chat["messages"]
            for message in messages:
                text = message["content"] if message["role"] == "user" else message["answer"]
                if message["role"] != "user":
                    text = text["answer"]
                    answer_html(message["answer"], "check")  # raises on a malformed citation
                    _last_sources([message])
                if not isinstance(text, str):
                    raise TypeError("message text is not a string")
            chats[str(chat_id)] = {
                "title": str(chat["title"]),
                "updated": str(chat["updated"]),
                "messages": messages,
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            log.info("dropped a malformed stored chat")
    active = store.get("active")
    return {"active": active if active in chats else "", "chats": chats}


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


def _render(chat_id: str, conversation: Sequence[Message]) -> list[Message]:
    """Chatbot messages for a stored conversation."""
    shown: list[Message] = []
    for i, message in enumerate(conversation):
        if message["role"] == "user":
            shown.append({"role": "user", "content": question_html(message["content"])})
        else:
            shown.append(
                {"role": "assistant", "content": answer_html(message["answer"], f"{chat_id}-{i}")}
            )
    return shown


def _last_sources(conversation: Sequence[Message]) -> str:
    for message in reversed(conversation):
        if message["role"] == "assistant":
            answer = message["answer"]
            return sources_html(
                answer.get("sources", []),
                cited=[c["number"] for c in answer.get("citations", [])],
                status=_searched_as(answer.get("standalone_question", ""), answer.get("filters")),
            )
    return sources_html([])


def _searched_as(question: str, filters: dict[str, Any] | None) -> str:
    parts = [f"Searched for: {question}"] if question else []
    filters = filters or {}
    if filters.get("since"):
        parts.append(f"since {filters['since']}")
    if filters.get("until"):
        parts.append(f"until {filters['until']}")
    if filters.get("lang"):
        parts.append(f"language {filters['lang']}")
    return " · ".join(parts)


def _history(conversation: Sequence[Message]) -> list[Turn]:
    return [
        Turn("user", m["content"])
        if m["role"] == "user"
        else Turn("assistant", m["answer"]["answer"])
        for m in conversation
    ]


def _chat_choices(store: Store) -> list[tuple[str, str]]:
    chats = sorted(store["chats"].items(), key=lambda item: item[1]["updated"], reverse=True)
    return [(chat["title"], chat_id) for chat_id, chat in chats]


def _save(store: Store, chat_id: str, conversation: list[Message]) -> Store:
    """The store with this conversation saved (newest chats kept, oldest dropped)."""
    chats = dict(store.get("chats", {}))
    first = next((m["content"] for m in conversation if m["role"] == "user"), "New chat")
    chats[chat_id] = {
        "title": first if len(first) <= 60 else first[:57] + "…",
        "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "messages": conversation[-MAX_MESSAGES:],
    }
    keep = sorted(chats, key=lambda k: chats[k]["updated"], reverse=True)[:MAX_CHATS]
    return {"active": chat_id, "chats": {k: chats[k] for k in keep}}


def read_filters(since: str, until: str, lang: str) -> SearchFilters:
    """Filters from the chat's fields; a date that does not parse is the user's error."""
    try:
        start = parse_date(since) if since.strip() else None
        end = parse_date(until) if until.strip() else None
    except PresschatError as exc:
        raise gr.Error(f"Date filter: {exc}") from None
    if start and end and start > end:
        raise gr.Error("Date filter: 'since' is after 'until'.")
    return SearchFilters(start, end, lang or None)


def build_chat(
    assistant: Assistant,
    *,
    limiter: RateLimiter,
    feedback: FeedbackLog,
    examples: Sequence[str] = (),
    storage_secret: str | None = None,
    title: str = "presschat",
) -> gr.Blocks:
    """The chat page. `storage_secret` keeps conversations readable across server restarts."""

    def count_question(request: gr.Request) -> None:
        try:
            limiter.check(client_key(request))
        except RateLimited as exc:
            raise gr.Error(str(exc)) from None

    def chat_answer(
        question: str,
        chat_id: str,
        conversation: list[Message],
        store: Store,
        since: str,
        until: str,
        lang: str,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            raise gr.Error("Type a question first.")
        filters = read_filters(since or "", until or "", lang or "")
        count_question(request)
        store = valid_store(store)
        chat_id = chat_id or _new_id()
        key = f"{chat_id}-{len(conversation) + 1}"
        shown = _render(chat_id, conversation)
        shown += [
            {"role": "user", "content": question_html(question)},
            {"role": "assistant", "content": "<em>Searching the releases…</em>"},
        ]
        skip = gr.skip()
        searching = sources_html([], status="Searching the releases…")
        yield shown, searching, "", chat_id, skip, skip, skip
        text = ""
        try:
            for event in assistant.stream(question, _history(conversation), filters):
                if isinstance(event, SourcesFound):
                    found = [hit_to_dict(h) for h in event.sources]
                    status = _searched_as(event.standalone_question, filters_to_dict(event.filters))
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
                        {"role": "user", "content": question},
                        {"role": "assistant", "answer": answer},
                    ]
                    shown[-1] = {"role": "assistant", "content": answer_html(answer, key)}
                    store = _save(store, chat_id, conversation)
                    yield (
                        shown,
                        _last_sources(conversation),
                        skip,
                        chat_id,
                        conversation,
                        store,
                        gr.update(choices=_chat_choices(store), value=chat_id),
                    )
        except PresschatError as exc:
            log.warning("answer failed: %s", exc)
            message = (
                f"The language model is not available: {exc}"
                if isinstance(exc, BackendError)
                else str(exc)
            )
            # Leave the chat as it was, give the question back, and say what went wrong.
            yield (
                _render(chat_id, conversation),
                sources_html([], status=f"No answer: {message}"),
                question,
                chat_id,
                conversation,
                skip,
                skip,
            )
            raise gr.Error(message) from None

    def open_chat(chat_id: str | None, store: Store) -> tuple[Any, ...]:
        store = valid_store(store)
        chat = store["chats"].get(chat_id or "")
        if chat is None:
            store = {**store, "active": ""}
            choices = gr.update(choices=_chat_choices(store), value=None)
            return [], sources_html([]), "", [], choices, store
        conversation = chat["messages"]
        return (
            _render(chat_id or "", conversation),
            _last_sources(conversation),
            chat_id,
            conversation,
            gr.update(choices=_chat_choices(store), value=chat_id),
            {**store, "active": chat_id},
        )

    def restore(store: Store) -> tuple[Any, ...]:
        store = valid_store(store)
        return open_chat(store.get("active"), store)

    def new_chat(store: Store) -> tuple[Any, ...]:
        store = {**valid_store(store), "active": ""}
        return (
            [],
            sources_html([]),
            "",
            [],
            gr.update(choices=_chat_choices(store), value=None),
            store,
        )

    def vote(conversation: list[Message], data: gr.LikeData, request: gr.Request) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        if not 0 < index < len(conversation) or conversation[index]["role"] != "assistant":
            return
        if data.liked is not True and data.liked is not False:
            return  # a vote taken back (Gradio sends "")
        feedback.record(
            rating="up" if data.liked else "down",
            question=conversation[index - 1]["content"],
            answer=conversation[index]["answer"],
            client=client_key(request),
        )
        gr.Info("Thanks, your feedback is recorded.")

    def ask_api(
        question: str,
        history: list[dict[str, str]] | None = None,
        since: str = "",
        until: str = "",
        lang: str = "",
        request: gr.Request | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the releases: the answer, its citations and its sources."""
        if not 0 < len(question.strip()) <= 2000 or len(history or []) > 50:
            raise gr.Error("The question must have 1 to 2000 characters, the history 50 turns.")
        filters = read_filters(since, until, lang)
        if request is not None:
            count_question(request)
        turns = []
        for turn in history or []:
            if (
                not isinstance(turn, dict)
                or turn.get("role") not in ("user", "assistant")
                or not isinstance(turn.get("content"), str)
                or len(turn["content"]) > 20_000
            ):
                raise gr.Error('history: expected [{"role": "user"|"assistant", "content": ...}]')
            turns.append(Turn(turn["role"], turn["content"]))
        try:
            return answer_to_dict(assistant.ask(question, turns, filters))
        except PresschatError as exc:
            raise gr.Error(str(exc)) from None

    chat = gr.Blocks(title=title)
    with chat:
        store = gr.BrowserState(
            _empty_store(), storage_key="presschat-chats", secret=storage_secret
        )
        chat_id = gr.State("")
        conversation = gr.State([])
        gr.Markdown(f"## {title}\nAsk about the press releases. Answers cite their paragraphs.")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="pc-chat",
                    label="Chat",
                    height=520,
                    render_markdown=False,
                    sanitize_html=True,
                    placeholder="Ask a question about the press releases.",
                    buttons=["copy", "copy_all"],  # no "share": it posts to a public hub
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False,
                        placeholder="Your question (English, русский, қазақша)",
                        scale=6,
                        elem_id="pc-question",
                        max_length=2000,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="pc-ask")
                with gr.Row():
                    new = gr.Button("New chat", scale=1, elem_id="pc-new")
                    earlier = gr.Dropdown(
                        label="Earlier chats", choices=[], scale=3, elem_id="pc-earlier"
                    )
                with gr.Accordion("Filters", open=False), gr.Row():
                    since = gr.Textbox(label="Since", placeholder="2025-08-01")
                    until = gr.Textbox(label="Until", placeholder="2025-08-31")
                    lang = gr.Dropdown(label="Language", choices=LANGUAGES, value="")
                if examples:
                    gr.Examples([[e] for e in examples], inputs=[question], label="Examples")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(sources_html([]), elem_id="pc-sources")

        asked: dict[str, Any] = dict(
            fn=chat_answer,
            inputs=[question, chat_id, conversation, store, since, until, lang],
            outputs=[chatbot, sources, question, chat_id, conversation, store, earlier],
            api_visibility="private",
            # Several askers at once: each sees its sources at once, and the local model (one
            # generation at a time) takes them in turn; a model server answers them in parallel.
            concurrency_limit=ANSWER_CONCURRENCY,
            concurrency_id="answer",
        )
        send.click(**asked)
        question.submit(**asked)
        fresh: dict[str, Any] = dict(
            fn=new_chat,
            inputs=[store],
            outputs=[chatbot, sources, chat_id, conversation, earlier, store],
            api_visibility="private",
        )
        new.click(**fresh)
        chatbot.clear(**fresh)  # the chat's own trash button starts a new chat as well
        earlier.input(
            open_chat,
            inputs=[earlier, store],
            outputs=[chatbot, sources, chat_id, conversation, earlier, store],
            api_visibility="private",
        )
        chatbot.like(vote, inputs=[conversation], api_visibility="private")
        chat.load(
            restore,
            inputs=[store],
            outputs=[chatbot, sources, chat_id, conversation, earlier, store],
            api_visibility="private",
        )
        gradio_api(
            ask_api,
            api_name="ask",
            concurrency_limit=ANSWER_CONCURRENCY,
            concurrency_id="answer",
        )
    return chat
