"""presschat's search as a LangChain retriever, over a real Chroma store on a temp dir."""

import datetime as dt
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from retrieval.index import Index
from retrieval.integrations.langchain import PresschatRetriever
from retrieval.types import SearchFilters

QUESTION = "What fine did Tyson Foods pay for the worker death in Texarkana?"


@pytest.fixture
def index(index: Index, ingestor: Ingestor, data_dir: Path) -> Index:
    report = ingestor.ingest([data_dir / "releases"])
    assert report.ok, report.failed
    return index


def test_documents_are_the_paragraphs_with_their_release_in_the_metadata(index: Index) -> None:
    documents = PresschatRetriever(index=index, k=3).invoke(QUESTION)
    hits = index.search(QUESTION, 3)
    assert [d.page_content for d in documents] == [h.text for h in hits] and len(hits) == 3
    tyson = next(d for d in documents if d.metadata["release_id"] == "doj-test-1")
    hit = next(h for h in hits if h.chunk_id == tyson.id)
    assert tyson.metadata == {
        "release_id": "doj-test-1",
        "title": "Tyson Foods Pleads Guilty to OSHA Violation",
        "date": "2009-01-06",
        "url": "https://www.justice.gov/opa/pr/tyson-test",
        "site": hit.site,
        "language": "en",
        "paragraph": hit.paragraph,
        "score": hit.score,
    }
    assert hit.site and isinstance(tyson.metadata["score"], float)


def test_k_defaults_to_the_search_setting(index: Index) -> None:
    assert len(PresschatRetriever(index=index).invoke(QUESTION)) == min(
        index.settings.search_k, index.store.count()
    )


def test_filters_restrict_the_documents(index: Index) -> None:
    russian = PresschatRetriever(index=index, filters=SearchFilters(language="ru"))
    documents = russian.invoke("водные ресурсы")
    assert documents and {d.metadata["language"] for d in documents} == {"ru"}
    dated = PresschatRetriever(
        index=index, filters=SearchFilters(since=dt.date(2009, 1, 1), until=dt.date(2009, 1, 31))
    ).invoke(QUESTION)
    assert dated and all("2009-01-01" <= d.metadata["date"] <= "2009-01-31" for d in dated)


def test_a_call_can_pass_its_own_k_and_filters(index: Index) -> None:
    retriever = PresschatRetriever(index=index, k=5)
    assert len(retriever.invoke(QUESTION, k=1)) == 1
    kazakh = retriever.invoke(QUESTION, filters=SearchFilters(language="kk"))
    assert kazakh and {d.metadata["language"] for d in kazakh} == {"kk"}


def test_it_composes_with_other_runnables(index: Index) -> None:
    chain = PresschatRetriever(index=index, k=2) | (
        lambda documents: [d.metadata["release_id"] for d in documents]
    )
    assert chain.invoke(QUESTION) == [h.release_id for h in index.search(QUESTION, 2)]
