"""Terms for the keyword index: stems per language, codes kept whole, Kazakh by prefix."""

from retrieval.keywords.terms import KAZAKH_PREFIX, Analyzer


def test_english_words_are_stemmed_and_function_words_dropped() -> None:
    terms = Analyzer().document_terms("The companies were fined for pollution", "en")
    assert terms == ["compani", "fine", "pollut"]


def test_a_case_number_is_kept_whole_and_in_parts() -> None:
    terms = Analyzer().document_terms("Case No. 1:09-cr-00123 was filed", "en")
    assert "1:09-cr-00123" in terms
    assert {"09", "cr", "00123"} <= set(terms)
    assert Analyzer().query_terms("what is 1:09-cr-00123 about?")[0] == "1:09-cr-00123"


def test_names_and_figures_stay_as_written() -> None:
    terms = Analyzer().document_terms("Smith's firm paid $1.5 million on 2009-05-01", "en")
    assert {"smith", "1.5", "2009-05-01", "million"} <= set(terms)
    assert "s" not in terms  # the possessive's letter says nothing


def test_russian_forms_share_a_stem() -> None:
    analyzer = Analyzer()
    assert analyzer.document_terms("консультации", "ru") == analyzer.document_terms(
        "консультаций", "ru"
    )


def test_kazakh_words_are_cut_to_a_prefix() -> None:
    analyzer = Analyzer()
    ministry = analyzer.document_terms("Министрлігінің министрлігі", "kk")
    assert ministry == ["минис", "минис"] and KAZAKH_PREFIX == 5
    assert analyzer.document_terms("Latin words in Kazakh text", "kk") == [
        "latin",
        "word",
        "kazakh",
        "text",
    ]


def test_a_question_without_a_language_matches_russian_and_kazakh_documents() -> None:
    analyzer = Analyzer()
    query = set(analyzer.query_terms("министерства"))
    assert set(analyzer.document_terms("министерства", "ru")) <= query
    assert set(analyzer.document_terms("министерства", "kk")) <= query
    assert analyzer.query_terms("министерства", "kk") == ["минис"]


def test_query_terms_are_distinct() -> None:
    assert Analyzer().query_terms("fraud fraud frauds") == ["fraud"]


def test_query_words_keep_each_words_terms_together() -> None:
    analyzer = Analyzer()
    assert analyzer.query_words("Fraud, frauds and the 1:09-cr-00123 case") == [
        ("fraud",),
        ("1:09-cr-00123", "1", "09", "cr", "00123"),
        ("case",),
    ]
    # A Cyrillic word stemmed both ways is one word with two terms.
    assert analyzer.query_words("министерства") == [("министерств", "минис")]
    assert analyzer.query_words("министерства", "kk") == [("минис",)]


def test_a_cyrillic_name_also_has_the_terms_it_sounds_like() -> None:
    def sounds_like(word: str) -> tuple[str, ...]:
        return {"Кулман": ("koolman",), "Сколько": ("scola",), "США": ("usa",)}.get(word, ())

    words = Analyzer().query_words("Сколько заплатил Кулман в США?", "ru", sounds_like)
    assert ("кулма", "koolman") in words  # the name: its stem, and the English term
    assert "scola" not in {t for word in words for t in word}  # the question word
    assert "usa" not in {t for word in words for t in word}  # an acronym is translated
    plain = Analyzer().query_words("Сколько заплатил Кулман в США?", "ru")
    assert ("кулма",) in plain
