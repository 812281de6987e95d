"""The web server: the HTTP API, the widget script, the admin page and the chat, in one FastAPI
app. Everything is passed in; the composition point (presschat.server) builds the parts."""

from __future__ import annotations

import secrets
from importlib import resources

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response

from answer.assistant import Assistant
from retrieval.settings import Settings
from ui.access import RateLimiter, install_access_rules
from ui.admin import build_admin
from ui.admin_operations import AdminOperations
from ui.api import ApiHandlers, create_api, install_error_handlers
from ui.chat_page import CSS, build_chat
from ui.feedback import FeedbackLog
from ui.locales import ADMIN, CHAT, LOCALES
from ui.page_language import i18n_for


def widget_script() -> str:
    """The widget's JavaScript, as shipped in the package."""
    return resources.files("ui").joinpath("static/widget.js").read_text(encoding="utf-8")


def create_app(
    assistant: Assistant,
    settings: Settings,
    *,
    operations: AdminOperations | None = None,
    feedback: FeedbackLog | None = None,
    limiter: RateLimiter | None = None,
    storage_secret: str | None = None,
) -> FastAPI:
    """The whole server, bound to one assistant."""
    admin_token = settings.admin_token.get_secret_value() if settings.admin_token else None
    access_token = settings.access_token.get_secret_value() if settings.access_token else None
    limiter = limiter or RateLimiter(settings.rate_limit)
    feedback = feedback or FeedbackLog(settings.feedback_path)

    app = FastAPI(
        title="presschat",
        description="Questions about press releases, answered with cited paragraphs.",
    )
    install_access_rules(app, settings.allowed_hosts, settings.allowed_origins)
    install_error_handlers(app)
    app.include_router(
        create_api(
            ApiHandlers(
                assistant,
                admin_token=admin_token,
                access_token=access_token,
                operations=operations,
                limiter=limiter,
                feedback=feedback,
            )
        )
    )

    script = widget_script()

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> Response:
        return Response(
            script,
            media_type="application/javascript; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300"},
        )

    if admin_token and operations is not None:
        token = admin_token

        def admin_login(_user: str, password: str) -> bool:
            return secrets.compare_digest(password.encode(), token.encode())

        gr.mount_gradio_app(
            app,
            build_admin(assistant, operations),
            path="/admin",
            footer_links=[],
            auth=admin_login,
            auth_message=" / ".join(ADMIN[locale]["login"] for locale in LOCALES),
            i18n=i18n_for(ADMIN),
            max_file_size="200mb",
        )
    else:

        @app.get("/admin", include_in_schema=False)
        @app.get("/admin/", include_in_schema=False)
        def admin_disabled() -> HTMLResponse:
            return HTMLResponse(
                "<p>The admin page is disabled. Set PRESSCHAT_ADMIN_TOKEN to enable it.</p>",
                status_code=403,
            )

    chat = build_chat(
        assistant,
        limiter=limiter,
        feedback=feedback,
        examples=settings.example_questions,
        storage_secret=storage_secret,
    )
    login = None
    if access_token is not None:
        access = access_token

        def login(_user: str, password: str) -> bool:
            return secrets.compare_digest(password.encode(), access.encode())

    gr.mount_gradio_app(
        app,
        chat,
        path="",
        footer_links=["api"],
        css=CSS,
        i18n=i18n_for(CHAT),
        auth=login,
        auth_message=" / ".join(CHAT[locale]["login"] for locale in LOCALES),
        max_file_size="1mb",  # the chat takes no files; Gradio's upload route exists anyway
    )
    return app
