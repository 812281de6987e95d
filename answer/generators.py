"""The Generator seam: what answering needs from a chat LLM, and a fake for tests.

Real backends live in their own modules (`answer.local_llm`, `answer.openai_compatible`) so
that only they import their engines; `answer.assistant.build_generator` picks one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol


@dataclass(frozen=True)
class Message:
    """One chat message for the model."""

    role: Literal["system", "user", "assistant"]
    content: str


class Generator(Protocol):
    """A chat model that streams its reply."""

    @property
    def name(self) -> str:
        """Which model answers, for logs and the API."""
        ...

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        """The reply in pieces as the model produces them; raises BackendError on failure."""
        ...


class FakeGenerator:
    """A scripted generator for tests: replies are queued with `enqueue` and streamed word by
    word; each call's messages are kept in `calls`. With an empty queue it repeats `default`."""

    name = "fake"

    def __init__(self, default: str = "NO_ANSWER") -> None:
        self.default = default
        self.calls: list[list[Message]] = []
        self._replies: deque[str | Exception] = deque()

    def enqueue(self, *replies: str | Exception) -> FakeGenerator:
        """Queue replies (or errors to raise) for the next calls, in order."""
        self._replies.extend(replies)
        return self

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        self.calls.append(list(messages))
        reply = self._replies.popleft() if self._replies else self.default
        if isinstance(reply, Exception):
            raise reply
        words = reply.split(" ")
        for i, word in enumerate(words):
            yield word if i == len(words) - 1 else word + " "


def complete(
    generator: Generator, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0
) -> str:
    """The whole reply as one string."""
    return "".join(generator.stream(messages, max_tokens=max_tokens, temperature=temperature))
