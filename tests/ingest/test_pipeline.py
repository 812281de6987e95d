"""Ingest through a real Chroma store: first run, re-runs, changes, pruning and bad input."""

import json
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from retrieval.embedders import FakeEmbedder
from retrieval.index import Index
from tests.conftest import write_jsonl
from tests.factories import release_record

ALL_TEST_RELEASES = 9


def _texts(index: Index) -> list[str]:
    return [
        text
        for s in index.store.releases()
        for _, text in (index.store.release(s.release_id) or (None, []))[1]
    ]


def test_first_run_adds_every_format_and_second_run_embeds_nothing(
    ingestor: Ingestor, embedder: FakeEmbedder, data_dir: Path, index: Index
) -> None:
    first = ingestor.ingest([data_dir / "releases"])
    assert first.ok, first.failed
    assert (len(first.added), first.files) == (ALL_TEST_RELEASES, 7)
    assert first.chunks_embedded == embedder.passages_embedded > 0
    stored = index.store.count()

    embedded_before = embedder.passages_embedded
    second = ingestor.ingest([data_dir / "releases"])
    assert (second.unchanged, len(second.added), len(second.updated)) == (ALL_TEST_RELEASES, 0, 0)
    assert embedder.passages_embedded == embedded_before
    assert index.store.count() == stored


def test_changed_release_replaces_its_chunks_and_reuses_unchanged_vectors(
    ingestor: Ingestor, embedder: FakeEmbedder, index: Index, tmp_path: Path
) -> None:
    path = tmp_path / "r.jsonl"
    write_jsonl(
        path,
        [
            release_record(
                "a",
                "Alpha paragraph about the ancient lighthouse keeper.",
                "Beta paragraph about harbour tariffs and fishing quotas.",
                "Gamma paragraph about the zebra crossing on Main Street.",
            )
        ],
    )
    ingestor.ingest([path])
    write_jsonl(
        path,
        [
            release_record(
                "a",
                "Alpha paragraph about the ancient lighthouse keeper.",
                "Beta paragraph about harbour tariffs and new shipping rules.",
            )
        ],
    )
    report = ingestor.ingest([path])
    assert (report.updated, report.chunks_embedded) == (["a"], 1)
    assert index.store.count() == 2
    texts = _texts(index)
    assert not any("zebra" in t or "fishing" in t for t in texts)
    hits = index.search("zebra crossing Main Street", 5)
    assert all("zebra" not in h.text for h in hits)


def test_moved_release_updates_metadata_without_embedding(
    ingestor: Ingestor, embedder: FakeEmbedder, index: Index, tmp_path: Path
) -> None:
    write_jsonl(tmp_path / "old.jsonl", [release_record("m", "A paragraph that will move files.")])
    ingestor.ingest([tmp_path])
    before = embedder.passages_embedded
    (tmp_path / "old.jsonl").rename(tmp_path / "new.jsonl")
    report = ingestor.ingest([tmp_path], prune=True)
    assert (report.updated, report.removed, embedder.passages_embedded) == (["m"], [], before)
    (summary,) = index.store.releases()
    assert summary.source_path.endswith("new.jsonl")


