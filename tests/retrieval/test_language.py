import pytest

from retrieval.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Minister of Foreign Affairs held a meeting with the delegation.", "en"),
        ("Министр иностранных дел провёл встречу с делегацией Японии.", "ru"),
        ("Сыртқы істер министрі Жапония делегациясымен кездесу өткізді.", "kk"),
        # Russian with a Kazakh name stays Russian.
        ("Президент Қасым-Жомарт Токаев провёл совещание по вопросам экономики страны.", "ru"),
        ("12345 !!!", "und"),
        ("Der Minister traf sich mit der Delegation in Berlin.", "und"),
    ],
)
def test_detects_release_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected
