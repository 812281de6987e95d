"""The `presschat` command, one module per group of commands."""

from presschat.cli.main import cli, main

__all__ = ["cli", "main"]
