"""Collections are named by embedder and chunking recipe, so vectors never mix."""

from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from retrieval.embedders import FakeEmbedder, Vectors
from retrieval.index import ChunkingRecipe, Index, collection_name
from retrieval.settings import load_settings
from retrieval.types import SearchFilters
from tests.conftest import write_jsonl

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "releases"


def test_collection_name_includes_embedder_and_recipe() -> None:
    recipe = ChunkingRecipe(min_chars=40, max_tokens=512, embed_titles=True)
    assert collection_name("presschat", "e5-small-q4", recipe) == "presschat-e5-small-q4-c1m40t512h"


def test_two_embedders_in_one_data_dir_keep_separate_collections(
    tmp_path: Path, data_dir: Path
) -> None:
    settings = load_settings(data_dir=tmp_path, embedder="fake")
    small = Index.from_settings(settings, embedder=FakeEmbedder(dimension=64))
    large = Index.from_settings(settings, embedder=FakeEmbedder(dimension=128))
    assert small.store.collection_name != large.store.collection_name
    Ingestor.for_index(small).ingest([data_dir / "releases" / "array.json"])
    assert small.store.count() > 0 and large.store.count() == 0
    assert large.search("digital visa portal") == []
    assert small.search("digital visa portal")[0].release_id == "json-array-1"


def test_blank_query_returns_nothing(tmp_path: Path) -> None:
    index = Index.from_settings(load_settings(data_dir=tmp_path, embedder="fake"))
    assert index.search("   ") == []


