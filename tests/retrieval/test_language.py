import pytest

from retrieval.language import detect_language, language_code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Minister of Foreign Affairs held a meeting with the delegation.", "en"),
        ("Министр иностранных дел провёл встречу с делегацией Японии.", "ru"),
        ("Сыртқы істер министрі Жапония делегациясымен кездесу өткізді.", "kk"),
        # Russian with a Kazakh name stays Russian.
        ("Президент Қасым-Жомарт Токаев провёл совещание по вопросам экономики страны.", "ru"),
        # A short Kazakh question with one Kazakh letter (seen in the web chat: answered in
        # Russian), and a short Russian one with a Kazakh name.
        ("Шетелде жыл сайын неше студент оқи алады?", "kk"),
        ("Когда Тоқаев посетил Душанбе?", "ru"),
        # Without a Russian function word, a Russian ending ("-ил") tells; a name of two words
        # with Kazakh letters is one name (both were read as Kazakh).
        ("Тоқаев посетил Душанбе?", "ru"),
        ("Қасым-Жомарт Тоқаев посетил Душанбе?", "ru"),
        ("Тоқаев Душанбеге барды ма?", "kk"),
        # Kazakh letters in a name do not make a Russian question Kazakh; in a word in lower case
        # they make a short question Kazakh (both were taken the other way).
        ("Нұртілеу встречался с министром в Душанбе?", "ru"),
        ("Сколько стоит проект в Түркістан?", "ru"),
        ("Министрлер не талқылады?", "kk"),
        # A capitalised word with a Kazakh letter still counts as one Kazakh word.
        ("Ведомстволарға жататындар", "kk"),
        # Kazakh question words with no Kazakh letter ("деген не" - what is, "немен" - with what).
        ("Бюджет деген не?", "kk"),
        ("Делегация немен барады?", "kk"),
        # Cyrillic questions about Latin names, and English ones full of names.
        ("Кто основал Cannon Seafood Inc?", "ru"),
        (
            "How much did Springfield immigration lawyer John Adam Smith charge per visa "
            "application form?",
            "en",
        ),
        ("12345 !!!", "und"),
        ("Der Minister traf sich mit der Delegation in Berlin.", "und"),
    ],
)
def test_detects_release_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ru", "ru"),
        (" RU ", "ru"),
        ("ru-RU", "ru"),
        ("en_US", "en"),
        ("Russian", "ru"),
        ("русский", "ru"),
        ("Қазақша", "kk"),
        ("kz", "kk"),
        ("kz-KZ", "kk"),
        ("eng", "en"),
        ("de", "de"),
        ("und", "und"),
    ],
)
def test_a_language_filter_reads_codes_and_names(typed: str, code: str) -> None:
    assert language_code(typed) == code


@pytest.mark.parametrize("typed", ["r", "ru1", "french language", "русскийй", "en-"])
def test_a_language_filter_refuses_what_is_no_language(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a language"):
        language_code(typed)
