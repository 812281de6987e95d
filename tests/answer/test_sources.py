import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from answer.sources import (
    ANSWER_POOL,
    MOVED_ON_MARGIN,
    OTHER_CASE_MARGIN,
    by_what_is_asked,
    find_sources,
    release_asked_about,
    release_shares,
    sources_of_release,
)
from answer.types import Turn
from ingest.pipeline import Ingestor
from retrieval.index import Index
from retrieval.settings import load_settings
from retrieval.types import Hit, SearchFilters
from tests.factories import make_hit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "releases"

TODAY = dt.date(2026, 11, 27)


class _Searches:
    """An index whose searches give set hits: the joint search the release the conversation
    was about ("old"), the question alone another ("new"); `closest` is the question's cosine
    to the closest paragraph of each release."""

    def __init__(self, question: str, previous: str, closest: dict[str, float]) -> None:
        self.results = {
            f"{question}\n{previous}": [make_hit("old", 1, score=0.85)],
            question: [make_hit("new", 2, score=closest["new"])],
            previous: [make_hit("old", 1, score=0.9)],
        }
        self.closest = closest

    def search(self, text: str, k: int, filters: SearchFilters | None = None) -> list[Hit]:
        return self.results[text]

    def search_release(self, query: str, release_id: str, k: int, *_: Any, **__: Any) -> list[Hit]:
        return [make_hit(release_id, 0, score=self.closest[release_id])]

    def release_texts(self, sources: Sequence[Hit]) -> dict[str, str]:
        return {}


@pytest.mark.parametrize(
    ("new", "old", "found"),
    [
        (0.86, 0.86 - MOVED_ON_MARGIN - 0.01, "new"),  # clearly closer to another release
        (0.86, 0.86 - MOVED_ON_MARGIN + 0.01, "old"),  # a follow-up that finds others too
    ],
)
def test_a_question_clearly_closer_to_another_release_is_searched_alone(
    new: float, old: float, found: str
) -> None:
    question, previous = "What did the ministers agree about trade?", "When is the centre open?"
    index: Any = _Searches(question, previous, {"new": new, "old": old})
    history = [Turn("user", previous), Turn("assistant", "From 9:00 [1].")]
    hits = find_sources(index, question, history, 3, SearchFilters(), TODAY).hits
    assert hits[0].release_id == found
    # A question of question words only has nothing of its own to be searched by.
    index.results["How many?"] = index.results.pop(question)
    index.results[f"How many?\n{previous}"] = index.results.pop(f"{question}\n{previous}")
    hits = find_sources(index, "How many?", history, 3, SearchFilters(), TODAY).hits
    assert hits[0].release_id == "old"


def test_a_follow_up_of_question_words_only_is_answered_from_the_conversations_release() -> None:
    previous = "Who was arrested for smuggling narwhal tusks?"
    tusks = make_hit("tusks", 0, text="Zarauskas was arrested for smuggling narwhal tusks.")
    figure = make_hit("tusks", 3, text="He smuggled 33 tusks.")
    malware = make_hit("zeus", 5, text="Two Ukrainians were charged.")

    class Joint:
        def search(self, text: str, k: int, filters: SearchFilters | None = None) -> list[Hit]:
            return [tusks, malware, figure]

        def search_release(self, query: str, release_id: str, k: int, *_: Any) -> list[Hit]:
            assert query == f"Сколько?\n{previous}"
            return [hit for hit in (tusks, figure) if hit.release_id == release_id]

        def release_texts(self, sources: Sequence[Hit]) -> dict[str, str]:
            return {}

    history = [Turn("user", previous), Turn("assistant", "Zarauskas [1].")]
    index: Any = Joint()
    hits = find_sources(index, "Сколько?", history, 3, SearchFilters(), TODAY).hits
    assert hits == [figure, tusks]  # the paragraph stating a figure first, none of the malware


def test_a_new_topic_is_told_by_the_release_the_previous_question_found() -> None:
    # Seen on the bundled example: after questions about the scholarship sample, "What did the
    # Kazakh and Tajik ministers agree about a joint space programme?" searched with the
    # previous question found the ministers' release first, as alone: the conversation was
    # taken to be about it, stayed in the prompt with the scholarship paragraph among the
    # sources, and the model invented an agreement.
    question, previous = "What did the Tajik minister say of space?", "When is the centre open?"
    index: Any = _Searches(question, previous, {"new": 0.86, "old": 0.86 - MOVED_ON_MARGIN - 0.01})
    index.results[f"{question}\n{previous}"] = [make_hit("new", 2, score=0.84)]
    history = [Turn("user", previous), Turn("assistant", "From 9:00 [1].")]
    assert find_sources(index, question, history, 3, SearchFilters(), TODAY).moved_on


