"""A name asked in Cyrillic is found as the English terms that sound like it."""

import pytest

from retrieval.keywords.sounds import MOST, Sounds
from retrieval.words import spelling

VOCABULARY = ["koolman", "coleman", "murdoch", "richard", "fraud", "carolina", "william", "scola"]


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Кулман", "Koolman"),
        ("Ричард", "Richard"),
        ("Хоссейн", "Hossein"),
        ("Остин", "Austin"),
        ("Левин", "Levine"),
    ],
)
def test_a_name_sounds_the_same_in_both_scripts(cyrillic: str, latin: str) -> None:
    assert spelling(cyrillic) == spelling(latin).removesuffix("e")


def test_a_name_english_writes_otherwise_sounds_close() -> None:
    assert spelling("Мердок") == "merdok" and spelling("Murdoch") == "murdok"
    assert spelling("Уильям") == "vilam" and spelling("William") == "viliam"
    assert spelling("Джерси") == "jersi" and spelling("Jersey") == "jersei"


def test_the_terms_a_cyrillic_name_sounds_like_are_found() -> None:
    sounds = Sounds(VOCABULARY)
    assert sounds.like("Кулман") == ("koolman",)
    assert sounds.like("Мердок") == ("murdoch",)
    assert sounds.like("Каролинадан") == ("carolina",)  # a Kazakh case ending after the name
    assert sounds.like("Бо") == ()  # too short to tell
    assert len(Sounds([*VOCABULARY, "kulman", "kullman", "koolmann"]).like("Кулман")) == MOST


def test_terms_with_digits_or_other_scripts_are_left_out() -> None:
    assert Sounds(["кулман", "k00lman"]).like("Кулман") == ()
