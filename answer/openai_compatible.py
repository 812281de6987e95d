"""Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, OpenAI) through
LangChain's ChatOpenAI."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import SecretStr

from answer.generators import Message
from retrieval.errors import BackendError
from retrieval.settings import Settings


class OpenAICompatibleGenerator:
    """Streams chat completions from an OpenAI-compatible server."""

    def __init__(self, base_url: str, model: str, api_key: str, *, timeout: float) -> None:
        from langchain_openai import ChatOpenAI

        self.name = model
        self._base_url = base_url
        self._client: Any = ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=SecretStr(api_key),
            timeout=timeout,
            max_retries=1,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatibleGenerator:
        """The endpoint, model and key the settings name."""
        assert settings.llm_base_url, "validated by Settings"
        return cls(
            settings.llm_base_url,
            settings.llm_model,
            settings.llm_api_key.get_secret_value(),
            timeout=settings.llm_timeout,
        )

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        import openai

        payload = [(m.role, m.content) for m in messages]
        try:
            for chunk in self._client.stream(
                payload, max_tokens=max_tokens, temperature=temperature
            ):
                text = chunk.content
                if not isinstance(text, str):
                    raise BackendError(f"{self._base_url} sent a reply that is not text")
                if text:
                    yield text
        except openai.APITimeoutError as exc:
            raise BackendError(f"the LLM at {self._base_url} timed out") from exc
        except openai.APIConnectionError as exc:
            raise BackendError(f"cannot reach the LLM at {self._base_url}: {exc}") from exc
        except openai.APIStatusError as exc:
            raise BackendError(
                f"the LLM at {self._base_url} answered HTTP {exc.status_code}: {exc.message}"
            ) from exc
        except (openai.OpenAIError, ValueError, KeyError) as exc:
            raise BackendError(
                f"the LLM at {self._base_url} sent an unusable reply: {exc}"
            ) from exc