LEAD = make_hit(
    "eels",
    0,
    text="Maine fisherman Richard D. Austin pleaded guilty in 2015 to trafficking baby eels.",
)
COUNT = make_hit("eels", 1, text="He sold 3 buckets to a dealer in Portland.")
POUNDS = make_hit("eels", 2, text="Austin trafficked at least 147 pounds of baby eels.")
MONEY = make_hit("eels", 3, text="The eels were worth $400,000 on the Asian market.")
DATED = make_hit("eels", 4, text="He is to be sentenced on Jan. 6, 2016.")
EEL_HITS = [LEAD, COUNT, POUNDS, MONEY, DATED]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # The thing counted follows the figure that answers.
        ("How many pounds of baby eels did Richard D. Austin traffic?", POUNDS),
        ("Сколько фунтов угрей продал Остин?", COUNT),  # any figure: the words are English
        ("How much did the eels fetch?", MONEY),  # "how much did": money
        ("How much eel did Austin traffic?", COUNT),  # no figure of "eel": any figure
        ("When is Austin to be sentenced?", DATED),
        ("Қашан үкім шығарылады?", DATED),
        ("On what date will he be sentenced?", DATED),
    ],
)
def test_a_paragraph_that_states_what_is_asked_comes_first(question: str, first: Hit) -> None:
    ordered = by_what_is_asked(question, EEL_HITS, len(EEL_HITS))
    assert ordered[0] == first
    assert sorted(ordered, key=EEL_HITS.index) == EEL_HITS  # nothing lost or added


def test_a_year_the_question_names_is_no_answer_and_other_questions_keep_the_order() -> None:
    # 2015 is no count, and the question's own figures answer nothing.
    assert by_what_is_asked("How many eels did he sell in 2015?", [LEAD, COUNT], 2)[0] == COUNT
    assert (
        by_what_is_asked("How long did Austin get after 3 buckets?", [COUNT, DATED], 2)[0] == DATED
    )
    assert by_what_is_asked("Who bought the eels?", EEL_HITS[::-1], 3) == EEL_HITS[:1:-1]


def test_a_figure_in_another_release_further_down_does_not_move_up() -> None:
    # "How much did Cedric Salabye charge for each feather?": the release does not say; a
    # money paragraph of another case, eighth in the pool, is no source for it.
    other_case = make_hit("medical-supply", 3, text="The scheme billed Medicare $4 million.")
    hits = [LEAD, make_hit("eels", 5, text="Eels are protected."), COUNT, other_case, MONEY]
    assert by_what_is_asked("How much did the eels fetch?", hits, 2) == [MONEY, COUNT]
    assert by_what_is_asked("How much did the eels fetch?", hits[:4], 2) == [COUNT, LEAD]


def test_a_question_for_hours_keeps_the_paragraph_with_hours() -> None:
    opened = make_hit("centre", 1, text="The centre opened in Almaty on 15 September 2025.")
    hours = make_hit("centre", 2, text="The centre is open on weekdays from 9:00 to 18:00.")
    about = make_hit("centre", 3, text="It will serve about 40,000 visitors a year.")
    for question in ("When is the consular centre open?", "Когда работает центр?"):
        assert by_what_is_asked(question, [about, hours, opened], 3) == [hours, opened, about]
    # A question for hours puts them before a date (pc-090: the opening came first).
    for question in (
        "What are the opening hours of the new consular service centre in Almaty?",
        "Каковы часы работы консульского центра?",
        "Консулдық орталықтың жұмыс уақыты қандай?",
    ):
        assert by_what_is_asked(question, [opened, about, hours], 3) == [hours, opened, about]


def test_sources_are_chosen_from_a_pool_larger_than_shown() -> None:
    class Pool:
        def __init__(self) -> None:
            self.asked: list[int] = []

        def search(self, text: str, k: int, filters: SearchFilters) -> list[Hit]:
            self.asked.append(k)
            paragraphs = [make_hit("eels", n, text=f"Paragraph {n}.") for n in range(10, 19)]
            return (paragraphs + [POUNDS])[:k]

        def release_texts(self, sources: Sequence[Hit]) -> dict[str, str]:
            return {}

    index: Any = Pool()
    question = "How many pounds of baby eels did Austin traffic?"
    hits = find_sources(index, question, [], 3, SearchFilters(), TODAY).hits
    assert hits[0] == POUNDS and len(hits) == 3 and index.asked == [ANSWER_POOL]
    # Other questions keep their order: no pool to read.
    find_sources(index, "Who trafficked the baby eels?", [], 3, SearchFilters(), TODAY)
    assert index.asked == [ANSWER_POOL, 3]


