"""Settings, read from PRESSCHAT_* environment variables and a .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.errors import ConfigError

EMBEDDER_CHOICES = ("e5-small", "minilm", "sentence-transformers:<model path>", "fake")


class Settings(BaseSettings):
    """Every setting presschat reads; each field is PRESSCHAT_<NAME> in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="PRESSCHAT_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(Path("presschat-data"), description="Where the embedded store lives.")
    embedder: str = Field(
        "e5-small",
        description="e5-small (multilingual, default), minilm (English, faster), "
        "sentence-transformers:<model path>, or fake (tests only).",
    )
    embed_batch_size: int = Field(32, ge=1, le=1024, description="Paragraphs per embedder call.")
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

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        if value in ("e5-small", "minilm", "fake"):
            return value
        if value.startswith("sentence-transformers:") and value.partition(":")[2].strip():
            return value
        raise ValueError(f"must be one of {', '.join(EMBEDDER_CHOICES)}")

    @property
    def chroma_path(self) -> Path:
        """Directory of the embedded Chroma store."""
        return self.data_dir / "chroma"


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment, raising ConfigError that names the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "PRESSCHAT_" + "_".join(str(p) for p in error["loc"]).upper()
            problems.append(f"{name}: {error['msg']} (got {error.get('input')!r})")
        raise ConfigError("invalid settings: " + "; ".join(problems)) from None
