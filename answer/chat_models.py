"""The chat-model seam: answering talks to any LangChain chat model (`BaseChatModel`).

`stream_text` is the one way answering reads a model: text pieces as they come, every failure
a BackendError, and a `StopSignal` checked between pieces so that a server shutting down ends
generations at the next token. `FakeChatModel` is a scripted model for tests. The real
backends: `answer.local_llm`, and LangChain's ChatOpenAI for any OpenAI-compatible endpoint
(vLLM, Ollama, llama.cpp server, OpenAI: `chat_openai`); `answer.assistant.build_chat_model`
picks one from settings.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

from answer.grounding import MARKERS
from retrieval.errors import BackendError, PresschatError
from retrieval.settings import Settings

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI


class GenerationStopped(BackendError):
    """Generation was ended on purpose (e.g. the server is shutting down); says why."""


class StopSignal:
    """A one-way switch that ends generations between tokens and refuses new ones, e.g. when
    the server shuts down. Thread-safe: set from one thread, checked by the generating ones."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = "generation was stopped"

    def stop(self, reason: str) -> None:
        """End running generations at their next token with `reason` as the message."""
        self.reason = reason
        self._event.set()

    def is_set(self) -> bool:
        """Whether `stop` was called."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise GenerationStopped if `stop` was called."""
        if self._event.is_set():
            raise GenerationStopped(self.reason)