class _Release:
    """An index that finds `hits` for any question and holds the whole text of `release`."""

    def __init__(self, hits: list[Hit], release: Sequence[str]) -> None:
        self.hits, self.release = hits, release

    def search(self, text: str, k: int, filters: SearchFilters) -> list[Hit]:
        return self.hits[:k]

    def release_texts(self, sources: Sequence[Hit]) -> dict[str, str]:
        return {"eels": "\n".join(self.release)}


EEL_RELEASE = [LEAD.text, COUNT.text, POUNDS.text, MONEY.text, DATED.text]
BUYER = make_hit("eels", 5, text="Austin sold the eels to a dealer in Portland, Maine.")


@pytest.mark.parametrize(
    ("question", "hits", "first"),
    [
        # The lead names the case, in full like the question; the dealer is in the others.
        ("Who was the dealer Maine fisherman Richard Austin sold eels to?", [LEAD, BUYER], BUYER),
        ("Who was the dealer Austin sold eels to?", [LEAD, COUNT, POUNDS, BUYER], COUNT),
        # Only paragraphs of the first one's release, among the first three, move up.
        ("Who was the dealer Austin sold eels to?", [LEAD, POUNDS, DATED, BUYER], LEAD),
        ("Who was the dealer Austin sold eels to?", [LEAD, make_hit("other", 1), BUYER], BUYER),
        ("Who was the dealer Austin sold eels to?", [make_hit("other", 1), LEAD, BUYER], None),
        # Names do not count: all the release's paragraphs are about them.
        ("What about Richard D. Austin?", [BUYER, LEAD], BUYER),
        # For a figure, a paragraph that states none does not pass one that does.
        ("How much did the Portland dealer pay for the eels?", [MONEY, BUYER], MONEY),
    ],
)
def test_the_paragraph_with_the_questions_distinct_words_comes_first(
    question: str, hits: list[Hit], first: Hit | None
) -> None:
    index: Any = _Release(hits, [*EEL_RELEASE, BUYER.text])
    found = find_sources(index, question, [], len(hits), SearchFilters(), TODAY).hits
    assert found[0] == (first or hits[0])
    assert sorted(found, key=hits.index) == hits  # nothing lost or added


@pytest.fixture(scope="module")
def example_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("examples"), embedder="e5-small")
    index = Index.from_settings(settings)
    Ingestor.for_index(index).ingest([EXAMPLES])
    yield index


@pytest.mark.slow
def test_a_new_topic_in_the_web_chat_finds_its_own_release(example_index: Index) -> None:
    # Seen in the web chat: the Kazakh trade question after a question about the consular
    # centre found the centre's opening hours (searched with the previous question), and the
    # model wrote the question back.
    history = [
        Turn("user", "When is the consular centre open?"),
        Turn("assistant", "It is open on weekdays from 9:00 to 18:00 [1]."),
    ]
    trade = "Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?"
    hits = find_sources(example_index, trade, history, 3, SearchFilters(), TODAY).hits
    assert "2 billion US dollars" in hits[0].text
    # Follow-ups about the centre stay with it, in any of the three languages.
    for follow_up in (
        "How many visitors a year will it serve?",
        "Сколько посетителей в год он будет обслуживать?",
        "Жылына қанша келушіге қызмет көрсетеді?",
    ):
        hits = find_sources(example_index, follow_up, history, 3, SearchFilters(), TODAY).hits
        assert "40,000" in hits[0].text, follow_up


_PATEL = make_hit("visas", 1, title="Ohio Man Pleads Guilty to Fake Employment Certifications")
_OTHER_PATEL = make_hit("wire", 1, title="Texas Man Pleads Guilty to Wire Fraud")
_PATEL_RELEASES = {
    "visas": "Sandipkumar Patel pleaded guilty to fake employment certifications.\n"
    "Sentencing is scheduled for Jan. 6, 2015.",
    "wire": "Nilesh Patel pleaded guilty to wire fraud.\nHe is to be sentenced on June 8, 2012.",
}


@pytest.mark.parametrize(
    ("cited", "releases", "other"),
    [
        ([_OTHER_PATEL], _PATEL_RELEASES, "visas"),  # another Patel's case
        ([_PATEL], _PATEL_RELEASES, None),
        ([_OTHER_PATEL, _PATEL], _PATEL_RELEASES, None),  # one of those cited names him
        ([], _PATEL_RELEASES, None),
        ([_OTHER_PATEL], {"visas": _PATEL_RELEASES["visas"]}, None),  # a release not at hand
        # The same man in both: the other release lacks the question's words, not its names.
        (
            [_OTHER_PATEL],
            {
                "visas": _PATEL_RELEASES["visas"],
                "wire": "Sandipkumar Patel was charged with tax evasion; trial is set for May 2.",
            },
            "visas",
        ),
    ],
)
def test_an_answer_citing_only_a_release_about_another_case_is_told(
    cited: list[Hit], releases: dict[str, str], other: str | None
) -> None:
    question = "When was Sandipkumar Patel to be sentenced for fake employment certifications?"
    assert release_asked_about(question, [_OTHER_PATEL, _PATEL], cited, releases) == other


