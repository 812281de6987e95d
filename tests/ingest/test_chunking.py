import datetime as dt

from ingest.chunking import chunk_release, release_hash
from ingest.release import build_release
from retrieval.embedders import FakeEmbedder
from retrieval.index import ChunkingRecipe
from retrieval.types import Release

RECIPE = ChunkingRecipe(min_chars=40, max_tokens=512, embed_titles=True)


def _release(*paragraphs: str, title: str = "Title") -> Release:
    return build_release(
        where="t",
        source_path="t",
        paragraphs=paragraphs,
        title=title,
        date=dt.date(2025, 1, 1),
        release_id="r1",
    )


def test_one_chunk_per_paragraph_with_its_index() -> None:
    release = _release(
        "First paragraph that is long enough to stand alone.",
        "Second paragraph that is long enough to stand alone too.",
    )
    chunks = chunk_release(release, RECIPE, FakeEmbedder().count_tokens)
    assert [(c.seq, c.paragraph, c.piece) for c in chunks] == [(0, 0, 0), (1, 1, 0)]
    assert chunks[1].text == release.paragraphs[1]
    assert chunks[1].embed_text == "Title\n\n" + release.paragraphs[1]


def test_tiny_paragraphs_merge_into_the_next_and_keep_the_main_index() -> None:
    release = _release(
        "Images",
        "A long paragraph about the meeting of the two ministers.",
        "Another long paragraph about the outcome of the meeting.",
        "Photo",
    )
    chunks = chunk_release(release, RECIPE, FakeEmbedder().count_tokens)
    assert len(chunks) == 2
    first, last = chunks
    assert (first.paragraph, first.paragraph_first, first.paragraph_last) == (1, 0, 1)
    assert first.text.startswith("Images\n")
    # A tiny trailing paragraph joins the previous chunk.
    assert (last.paragraph, last.paragraph_first, last.paragraph_last) == (2, 2, 3)
    assert last.covers(3) and not last.covers(1)


def test_a_release_of_one_line_paragraphs_is_grouped_not_lost() -> None:
    lines = [f"Defendant {i}" for i in range(30)]
    chunks = chunk_release(_release(*lines), RECIPE, FakeEmbedder().count_tokens)
    joined = "\n".join(c.text for c in chunks)
    assert all(line in joined for line in lines)
    assert len(chunks) < 30
    assert chunks[0].paragraph_first == 0 and chunks[-1].paragraph_last == 29


def test_long_paragraph_splits_at_sentences_into_pieces_that_fit() -> None:
    embedder = FakeEmbedder(max_tokens=40)
    recipe = ChunkingRecipe(min_chars=40, max_tokens=40, embed_titles=True)
    sentences = [
        f"Sentence number {i} says something about the U.S. budget for the year." for i in range(12)
    ]
    release = _release("Short intro paragraph that stands by itself here.", " ".join(sentences))
    chunks = chunk_release(release, recipe, embedder.count_tokens)
    pieces = [c for c in chunks if c.paragraph == 1]
    assert len(pieces) > 1
    assert [c.piece for c in pieces] == list(range(len(pieces)))
    assert all(embedder.count_tokens(c.embed_text) <= 40 for c in pieces)
    assert " ".join(c.text for c in pieces) == " ".join(sentences)
    assert all(c.text.endswith("year.") for c in pieces)  # cut between sentences only


def test_a_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    embedder = FakeEmbedder(max_tokens=20)
    recipe = ChunkingRecipe(min_chars=0, max_tokens=20, embed_titles=False)
    words = " ".join(f"word{i}" for i in range(100))
    chunks = chunk_release(_release(words), recipe, embedder.count_tokens)
    assert all(embedder.count_tokens(c.embed_text) <= 20 for c in chunks)
    assert " ".join(c.text for c in chunks) == words


def test_release_hash_changes_with_content_and_recipe_only() -> None:
    a = _release("Paragraph one is long enough to be a chunk of its own.")
    same = _release("Paragraph one is long enough to be a chunk of its own.")
    edited = _release("Paragraph one is long enough to be a chunk of its own!")
    assert release_hash(a, RECIPE) == release_hash(same, RECIPE)
    assert release_hash(a, RECIPE) != release_hash(edited, RECIPE)
    other = ChunkingRecipe(min_chars=10, max_tokens=512, embed_titles=True)
    assert release_hash(a, RECIPE) != release_hash(a, other)


def test_a_two_megabyte_paragraph_without_punctuation_chunks_in_linear_time() -> None:
    import time

    embedder = FakeEmbedder()
    words = " ".join(f"word{i % 5000}" for i in range(250_000))  # ~2.2 MB, no sentence end
    started = time.perf_counter()
    chunks = chunk_release(_release(words), RECIPE, embedder.count_tokens, embedder.token_ends)
    assert time.perf_counter() - started < 10  # was minutes; ~1 s here
    assert all(embedder.count_tokens(c.embed_text) <= 512 for c in chunks)
    assert " ".join(c.text for c in chunks) == words


def test_a_long_sentence_is_cut_at_a_clause_before_a_word() -> None:
    embedder = FakeEmbedder(max_tokens=40)
    recipe = ChunkingRecipe(min_chars=0, max_tokens=40, embed_titles=False)
    clause = "the ministry met the delegation of the republic on trade"
    sentence = "; ".join([clause] * 6) + "."
    chunks = chunk_release(_release(sentence), recipe, embedder.count_tokens, embedder.token_ends)
    assert len(chunks) > 1 and all(c.text.endswith((";", ".")) for c in chunks)
    assert " ".join(c.text for c in chunks) == sentence


def test_a_word_longer_than_the_limit_is_cut_between_tokens() -> None:
    embedder = FakeEmbedder(max_tokens=20)
    recipe = ChunkingRecipe(min_chars=0, max_tokens=20, embed_titles=False)
    word = "-".join(f"t{i}" for i in range(100))  # one "word", 100 tokens
    chunks = chunk_release(_release(word), recipe, embedder.count_tokens, embedder.token_ends)
    assert len(chunks) > 1 and all(embedder.count_tokens(c.embed_text) <= 20 for c in chunks)
    assert "".join(c.text for c in chunks) == word
