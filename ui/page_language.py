"""The interface language of a Gradio page: the one the user picked on the page (kept in the
browser, shared by the chat and the admin page), else the browser's.

Gradio translates fixed labels itself (`gr.I18n`) for the languages its frontend offers, which
include English and Russian but not Kazakh; so each page also sets every label from the server
once it knows the language (`relabel`), and its handlers get the language as their last input
(the `WITH_LOCALE` script fills it in), so what they write matches the labels around it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr
from gradio.i18n import I18n, I18nData

from ui.locales import DEFAULT_LOCALE, LOCALE_NAMES, LOCALES

PICKED = "presschat-locale"
_CURRENT = f"(localStorage.getItem('{PICKED}') || navigator.language || 'en')"
WITH_LOCALE = f"""(...values) => {{
  values[values.length - 1] = {_CURRENT};
  return values;
}}"""
"""Front-end step of an event whose last input is the locale box: fills in the language."""
_PICK = f"""(picked, ...values) => {{
  if (picked) localStorage.setItem('{PICKED}', picked); else localStorage.removeItem('{PICKED}');
  values[values.length - 1] = {_CURRENT};
  return [picked, ...values];
}}"""


def interface_languages(as_browser: str | I18nData) -> list[tuple[str | I18nData, str]]:
    """The picker's choices: the browser's language, then each interface language."""
    return [(as_browser, ""), *((LOCALE_NAMES[code], code) for code in LOCALES)]


def locale_box() -> gr.Textbox:
    """The hidden input that carries the interface language to the handlers."""
    return gr.Textbox(DEFAULT_LOCALE, visible=False)


def language_picker(label: str | I18nData, as_browser: str | I18nData) -> gr.Dropdown:
    """The page's "Interface language" dropdown."""
    return gr.Dropdown(
        label=label,
        choices=interface_languages(as_browser),
        value="",
        scale=0,
        min_width=200,
        elem_id="pc-interface-language",
    )


def wire_language(
    page: gr.Blocks,
    picker: gr.Dropdown,
    locale: gr.Textbox,
    labelled: Sequence[Any],
    relabel: Callable[[str], Sequence[Any]],
    redraw: tuple[Callable[..., Sequence[Any]], list[Any], list[Any]] | None = None,
) -> None:
    """Give the `labelled` components their labels in the interface language (`relabel`
    builds their updates from a locale) when the page loads and when the user picks another
    language; `redraw` (handler, inputs, outputs) also runs on a pick, its last input being the
    locale, to redraw what the server wrote."""
    private: dict[str, Any] = {"api_visibility": "private"}
    page.load(relabel, inputs=[locale], outputs=list(labelled), js=WITH_LOCALE, **private)
    page.load(None, outputs=[picker], js=f"() => localStorage.getItem('{PICKED}') || ''")
    redraw_fn, redraw_inputs, redraw_outputs = redraw or (lambda *_: [], [locale], [])

    def picked(_choice: str, *values: Any) -> list[Any]:
        return [*relabel(values[-1]), *redraw_fn(*values)]

    picker.input(
        picked,
        inputs=[picker, *redraw_inputs],
        outputs=[*labelled, *redraw_outputs],
        js=_PICK,
        **private,
    )


def i18n_for(table: dict[str, dict[str, str]]) -> I18n:
    """Gradio's translations of a page's fixed labels."""
    return gr.I18n(**table)