def model_name(model: BaseChatModel) -> str:
    """Which model answers, for logs and the API: the provider's model name where the chat
    model has one (`model_name` or `model`, as LangChain integrations name it)."""
    for attribute in ("model_name", "model"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return model.get_name()


def _where(model: BaseChatModel) -> str:
    base_url = getattr(model, "openai_api_base", None)
    return f"at {base_url}" if isinstance(base_url, str) and base_url else model_name(model)


def backend_error(model: BaseChatModel, exc: Exception) -> BackendError:
    """A chat model's failure as a BackendError whose message says what went wrong. Errors of
    the OpenAI client (ChatOpenAI and the integrations built on it) get specific messages."""
    import openai  # comes with langchain-openai, a dependency

    where = _where(model)
    if isinstance(exc, openai.APITimeoutError):
        return BackendError(f"the LLM {where} timed out")
    if isinstance(exc, openai.APIConnectionError):
        return BackendError(f"cannot reach the LLM {where}: {exc}")
    if isinstance(exc, openai.APIStatusError):
        return BackendError(f"the LLM {where} answered HTTP {exc.status_code}: {exc.message}")
    if isinstance(exc, openai.OpenAIError | ValueError | KeyError):
        return BackendError(f"the LLM {where} sent an unusable reply: {exc}")
    return BackendError(f"the LLM {where} failed: {exc}")


def stream_text(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    max_tokens: int,
    temperature: float,
    stop: StopSignal | None = None,
    watch_first_token: str | None = None,
    info: dict[str, Any] | None = None,
) -> Generator[str, None, None]:
    """The reply's text in pieces as the model writes it. `max_tokens` and `temperature` go to
    the model as call options (the names LangChain's chat models take). Raises BackendError on
    failure, GenerationStopped once `stop` is set (checked before and between pieces).

    With `watch_first_token`, a model that can tell (`reports_first_token_probability`, the
    local one) puts `first_token_probability` into `info` with the first piece; each piece's
    response metadata goes into `info` before the piece is yielded."""
    if stop:
        stop.check()
    options: dict[str, Any] = {"max_tokens": max_tokens, "temperature": temperature}
    if watch_first_token and getattr(model, "reports_first_token_probability", False):
        options["watch_first_token"] = watch_first_token
    pieces = model.stream(list(messages), **options)
    try:
        for chunk in pieces:
            if stop:
                stop.check()
            if info is not None:
                info.update(chunk.response_metadata)
            text = chunk.content
            if not isinstance(text, str):
                raise BackendError(f"the LLM {_where(model)} sent a reply that is not text")
            if text:
                yield text
    except PresschatError:
        raise
    except Exception as exc:
        if stop and stop.is_set():
            raise GenerationStopped(stop.reason) from exc
        raise backend_error(model, exc) from exc
    finally:
        # Ends the model's generation now (a local model stops decoding, a server's stream is
        # closed) rather than whenever the garbage collector gets to it.
        close = getattr(pieces, "close", None)
        if callable(close):
            close()


_LONG_PIECE = 80
"""Characters: a piece of a loop longer than this is a loop at three copies (`loop_start`)."""


def loop_start(
    text: str, *, copies: int = 4, min_chars: int = 40, longest: int = 200
) -> int | None:
    """Where a reply stuck in a loop starts repeating: the start of the run of copies of one
    piece of text (up to `longest` characters) that its end repeats `copies` or more times in a
    row, over `min_chars` or more ("жерінде жерінде жерінде ...", "[1] [2][3] [1] [2][3] ...");
    a piece longer than `_LONG_PIECE` three times (a clause: no answer says one thrice over).
    None when the reply does not end so. The small default model falls into such loops now and
    then, and would otherwise write them until `max_tokens`. A list item repeating an earlier
    one is a loop too (`_repeated_line_start`)."""
    repeated = _repeated_line_start(text)
    if repeated is not None:
        return repeated
    end = len(text)
    for size in range(1, min(longest, end // 3) + 1):
        needed = copies if size <= _LONG_PIECE else 3
        if size * needed > end or not text.endswith(text[end - size :] * needed):
            continue
        start = end - size * needed  # the repeated run may reach further back, even mid-copy
        while start > 0 and text[start - 1] == text[start - 1 + size]:
            start -= 1
        if end - start >= min_chars:
            while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
                start -= 1  # not in the middle of a word
            return start
    return None


_LINE_OPENING = re.compile(r"^\s*(?:(?:\d+[.)]|[-*•])\s*)*")
_REPEAT_MIN, _REPEAT_PREFIX = 5, 80
"""Characters of a line's own text: fewer say too little to count a copy ("- Yes"); this many
of an unfinished line the same as an earlier line's start make it a copy before it ends."""


def _repeated_line_start(text: str) -> int | None:
    """Where the reply's last line starts if it repeats an earlier line, its numbering and
    markers aside: "1. - 5 liens [1]\n2. - 5 liens [1]\n" (the default model's list on
    presschat_dev's pc-025, three copies), or a line still being written whose first
    `_REPEAT_PREFIX` characters are an earlier line's."""
    lines = text.split("\n")
    finished = len(lines) > 1 and not lines[-1]
    last = lines[-2] if finished else lines[-1]
    own = _own_text(last)
    if len(own) < _REPEAT_MIN or (not finished and len(own) < _REPEAT_PREFIX):
        return None
    earlier = {_own_text(line) for line in lines[: -2 if finished else -1]}
    if any(line == own or (not finished and line.startswith(own)) for line in earlier):
        return len(text) - len(last) - finished
    return None


def _own_text(line: str) -> str:
    """A line without its list numbering, citation markers and closing full stop."""
    return MARKERS.sub("", _LINE_OPENING.sub("", line, count=1)).strip().rstrip(".").strip()


def first_line(pieces: Generator[str, None, None]) -> str:
    """The first non-empty line of a streamed reply, stripped; the stream is closed once that
    line ends, or once it falls into a loop (`loop_start`), so the model writes no more."""
    text = ""
    try:
        for piece in pieces:
            text += piece
            lines = text.lstrip().split("\n")
            if len(lines) > 1:
                return lines[0].strip()
            cut = loop_start(text)
            if cut is not None:
                return text[:cut].strip()
    finally:
        pieces.close()
    return text.strip()


class StreamingChatModel(BaseChatModel):
    """A chat model written as `_stream`; the whole reply is the stream joined."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))


class FakeChatModel(StreamingChatModel):
    """A scripted chat model for tests: replies are queued with `enqueue` and streamed word by
    word; each call's messages are kept in `calls`, its options in `options`. With an empty
    queue it repeats `default`."""

    default: str = "NO_ANSWER"
    first_token_probability: float | None = None
    """Reported with the first piece when the caller watches the first token (None: never)."""
    calls: list[list[BaseMessage]] = Field(default_factory=list, exclude=True)
    options: list[dict[str, Any]] = Field(default_factory=list, exclude=True)
    _replies: deque[str | Exception] = PrivateAttr(default_factory=deque)

    def __init__(self, default: str = "NO_ANSWER", **kwargs: Any) -> None:
        kwargs["default"] = default
        super().__init__(**kwargs)

    @property
    def _llm_type(self) -> str:
        return "presschat-fake"

    @property
    def model_name(self) -> str:
        """Which model answers, for the API."""
        return "fake"

    def enqueue(self, *replies: str | Exception) -> FakeChatModel:
        """Queue replies (or errors to raise) for the next calls, in order."""
        self._replies.extend(replies)
        return self

    def _next_reply(self, messages: list[BaseMessage], options: dict[str, Any]) -> str:
        self.calls.append(list(messages))
        self.options.append(options)
        reply = self._replies.popleft() if self._replies else self.default
        if isinstance(reply, Exception):
            raise reply
        return reply

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        words = self._next_reply(messages, kwargs).split(" ")
        watched = kwargs.get("watch_first_token") and self.first_token_probability is not None
        for i, word in enumerate(words):
            text = word if i == len(words) - 1 else word + " "
            info = {"first_token_probability": self.first_token_probability} if watched else None
            watched = False
            yield ChatGenerationChunk(message=AIMessageChunk(content=text), generation_info=info)

    @property
    def reports_first_token_probability(self) -> bool:
        """Whether `first_token_probability` is set."""
        return self.first_token_probability is not None


def chat_openai(settings: Settings) -> ChatOpenAI:
    """ChatOpenAI for the endpoint, model, key, timeout and seed the settings name. (The answer's
    length and temperature come with each call.)"""
    from langchain_openai import ChatOpenAI

    assert settings.llm_base_url, "validated by Settings"
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout,
        max_retries=1,
        # vLLM and Ollama sample with it; OpenAI's own API only tries to.
        seed=settings.sampling_seed,
    )
