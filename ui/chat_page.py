"""The web chat page (Gradio): the chat with streamed answers, the sources panel, filters,
examples, "New chat" and "Earlier chats". Layout and wiring only; the handlers are in
`ui.chat`, the saved conversations in `ui.chat_history`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr
from gradio.events import api as gradio_api

from answer.assistant import Assistant
from ui.access import RateLimiter
from ui.chat import ChatHandlers
from ui.chat_history import no_saved_chats
from ui.feedback import FeedbackLog
from ui.render import sources_html

ANSWER_CONCURRENCY = 8
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
    handlers = ChatHandlers(assistant, limiter=limiter, feedback=feedback)
    chat = gr.Blocks(title=title)
    with chat:
        saved = gr.BrowserState(
            no_saved_chats(), storage_key="presschat-chats", secret=storage_secret
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
            fn=handlers.answer,
            inputs=[question, chat_id, conversation, saved, since, until, lang],
            outputs=[chatbot, sources, question, chat_id, conversation, saved, earlier],
            api_visibility="private",
            # Several askers at once: each sees its sources at once, and the local model (one
            # generation at a time) takes them in turn; a model server answers them in parallel.
            concurrency_limit=ANSWER_CONCURRENCY,
            concurrency_id="answer",
        )
        send.click(**asked)
        question.submit(**asked)
        fresh: dict[str, Any] = dict(
            fn=handlers.new_chat,
            inputs=[saved],
            outputs=[chatbot, sources, chat_id, conversation, earlier, saved],
            api_visibility="private",
        )
        new.click(**fresh)
        chatbot.clear(**fresh)  # the chat's own trash button starts a new chat as well
        earlier.input(
            handlers.open_chat,
            inputs=[earlier, saved],
            outputs=[chatbot, sources, chat_id, conversation, earlier, saved],
            api_visibility="private",
        )
        chatbot.like(handlers.vote, inputs=[conversation], api_visibility="private")
        chat.load(
            handlers.restore,
            inputs=[saved],
            outputs=[chatbot, sources, chat_id, conversation, earlier, saved],
            api_visibility="private",
        )
        gradio_api(
            handlers.ask_api,
            api_name="ask",
            concurrency_limit=ANSWER_CONCURRENCY,
            concurrency_id="answer",
        )
    return chat
