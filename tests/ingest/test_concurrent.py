"""Ingest, delete and search at the same time, in threads, as the web server does them."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from ingest.pipeline import Ingestor
from retrieval.index import Index


def _write(path: Path, prefix: str, count: int) -> Path:
    lines = [
        json.dumps(
            {
                "id": f"{prefix}{i}",
                "title": f"Release {prefix}{i}",
                "paragraphs": [
                    f"Paragraph {j} of {prefix}{i} about water and roads." for j in range(5)
                ],
            }
        )
        for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ingest_delete_and_search_together_end_consistent(
    index: Index, ingestor: Ingestor, tmp_path: Path
) -> None:
    old = _write(tmp_path / "old.jsonl", "old", 40)
    assert ingestor.ingest([old]).ok
    new = _write(tmp_path / "new.jsonl", "new", 60)
    errors: list[BaseException] = []
    stop = threading.Event()

    def guarded(work: object) -> threading.Thread:
        def run() -> None:
            try:
                work()  # type: ignore[operator]
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        return threading.Thread(target=run)

    def searching() -> None:
        while not stop.is_set():
            for hit in index.search("water and roads", 5):
                assert hit.text

    deleted = [f"old{i}" for i in range(0, 40, 2)]
    threads = [
        guarded(lambda: Ingestor.for_index(index).ingest([new])),
        guarded(lambda: [index.store.delete_release(rid) for rid in deleted]),
        guarded(searching),
    ]
    for thread in threads:
        thread.start()
    threads[0].join(timeout=120)
    threads[1].join(timeout=120)
    stop.set()
    threads[2].join(timeout=30)
    assert not errors, errors

    states = index.store.release_states()
    expected = {f"old{i}" for i in range(1, 40, 2)} | {f"new{i}" for i in range(60)}
    assert set(states) == expected
    assert all(
        s.chunks == s.expected_chunks and len(s.release_hashes) == 1 for s in states.values()
    )
    assert index.store.count() == sum(s.chunks for s in states.values())
