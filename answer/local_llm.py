"""A GGUF model run in process by llama.cpp (llama-cpp-python): the offline default LLM.

The only module that imports llama_cpp.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from answer.generators import Message
from answer.packaged_model import packaged_model_path
from retrieval.errors import BackendError, ConfigError
from retrieval.settings import Settings

log = logging.getLogger(__name__)


class LlamaCppGenerator:
    """llama.cpp with one model loaded lazily, shared by callers one generation at a time."""

    def __init__(
        self, model_path: Path, *, context: int = 4096, threads: int | None = None
    ) -> None:
        self.model_path = model_path
        self.name = model_path.stem
        self._context = context
        self._threads = threads or os.cpu_count() or 2
        self._llama: Any = None
        # A llama.cpp context is not thread-safe; concurrent askers queue here.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> LlamaCppGenerator:
        """The GGUF file the settings name, or the packaged model."""
        if settings.llm_model_path is not None:
            path = settings.llm_model_path.expanduser()
            if not path.is_file():
                raise ConfigError(f"PRESSCHAT_LLM_MODEL_PATH: no such file {path}")
        else:
            path = packaged_model_path(settings.model_cache_dir.expanduser())
        return cls(path, context=settings.llm_context, threads=settings.llm_threads)

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
                "n_ctx": self._context,
                "n_threads": self._threads,
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
        self._model()

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        with self._lock:
            llama = self._model()
            try:
                chunks = llama.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stream=True,
                )
                for chunk in chunks:
                    delta = chunk["choices"][0].get("delta", {})
                    text = delta.get("content")
                    if text:
                        yield text
            except (ValueError, RuntimeError) as exc:
                raise BackendError(f"the local model failed: {exc}") from exc
