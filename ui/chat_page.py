"""The web chat page (Gradio): the chat with streamed answers, the sources panel, filters,
examples, "New chat" and "Earlier chats". Layout and wiring only; the handlers are in
`ui.chat`, the saved conversations in `ui.chat_history`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr
from gradio.events import api as gradio_api
from gradio.i18n import I18nData

from answer.assistant import Assistant
from ui import page_language as language
from ui.access import RateLimiter
from ui.chat import ChatHandlers
from ui.chat_history import no_saved_chats
from ui.feedback import FeedbackLog
from ui.locales import CHAT, Words, chat_words
from ui.render import sources_html

ANSWER_CONCURRENCY = 8
RELEASE_LANGUAGES: list[tuple[str | I18nData, str]] = [
    ("English", "en"),
    ("Русский", "ru"),
    ("Қазақша", "kk"),
]

CSS = """
.pc-citations { margin: .6em 0 0; padding-left: 0; list-style: none; font-size: .92em; }
.pc-citation { margin: .4em 0; padding: .3em .5em; border-left: 3px solid #c7d2fe; }
.pc-citation:target { background: #fef9c3; border-left-color: #ca8a04; }
.pc-quote { margin: .3em 0 0; color: #374151; font-style: normal; }
.pc-hl { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
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
    t = language.i18n_for(CHAT)
    chat = gr.Blocks(title=title)
    with chat:
        saved = gr.BrowserState(
            no_saved_chats(), storage_key="presschat-chats", secret=storage_secret
        )
        chat_id = gr.State("")
        conversation = gr.State([])
        locale = language.locale_box()
        with gr.Row(equal_height=True):
            gr.Markdown(f"## {title}")
            picker = language.language_picker(t("interface_language"), t("browser_language"))
        intro = gr.Markdown(t("intro"))
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="pc-chat",
                    label=t("chat"),
                    height=520,
                    render_markdown=False,
                    sanitize_html=True,
                    placeholder=t("chat_placeholder"),  # type: ignore[arg-type]
                    buttons=["copy", "copy_all"],  # no "share": it posts to a public hub
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False,
                        placeholder=t("question_placeholder"),
                        scale=6,
                        elem_id="pc-question",
                        max_length=2000,
                    )
                    send = gr.Button(t("ask"), variant="primary", scale=1, elem_id="pc-ask")
                with gr.Row():
                    new = gr.Button(t("new_chat"), scale=1, elem_id="pc-new")
                    earlier = gr.Dropdown(
                        label=t("earlier_chats"), choices=[], scale=3, elem_id="pc-earlier"
                    )
                with gr.Accordion(t("filters"), open=False) as filters, gr.Row():
                    since = gr.Textbox(label=t("since"), placeholder="2025-08-01")
                    until = gr.Textbox(label=t("until"), placeholder="2025-08-31")
                    lang = gr.Dropdown(
                        label=t("release_language"),
                        choices=_release_languages(t("any_language")),
                        value="",
                        elem_id="pc-release-language",
                    )
                if examples:
                    shown_examples = gr.Examples(
                        [[e] for e in examples], inputs=[question], label=t("examples")
                    )
            with gr.Column(scale=2):
                sources_title = gr.Markdown(f"### {t('sources')}")
                sources = gr.HTML(sources_html([]), elem_id="pc-sources")

        labelled = [picker, intro, chatbot, question, send, new, earlier, filters, since]
        labelled += [until, lang, sources_title]
        if examples:
            labelled.append(shown_examples.dataset)
        view = [chatbot, sources, chat_id, conversation, earlier, saved]
        private: dict[str, Any] = {"api_visibility": "private"}

        asked: dict[str, Any] = dict(
            fn=handlers.answer,
            inputs=[question, chat_id, conversation, saved, since, until, lang, locale],
            outputs=[chatbot, sources, question, send, chat_id, conversation, saved, earlier],
            js=language.WITH_LOCALE,
            # Several askers at once: each sees its sources at once, and the local model (one
            # generation at a time) takes them in turn; a model server answers them in parallel.
            concurrency_limit=ANSWER_CONCURRENCY,
            concurrency_id="answer",
            **private,
        )
        send.click(**asked)
        question.submit(**asked)
        fresh: dict[str, Any] = dict(
            fn=handlers.new_chat,
            inputs=[saved, locale],
            outputs=view,
            js=language.WITH_LOCALE,
            **private,
        )
        new.click(**fresh)
        chatbot.clear(**fresh)  # the chat's own trash button starts a new chat as well
        earlier.input(
            handlers.open_chat,
            inputs=[earlier, saved, locale],
            outputs=view,
            js=language.WITH_LOCALE,
            **private,
        )
        chatbot.like(
            handlers.vote, inputs=[conversation, locale], js=language.WITH_LOCALE, **private
        )
        chat.load(
            handlers.restore,
            inputs=[saved, locale],
            outputs=view,
            js=language.WITH_LOCALE,
            **private,
        )
        language.wire_language(
            chat,
            picker,
            locale,
            labelled,
            lambda locale: chat_labels(chat_words(locale), bool(examples)),
            (handlers.restore, [saved, locale], view),
        )
        gradio_api(
            handlers.ask_api,
            api_name="ask",
            concurrency_limit=ANSWER_CONCURRENCY,
            concurrency_id="answer",
        )
    return chat


def chat_labels(w: Words, with_examples: bool) -> list[Any]:
    """Updates that give the chat page's fixed components their labels, in `build_chat`'s
    order of `labelled`."""
    updates = [
        gr.update(
            label=w("interface_language"),
            choices=language.interface_languages(w("browser_language")),
        ),
        gr.update(value=w("intro")),
        gr.update(label=w("chat"), placeholder=w("chat_placeholder")),
        gr.update(placeholder=w("question_placeholder")),
        gr.update(value=w("ask")),
        gr.update(value=w("new_chat")),
        gr.update(label=w("earlier_chats")),
        gr.update(label=w("filters")),
        gr.update(label=w("since")),
        gr.update(label=w("until")),
        gr.update(label=w("release_language"), choices=_release_languages(w("any_language"))),
        gr.update(value=f"### {w('sources')}"),
    ]
    return updates + ([gr.update(label=w("examples"))] if with_examples else [])


def _release_languages(any_language: str | I18nData) -> list[tuple[str | I18nData, str]]:
    return [(any_language, ""), *RELEASE_LANGUAGES]
