"""Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, OpenAI): LangChain's
ChatOpenAI as it is, configured from settings. (`answer.chat_models.backend_error` words the
OpenAI client's failures.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrieval.settings import Settings

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI


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