def test_prune_removes_only_releases_gone_from_the_given_paths(
    ingestor: Ingestor, index: Index, tmp_path: Path
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    write_jsonl(
        tmp_path / "one" / "a.jsonl",
        [release_record("a1", "Text a1 here."), release_record("a2", "Text a2 here.")],
    )
    write_jsonl(tmp_path / "one" / "b.jsonl", [release_record("b1", "Text b1 here.")])
    write_jsonl(tmp_path / "two" / "c.jsonl", [release_record("c1", "Text c1 here.")])
    ingestor.ingest([tmp_path / "one", tmp_path / "two"])

    write_jsonl(tmp_path / "one" / "a.jsonl", [release_record("a1", "Text a1 here.")])
    (tmp_path / "one" / "b.jsonl").unlink()
    without = ingestor.ingest([tmp_path / "one"])
    assert without.removed == []
    assert len(index.store.releases()) == 4

    report = ingestor.ingest([tmp_path / "one"], prune=True)
    assert sorted(report.removed) == ["a2", "b1"]
    assert sorted(s.release_id for s in index.store.releases()) == ["a1", "c1"]


def test_prune_keeps_releases_of_a_file_that_failed_to_read(
    ingestor: Ingestor, index: Index, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl", [release_record("a1", "Text a1."), release_record("a2", "Text.")]
    )
    ingestor.ingest([tmp_path])
    path.write_text('{"id": "a1", "title": "T", "paragraphs": ["Text a1."]}\n{broken\n')
    report = ingestor.ingest([tmp_path], prune=True)
    assert not report.ok and report.removed == []
    assert sorted(s.release_id for s in index.store.releases()) == ["a1", "a2"]


def test_bad_files_fail_alone_and_the_store_keeps_everything(
    ingestor: Ingestor, index: Index, tmp_path: Path, data_dir: Path
) -> None:
    ingestor.ingest([data_dir / "releases"])
    before = index.store.count()
    bad = tmp_path / "incoming"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (bad / "cp1251.txt").write_bytes("Новости министерства".encode("cp1251"))
    (bad / "lines.jsonl").write_text(
        json.dumps(release_record("good-1", "A good release among bad lines."))
        + "\n"
        + "{oops\n"
        + json.dumps(release_record("no-paragraphs"))
        + "\n"
        + json.dumps(release_record("bad-date", "Text.", date="31/31/2020"))
        + "\n"
    )
    report = ingestor.ingest([bad, tmp_path / "missing-folder"])
    reasons = {f.where.rsplit("/", 1)[-1]: f.reason for f in report.failed}
    assert reasons["empty.txt"] == "file is empty"
    assert reasons["image.html"] == "binary file, not text"
    assert reasons["cp1251.txt:1"].startswith("not UTF-8 text")
    assert reasons["lines.jsonl:2"].startswith("invalid JSON")
    assert reasons["lines.jsonl:3"] == "release has no paragraphs"
    assert reasons["lines.jsonl:4"].startswith("field `date`: unrecognised date '31/31/2020'")
    assert reasons["missing-folder"] == "no such file or folder"
    assert report.added == ["good-1"] and not report.ok
    assert index.store.count() == before + 1


def test_duplicate_ids_keep_the_first_and_report_the_second(
    ingestor: Ingestor, index: Index, tmp_path: Path
) -> None:
    write_jsonl(tmp_path / "a.jsonl", [release_record("dup", "First copy of it.")])
    write_jsonl(tmp_path / "b.jsonl", [release_record("dup", "Second copy of it.")])
    report = ingestor.ingest([tmp_path])
    assert report.added == ["dup"]
    (failure,) = report.failed
    assert "duplicate release id 'dup'" in failure.reason and failure.where.endswith("b.jsonl")


def test_partially_written_release_is_completed_without_duplicates(
    ingestor: Ingestor, index: Index, embedder: FakeEmbedder, tmp_path: Path
) -> None:
    paragraphs = [f"Paragraph number {i} of a long release about budgets." for i in range(10)]
    path = write_jsonl(tmp_path / "r.jsonl", [release_record("p", *paragraphs)])
    ingestor.ingest([path])
    # Simulate a run killed after writing only some chunks: drop the last four.
    rows = sorted(index.store.chunks_of(["p"]), key=lambda r: int(r[1]["seq"]))
    index.store.delete_chunks([r[0] for r in rows[6:]])
    before = embedder.passages_embedded
    report = ingestor.ingest([path])
    assert report.updated == ["p"]
    assert embedder.passages_embedded - before == 4  # only the missing ones
    assert index.store.count() == 10
    assert index.store.release_states()["p"].chunks == 10


def test_shared_doj_sample_round_trip(ingestor: Ingestor, index: Index, doj_sample: Path) -> None:
    report = ingestor.ingest([doj_sample])
    assert report.ok and len(report.added) == 20
    first = json.loads(doj_sample.read_text().splitlines()[0])
    hits = index.search(first["paragraphs"][1], 3)
    assert hits[0].release_id == first["id"]
    assert hits[0].covers(1)


def test_copy_of_a_folder_is_the_same_releases_with_ids_from_the_files(
    ingestor: Ingestor, index: Index, tmp_path: Path, data_dir: Path
) -> None:
    shutil.copytree(data_dir / "releases", tmp_path / "copy")
    ingestor.ingest([tmp_path / "copy"])
    ids = {s.release_id for s in index.store.releases()}
    assert {"doj-test-1", "ru-test-2", "kk-test-3", "json-array-1"} <= ids
    assert "https://www.justice.gov/opa/pr/texas-man-sentenced-wire-fraud-scheme" in ids
    assert len(ids) == ALL_TEST_RELEASES


@pytest.mark.parametrize(
    "query, expected",
    [
        ("direct flight between Astana and Tokyo", "gov.kz"),
        ("wire fraud Ponzi scheme Houston", "justice.gov"),
    ],
)
def test_search_finds_the_right_release(
    ingestor: Ingestor, index: Index, data_dir: Path, query: str, expected: str
) -> None:
    ingestor.ingest([data_dir / "releases"])
    top = index.search(query, 1)[0]
    assert expected in (top.site + top.url)


def test_chunks_reach_the_store_in_small_batches_as_the_run_goes(
    index: Index, tmp_path: Path
) -> None:
    from ingest.pipeline import Failure, Tally

    paragraphs = [f"Paragraph {i} of a very long release about the budget." for i in range(300)]
    write_jsonl(tmp_path / "a.jsonl", [release_record("long", *paragraphs)])
    (tmp_path / "b.jsonl").write_text("{oops\n")
    write_jsonl(tmp_path / "c.jsonl", [release_record("c", "A later release.")])
    events: list[tuple[str, int]] = []

    class Watch:
        def update(self, tally: Tally) -> None:
            events.append(("stored", index.store.count()))
            assert tally.chunks_stored <= tally.chunks_queued

        def failed(self, failure: Failure) -> None:
            events.append(("failed", index.store.count()))

    ingestor = Ingestor(index.store, index.embedder, index.recipe, write_batch_chunks=64)
    report = ingestor.ingest([tmp_path], progress=Watch())
    counts = sorted({n for kind, n in events if kind == "stored"})
    assert counts[:6] == [0, 64, 128, 192, 256, 301]  # a kill loses at most one batch
    failed_at = next(n for kind, n in events if kind == "failed")
    assert 0 < failed_at < 301  # reported while the run went on, not at its end
    assert report.added == ["long", "c"] and index.store.count() == 301
