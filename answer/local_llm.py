"""A GGUF model run in process by llama.cpp (llama-cpp-python), as a LangChain chat model: the
offline default LLM.

The only module that imports llama_cpp.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessageChunk, BaseMessage, convert_to_openai_messages
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field, PrivateAttr

from answer.chat_models import StopSignal, StreamingChatModel
from answer.packaged_model import packaged_model_path
from retrieval.errors import BackendError, ConfigError
from retrieval.settings import Settings

log = logging.getLogger(__name__)

_LOCK_POLL_S = 0.1


class LlamaCppChatModel(StreamingChatModel):
    """llama.cpp with one model loaded lazily, shared by callers one generation at a time.

    `max_tokens` and `temperature` are defaults that call options override (as in
    `model.stream(messages, max_tokens=64)`). Once `stop_signal` is set, the generation under
    way ends at its next token and those waiting for the model end before they start.

    The call option `watch_first_token=TEXT` makes the first chunk's `generation_info` carry
    `first_token_probability`: how likely the model found TEXT's first token as the reply's
    first, read from the logits it sampled from (no extra model call)."""

    reports_first_token_probability: bool = True

    model_path: Path
    context: int = 4096
    threads: int | None = None
    max_tokens: int = 256
    temperature: float = 0.1
    seed: int | None = 0
    """Each generation samples with this seed, so that a prompt gets the same reply whatever
    came before it in the process; None = llama.cpp's next seed."""
    stop_signal: StopSignal = Field(default_factory=StopSignal, exclude=True)
    _llama: Any = PrivateAttr(default=None)
    # A llama.cpp context is not thread-safe; concurrent askers queue here.
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, stop_signal: StopSignal | None = None
    ) -> LlamaCppChatModel:
        """The GGUF file the settings name, or the packaged model."""
        if settings.llm_model_path is not None:
            path = settings.llm_model_path.expanduser()
            if not path.is_file():
                raise ConfigError(f"PRESSCHAT_LLM_MODEL_PATH: no such file {path}")
        else:
            path = packaged_model_path(settings.model_cache_dir.expanduser())
        return cls(
            model_path=path,
            context=settings.llm_context,
            threads=settings.llm_threads,
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            seed=settings.sampling_seed,
            stop_signal=stop_signal or StopSignal(),
        )

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "context": self.context}

    @property
    def model_name(self) -> str:
        """Which model answers, for logs and the API: the GGUF file's name."""
        return self.model_path.stem

    def _model(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BackendError(
                    "the local LLM needs llama-cpp-python (scripts/setup installs it)"
                ) from exc
            options: dict[str, Any] = {
                "model_path": str(self.model_path),
                "n_ctx": self.context,
                "n_threads": self.threads or os.cpu_count() or 2,
                "n_batch": 512,
                # mmap page faults made decoding ~10x slower on the reference machine.
                "use_mmap": False,
                # (llama.cpp's AMX path crashed at the first decode on CPUs with AMX; the
                # Llama class cannot switch it off, so scripts/setup builds without AMX.)
                "verbose": False,
            }
            try:
                self._llama = Llama(**options)
            except (ValueError, RuntimeError, OSError) as exc:
                raise BackendError(f"cannot load the model {self.model_path}: {exc}") from exc
        return self._llama

    def load(self) -> None:
        """Load the model now rather than at the first question."""
        with self._lock:
            self._model()

    def _acquire(self) -> None:
        """Wait for the model, but not past a stop: a queued asker would otherwise read its
        whole prompt (seconds) before it could notice."""
        while not self._lock.acquire(timeout=_LOCK_POLL_S):
            self.stop_signal.check()
        if self.stop_signal.is_set():
            self._lock.release()
            self.stop_signal.check()

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self._acquire()
        try:
            llama = self._model()
            first: list[float] = []  # the watched token's probability, once known
            watched = kwargs.get("watch_first_token")
            chunks = llama.create_chat_completion(
                messages=convert_to_openai_messages(messages),
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=kwargs.get("temperature", self.temperature),
                seed=self.seed,
                stop=stop or [],
                stream=True,
                logits_processor=_first_token_watch(llama, watched, first) if watched else None,
            )
            try:
                # llama.cpp decodes one token per step of this iterator, so leaving the loop
                # (a stop, or the caller closing this stream) stops the generation.
                reported = False
                for chunk in chunks:
                    self.stop_signal.check()
                    choice = chunk["choices"][0]
                    text = choice.get("delta", {}).get("content") or ""
                    finish = choice.get("finish_reason")
                    if text or finish:
                        info: dict[str, Any] = {"finish_reason": finish} if finish else {}
                        if first and not reported:
                            info["first_token_probability"] = first[0]
                            reported = True
                        message = AIMessageChunk(content=text)
                        yield ChatGenerationChunk(message=message, generation_info=info or None)
            finally:
                chunks.close()
        except (ValueError, RuntimeError) as exc:
            raise BackendError(f"the local model failed: {exc}") from exc
        finally:
            self._lock.release()


def _first_token_watch(llama: Any, text: str, found: list[float]) -> Any:
    """A llama.cpp logits processor that appends to `found` the probability of `text`'s first
    token at the first sampling step, and changes nothing."""
    from llama_cpp import LogitsProcessorList

    token = llama.tokenize(text.encode(), add_bos=False, special=False)[0]

    def watch(_: npt.NDArray[np.intc], scores: npt.NDArray[np.single]) -> npt.NDArray[np.single]:
        if not found:
            shifted = np.exp(scores - scores.max())
            found.append(float(shifted[token] / shifted.sum()))
        return scores

    return LogitsProcessorList([watch])
