"""The exceptions presschat raises.

    PresschatError          anything presschat itself reports to a user
    ├── ConfigError         a setting is missing or invalid
    ├── ReadError           an input file or record cannot be read as a release
    ├── RequestError        a question, its history or its filters are invalid
    ├── StoreError          the vector store cannot be opened, read or written
    └── BackendError        a model backend (embedder or LLM) failed

Library code raises these; the CLI and the web app turn them into exit codes and messages.
"""


class PresschatError(Exception):
    """Base class of every error presschat reports to a user."""


class ConfigError(PresschatError):
    """A setting is missing or invalid."""


class ReadError(PresschatError):
    """An input cannot be read as a release; the message says where and why."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class RequestError(PresschatError):
    """A question, its conversation history or its search filters are invalid; the message
    says which and why, in words a user can act on. `problems` lists (field path, message,
    value given) for callers that word the message themselves (the web chat, in three
    languages)."""

    def __init__(
        self, message: str, problems: tuple[tuple[tuple[str | int, ...], str, object], ...] = ()
    ) -> None:
        super().__init__(message)
        self.problems = problems


class StoreError(PresschatError):
    """The vector store cannot be opened, read or written."""


class BackendError(PresschatError):
    """A model backend failed."""