def test_a_release_holding_a_little_less_of_the_question_is_no_other_case() -> None:
    # The cited release lacks "Marietta" (a name: weight 2). Of the 7 of the shorter question
    # (names 2 + 2, words 1 + 1 + 1) it holds 5: 0.29 below the other, past the margin; of the
    # longer one's 14, 12: 0.14 below, within it.
    releases = {
        "cited": "Martin was required to divest a quarry near Mill Creek, Texas.",
        "other": "Martin Marietta was required to divest a quarry near Mill Creek, Texas.",
    }
    cited, other = make_hit("cited", 0), make_hit("other", 0)
    for question, told in [
        ("Which quarry was Martin Marietta required to divest?", "other"),
        ("Which Texas quarry near Mill Creek was Martin Marietta required to divest?", None),
    ]:
        assert release_asked_about(question, [cited, other], [cited], releases) == told, question
    assert 2 / 14 < OTHER_CASE_MARGIN < 2 / 7


def test_a_release_in_another_language_than_the_cited_one_is_no_other_case() -> None:
    # The bundled Russian question over the English consular release: the Russian release
    # about water shares the question's Russian words, the English one none of them.
    question = "Сколько посетителей примет консульский центр за год, и кто его директор?"
    releases = {
        "centre": "In its first year the ministry expects the centre to serve 40,000 visitors.",
        "water": "Консультации МИД: центр примет посетителей за год; директор консульский.",
    }
    centre = make_hit("centre", 3)
    water = dataclasses.replace(make_hit("water", 0), language="ru")
    assert release_asked_about(question, [centre, water], [centre], releases) is None
    # In the cited release's language it still competes.
    english = dataclasses.replace(water, language="en")
    assert release_asked_about(question, [centre, english], [centre], releases) == "water"


def test_an_answer_asked_again_over_one_release_keeps_its_shown_paragraphs_first() -> None:
    shown = [make_hit("other", 0), make_hit("visas", 3), make_hit("visas", 1)]

    class _Index:
        def search_release(self, question: str, release_id: str, k: int) -> list[Hit]:
            assert (release_id, k) == ("visas", 6)  # not searched when the shown are enough
            return [make_hit("visas", n) for n in (1, 0, 2, 3)]

    index: Any = _Index()
    found = sources_of_release(index, "When?", "visas", shown, 3)
    assert [(h.release_id, h.paragraph) for h in found] == [
        ("visas", 3),
        ("visas", 1),
        ("visas", 0),
    ]
    assert [h.paragraph for h in sources_of_release(index, "When?", "visas", shown, 1)] == [3]


def test_a_russian_name_is_looked_for_in_english_releases_by_its_consonants() -> None:
    # pc-148: "... Чон Ду Хвана ...?" answered from another release than the one naming
    # "Chun Doo-hwan": by the release's words alone nothing could be checked.
    question = "В каком году бывшего президента Южной Кореи Чон Ду Хвана осудили за взятки?"
    chun, other = make_hit("chun", 2), make_hit("other", 1)
    releases = {
        "chun": "Former South Korean President Chun Doo-hwan was convicted of bribery in 1997.",
        "other": "A former official was convicted of bribery in 2010.",
    }
    assert release_shares(question, [other, chun], releases) == {"other": 0.0, "chun": 1.0}
    assert release_asked_about(question, [other, chun], [other], releases) == "chun"


def test_a_russian_name_is_looked_for_by_all_its_consonants_not_its_keys_five_letters() -> None:
    # Held out (session 40): "Мендельсона" keyed "менде" is "mnt", as "mandatory" is; the
    # answer cited another release's "3 counts" for Mendelsohn's 32-count indictment.
    question = "Сколько пунктов содержит обвинительное заключение против Алана Мендельсона?"
    mendelsohn, alwan = make_hit("mendelsohn", 1), make_hit("alwan", 2)
    releases = {
        "mendelsohn": "The 32-count indictment charges Mendelsohn with mail and wire fraud.",
        "alwan": "Alwan faces a mandatory minimum of 25 years and pleaded guilty to 3 counts.",
    }
    shares = release_shares(question, [mendelsohn, alwan], releases)
    assert shares == {"mendelsohn": 1.0, "alwan": 0.0}
    assert release_asked_about(question, [mendelsohn, alwan], [alwan], releases) == "mendelsohn"