def test_concurrent_searches_share_calls_and_keep_their_own_filters(
    index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    import threading

    ingestor.ingest([data_dir / "releases"])
    embedder = index.embedder
    assert isinstance(embedder, FakeEmbedder)
    alone = {
        lang: index.search("water consultations", 3, SearchFilters(language=lang))
        for lang in ("ru", "en")
    }
    calls = embedder.query_calls
    results: dict[str, list[list[str]]] = {"ru": [], "en": []}
    start = threading.Barrier(20)

    def search(lang: str, spaces: int) -> None:
        start.wait()
        # Texts of their own (trailing spaces): a text searched before is not embedded again.
        text = "water consultations" + " " * spaces
        hits = index.search(text, 3, SearchFilters(language=lang))
        results[lang].append([h.chunk_id for h in hits])

    threads = [
        threading.Thread(target=search, args=("ru" if i % 2 else "en", i + 1)) for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for lang in ("ru", "en"):
        assert results[lang] == [[h.chunk_id for h in alone[lang]]] * 10
    assert embedder.query_calls - calls < 20


def _case_records() -> list[dict[str, object]]:
    """Twenty releases that share the question's common words, and one that names its case
    number in other words."""
    decoys = [
        {
            "id": f"decoy-{i}",
            "title": f"Who was who {i}",
            "paragraphs": [f"Who was who, and who was in, was said to be who it was ({i})."],
        }
        for i in range(100, 120)
    ]
    gold = {
        "id": "gold",
        "title": "Plea accepted",
        "paragraphs": ["Judge Alvarez accepted the plea entered in 1:09-cr-00123 on Tuesday."],
    }
    return [*decoys, gold]


def test_hybrid_finds_an_exact_case_number_the_dense_ranking_misses(tmp_path: Path) -> None:
    question = "Who was sentenced in 1:09-cr-00123?"
    found = {}
    for mode in ("dense", "hybrid"):
        settings = load_settings(data_dir=tmp_path / mode, embedder="fake", retrieval_mode=mode)
        index = Index.from_settings(settings, embedder=FakeEmbedder())
        cases = write_jsonl(tmp_path / "cases.jsonl", _case_records())
        Ingestor.for_index(index).ingest([cases])
        found[mode] = [h.release_id for h in index.search(question, 3)]
    assert "gold" not in found["dense"], found
    assert found["hybrid"][0] == "gold", found


class _Bilingual(FakeEmbedder):
    """Reads a few Russian words as English, as a multilingual embedder would."""

    WORDS = {"посетителей": "visitors", "консульский": "consular", "центр": "centre"}

    def _vector(self, text: str) -> Vectors:
        return super()._vector(" ".join(self.WORDS.get(w, w) for w in text.lower().split()))


def test_one_common_word_gives_a_keyword_hit_little_say(tmp_path: Path) -> None:
    # Asked in Russian, answered by an English release: the keyword ranking's only hit is a
    # Russian release that shares one common word ("год") with the question. Fused at full
    # weight it outranked the release the embedder found first.
    releases = [
        {"id": "almaty", "title": "Centre", "language": "en",
         "paragraphs": ["The consular centre expects 40,000 visitors."]},
        {"id": "water", "title": "Вода", "language": "ru",
         "paragraphs": ["В этом году работы по воде продолжатся."]},
    ]  # fmt: skip
    index = Index.from_settings(
        load_settings(data_dir=tmp_path, embedder="fake"), embedder=_Bilingual()
    )
    Ingestor.for_index(index).ingest([write_jsonl(tmp_path / "r.jsonl", releases)])
    question = "Сколько посетителей в год обслужит консульский центр в Алматы?"
    assert index.keywords is not None
    assert index.keywords.search(question, 5) == [index.search("воде", 1)[0].chunk_id]
    assert [h.release_id for h in index.search(question, 2)] == ["almaty", "water"]


@pytest.mark.slow
def test_a_kazakh_question_finds_the_english_release_that_answers_it(tmp_path: Path) -> None:
    index = Index.from_settings(load_settings(data_dir=tmp_path, embedder="e5-small"))
    Ingestor.for_index(index).ingest([EXAMPLES])
    question = "Қазақстан мен Тәжікстанның сыртқы істер министрлері не талқылады?"
    hits = index.search(question, 4)
    assert all("Dushanbe" in hit.title or "Dushanbe" in hit.text for hit in hits[:3]), hits


def test_dense_mode_builds_no_keyword_index(tmp_path: Path, data_dir: Path) -> None:
    settings = load_settings(data_dir=tmp_path, embedder="fake", retrieval_mode="dense")
    index = Index.from_settings(settings, embedder=FakeEmbedder())
    Ingestor.for_index(index).ingest([data_dir / "releases"])
    assert index.keywords is None
    assert index.search("digital visa portal")[0].release_id == "json-array-1"
    assert not settings.keywords_dir.exists()


def test_hybrid_hits_are_distinct_within_k_and_filters(index: Index, data_dir: Path) -> None:
    Ingestor.for_index(index).ingest([data_dir / "releases"])
    for k in (1, 3, 10):
        hits = index.search("Tyson Foods fine water", k, SearchFilters(language="en"))
        assert 0 < len(hits) <= k
        assert len({h.chunk_id for h in hits}) == len(hits)
        assert all(h.language == "en" for h in hits)


def test_a_search_shows_a_paragraph_rewritten_by_another_writer(
    tmp_path: Path, data_dir: Path
) -> None:
    settings = load_settings(data_dir=tmp_path, embedder="fake")
    index = Index.from_settings(settings)
    (tmp_path / "in").mkdir()
    release = {"id": "r1", "title": "Visa news", "date": "2025-05-01", "language": "en"}
    source = tmp_path / "in" / "r.jsonl"
    write_jsonl(source, [release | {"paragraphs": ["The digital visa portal opens in May."]}])
    Ingestor.for_index(index).ingest([source])
    assert "May" in index.search("digital visa portal")[0].text
    # Another writer (here a second index on the same data dir, as another process would be).
    write_jsonl(source, [release | {"paragraphs": ["The digital visa portal opens in June."]}])
    Ingestor.for_index(Index.from_settings(settings)).ingest([source])
    assert "June" in index.search("digital visa portal")[0].text


def test_search_release_ranks_one_releases_paragraphs_by_the_query(
    index: Index, data_dir: Path
) -> None:
    Ingestor.for_index(index).ingest([data_dir / "releases"])
    hits = index.search_release("hydrogen sulfide gas exposure", "doj-test-1", 3)
    # Its two chunks (the last, short paragraph is merged into the one before it).
    assert [h.release_id for h in hits] == ["doj-test-1"] * 2
    assert hits[0].text.startswith("The worker died after exposure to hydrogen sulfide gas")
    assert hits[0].score > hits[1].score
    assert index.search_release("gas", "doj-test-1", 1)[0].paragraph == hits[0].paragraph
    # Scored by the text the release was found with; ranked by the query all the same.
    joint = index.search_release(
        "hydrogen sulfide gas exposure", "doj-test-1", 3, scored_by="Tyson Foods fine"
    )
    assert [h.chunk_id for h in joint] == [h.chunk_id for h in hits]
    assert joint[0].score < joint[1].score  # the fine's paragraph is nearer "Tyson Foods fine"
    assert index.search_release("gas", "doj-test-1", 3, SearchFilters(language="ru")) == []
    assert index.search_release("gas", "no-such-release", 3) == []


def test_a_query_searched_again_is_not_embedded_again(
    index: Index, ingestor: Ingestor, data_dir: Path
) -> None:
    # A question in a conversation is searched alone and then within one release.
    ingestor.ingest([data_dir / "releases"])
    embedder = index.embedder
    assert isinstance(embedder, FakeEmbedder)
    before = embedder.queries_embedded
    hits = index.search("What fine did Tyson Foods pay?", 3)
    assert index.search_release("What fine did Tyson Foods pay?", hits[0].release_id, 1)
    assert embedder.queries_embedded - before == 1
