"""`presschat serve`: the web chat, the admin page, the widget and the HTTP API."""

from __future__ import annotations

import click

from presschat.cli.common import handle_errors, parts


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
@handle_errors
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web chat (/), the admin page (/admin), the widget (/widget.js) and the HTTP
    API (/api, docs at /docs)."""
    from presschat.server import build_server, run_server

    state = parts(ctx)
    hosts = state.settings.allowed_hosts
    if host not in ("127.0.0.1", "localhost", "::1") and "*" not in hosts:
        click.echo(
            f"note: only requests to {', '.join(hosts)} are answered; set "
            "PRESSCHAT_ALLOWED_HOSTS to the names users type (e.g. presschat.intranet.example)",
            err=True,
        )
    assistant = state.assistant()
    click.echo("loading the models and the keyword index…", err=True)
    assistant.index.embedder.embed_query("warm up")
    assistant.index.refresh()  # not on the first search
    load = getattr(assistant.chat_model, "load", None)
    if callable(load):
        load()
    app = build_server(state.settings, assistant=assistant)
    count = assistant.index.store.count()
    click.echo(f"presschat: {count} paragraphs; chat on http://{host}:{port}/", err=True)
    run_server(app, assistant, host=host, port=port)
