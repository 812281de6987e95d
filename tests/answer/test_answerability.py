"""Questions about what the sources never name are refused before the model is asked; a
question for a fact is told from one that asks whether something is so; an answer that only
restates the question is told from one that answers it."""

import dataclasses
import datetime as dt

import pytest

from answer import answerability, grounding, questions
from answer.answerability import adds_nothing, is_answerable, named_share, refusal_with_closest
from answer.attribution import attribute_citations
from answer.checks import figures
from answer.types import Turn
from prompts import refusal
from retrieval.types import Hit
from retrieval.words import skeleton, spelled_acronyms
from tests.answer.test_attribution import FINE, REGION, SOURCES, TRADE
from tests.factories import make_hit


def test_a_question_about_names_the_sources_never_mention_is_not_answerable() -> None:
    question = "How much did Acme Widgets Corporation pay the Treasury Department in Ohio?"
    assert named_share(question, SOURCES) == 0.0
    assert not is_answerable(question, SOURCES)


def test_a_question_whose_names_and_figures_are_in_a_source_is_answerable() -> None:
    question = "What did Kazakhstan offer to supply to the Tajik market for 200 million dollars?"
    assert named_share(question, SOURCES) == 1.0
    assert is_answerable(question, SOURCES)


def test_a_question_with_nothing_to_check_is_left_to_the_model() -> None:
    assert named_share("How much did he pay?", SOURCES) is None
    assert is_answerable("How much did he pay?", SOURCES)
    # One name asked in Cyrillic is not looked for in English releases: it may be a word
    # translated ("Минюст", the Justice Department). Two are (below).
    assert named_share("Какой штраф заплатила компания Тайсон?", [FINE]) is None
    assert named_share("Какой штраф, по данным Минюста США, заплатили?", [FINE]) is None


def test_a_name_asked_in_cyrillic_that_no_english_source_writes_is_not_answerable() -> None:
    assert named_share("Какой штраф заплатил Эгберт Кулман?", [FINE]) == 0.0
    assert not is_answerable("Қанша айыппұл төлеген Эгберт Кулман?", [FINE])
    # By its sound: Тайсон is Tyson, Хатчинсон Hutchinson.
    assert named_share("Какой штраф заплатил Тайсон из Хатчинсона?", [FINE]) == 1.0
    assert named_share("Какой штраф заплатил Тайсон из Бирмингема?", [FINE]) == 0.5
    # An acronym is translated, not spelled: США (the U.S.) is not looked for by its sound.
    assert named_share("Какой штраф заплатил Тайсон из Хатчинсона в США?", [FINE]) == 1.0
    # Over a source in Cyrillic the name is looked for as written, as before.
    russian = make_hit("ru", 0, title="Штраф", text="Компания Кулмана заплатила штраф.")
    assert named_share("Какой штраф заплатила компания Кулман?", [russian]) == 1.0
    assert named_share("Какой штраф заплатила компания Кульман?", [russian]) == 0.0
    # A capitalised word opening the question before a name tells that one is a name (held
    # out, session 40: "Хэрис Камар қанша айыппұл төледі?" got another company's fine).
    assert named_share("Хэрис Камар қанша айыппұл төледі?", [FINE]) == 0.0
    assert named_share("Компания Тайсон қанша айыппұл төледі?", [FINE]) == 1.0
    assert named_share("Сколько Тайсон заплатил?", [FINE]) is None  # a question word


def test_a_source_spelling_out_an_acronym_of_the_question_holds_it() -> None:
    # Held out (session 40): "CPA" unheld left the release naming Applewhite at 0.75, and no
    # sentence of it could be quoted for "Of how many counts was CPA ... convicted?".
    cpa = make_hit("cpa", 0, text="A jury convicted certified public accountant Jeffery "
                   "Applewhite of 20 counts of aiding false returns.")  # fmt: skip
    assert named_share("Of how many counts was CPA Jeffery Applewhite convicted?", [cpa]) == 1.0
    assert named_share("Of how many counts was CPA Jeffery Applewhite convicted?", [FINE]) == 0.0
    assert named_share("How many counts did the FBI bring against Applewhite?", [cpa]) == 0.5


def test_a_paragraph_holds_the_names_its_release_writes_elsewhere() -> None:
    kits = make_hit(
        "doj-12-264",
        9,
        title="Australian businessman charged with exporting aircraft parts to Iran",
        text="Such float kits were designed for use on Bell 206 helicopters.",
    )
    question = "For what helicopter were the kits David Levick's company sought for Iran built?"
    assert named_share(question, [kits]) == pytest.approx(1 / 3)  # Iran only
    assert not is_answerable(question, [kits])
    release = "David Levick, 51, of Sydney, was charged today.\n" + kits.text
    assert named_share(question, [kits], {"doj-12-264": release}) == 1.0
    assert is_answerable(question, [kits], releases={"doj-12-264": release})
    # Another release's text says nothing for this source.
    assert not is_answerable(question, [kits], releases={"doj-other": release})


def test_a_year_matches_the_release_date() -> None:
    dated = dataclasses.replace(FINE, date=dt.date(2009, 1, 6))
    assert named_share("What fine did Tyson Foods agree to in 2009?", [dated]) == 1.0


def test_the_refusal_lists_the_closest_releases_once_each_in_the_askers_language() -> None:
    dated = dataclasses.replace(FINE, date=dt.date(2009, 1, 6))
    text = refusal_with_closest("kk", [TRADE, REGION, dated])
    assert text.split("\n") == [
        refusal("kk"),
        "Табылған ең жақын релиздер:",
        f"- {TRADE.title} (—)",
        f"- {FINE.title} (2009-01-06)",
    ]
    assert refusal_with_closest("en", []) == refusal("en")


def test_counts_in_a_question_are_not_figures_a_source_must_state() -> None:
    assert is_answerable("What are the 3 main points of the Tyson Foods case?", [FINE])
    assert is_answerable("Name one thing Tyson Foods agreed to.", [FINE])


def test_a_name_is_checked_only_where_every_source_can_hold_it() -> None:
    russian = dataclasses.replace(FINE, release_id="ru-1", text="Министры обсудили торговлю.")
    question = "Что министры Казахстана и Таджикистана сказали о Центральной Азии?"
    assert named_share(question, [TRADE, REGION, russian]) is None


def test_a_stray_yes_is_removed_only_from_answers_to_questions_for_a_fact() -> None:
    strip = answerability.without_stray_yes
    assert strip("Yes, the fine was $500,000 [1].", "What fine?") == "The fine was $500,000 [1]."
    assert strip("Да, штраф [1].", "Какой штраф?") == "Штраф [1]."
    assert strip("Иә, 500 000 доллар [1].", "Қанша айыппұл?") == "500 000 доллар [1]."
    assert strip("Yes, it did [1].", "Did it pay?") == "Yes, it did [1]."
    assert strip("Yesterday it paid [1].", "When did it pay?") == "Yesterday it paid [1]."
    assert strip("Yes.", "What fine?") == ""
    # Seen on dev-025 (session 23): "No," before the second person's term.
    assert strip("No, Suliman got 12 months [1].", "What terms?") == "Suliman got 12 months [1]."
    assert strip("Нет, штраф [1].", "Какой штраф?") == "Штраф [1]."
    assert strip("No one was charged [1].", "Who was charged?") == "No one was charged [1]."
    assert strip("No, it did not [1].", "Did it pay?") == "No, it did not [1]."


def test_a_yes_that_other_days_than_the_asked_one_follow_is_removed() -> None:
    # The bundled example (session 30), asked again in English after a Kazakh reply failed.
    strip = answerability.without_stray_yes
    sunday = "Is the consular centre open on Sundays?"
    weekdays = "The centre is open on weekdays from 9:00 to 18:00 [1]."
    assert strip(f"Yes, {weekdays[0].lower()}{weekdays[1:]}", sunday) == weekdays
    assert strip("Да, центр работает по будням [1].", "Работает ли центр в воскресенье?") == (
        "Центр работает по будням [1]."
    )
    # The asked day among the answer's, no day in the answer, or a "No": kept.
    assert strip("Yes, it is open on weekdays [1].", "Is it open on Mondays?").startswith("Yes")
    assert strip("Yes, it is open [1].", sunday) == "Yes, it is open [1]."
    assert strip("No, only on weekdays [1].", sunday) == "No, only on weekdays [1]."


def test_an_answer_restating_over_another_script_restates() -> None:
    # Seen on the bundled example (session 24): one word of the question, "discussed". Such
    # replies had been shown for the paragraph they cite; on the dev sets every one was wrong
    # or answered a question the releases are silent on (session 40).
    question = "Қазақстан мен Тәжікстанның сыртқы істер министрлері не талқылады?"
    assert answerability.restates_question("Талқылады [1].", question)
    answer = "Министрлер 2 миллиард доллар тауар айналымын талқылады [1]."
    assert not answerability.restates_question(answer, question)
    russian = "О строительстве какой гидроэлектростанции договорились главы МИД в Душанбе?"
    restated = "Главы МИД договорились в Душанбе о строительстве гидроэлектростанции [1]."
    assert answerability.restates_question(restated, russian)


def test_an_answer_that_is_the_question_word_for_word_restates_it() -> None:
    # Tried as a user (session 38): a bare surname asked over the DOJ store got itself back.
    restates = answerability.restates_question
    assert restates("Кулман? [1]", "Кулман?")
    assert restates("Did Nurtleu visit Dushanbe [1]?", "Did Nurtleu visit Dushanbe?")
    # A yes-or-no question answered in its own words is an answer.
    assert not restates("Nurtleu did visit Dushanbe [1].", "Did Nurtleu visit Dushanbe?")


def test_a_yes_or_no_question_echoed_over_another_script_is_unchecked() -> None:
    # Tried as a user (session 27): "Тоқаев посетил Душанбе?" over the English release about
    # Nurtleu's visit got "Да, тоқаев посетил Душанбе. [1]"; the release never names Tokayev.
    unchecked = answerability.echoes_a_yes_no_question
    question = "Тоқаев посетил Душанбе?"
    assert unchecked("Да, тоқаев посетил Душанбе. [1]", question, [TRADE])
    # The Kazakh question written back with its particle ("did Nurtleu go to Dushanbe?").
    assert unchecked("Нұртілеу Душанбеге барды ма. [1]", "Нұртілеу Душанбеге барды ма?", [TRADE])
    # A yes with facts of its own, a no, an answer in the sources' script, a question for a
    # fact: left to the other checks.
    assert not unchecked("Да, он провёл встречу с министром в Душанбе [1].", question, [TRADE])
    assert not unchecked("Да, 2 миллиарда долларов [1].", question, [TRADE])
    assert not unchecked("Нет, Тоқаев не посетил Душанбе [1].", question, [TRADE])
    assert not unchecked(
        "Yes, the ministers met in Dushanbe [1].", "Did the ministers meet in Dushanbe?", [TRADE]
    )
    assert not unchecked("Да, Душанбе [1].", "Кто посетил Душанбе?", [TRADE])
    # A bare no over paragraphs in another script says nothing to look for either (seen over
    # the DOJ store, session 30: "No [1]." citing an I-9 audit paragraph for the Sunday
    # question); over the question's own script it is left to the other checks.
    sunday = "Консулдық орталық жексенбі күні жұмыс істей ме?"
    assert unchecked("No [1].", sunday, [TRADE])
    assert unchecked("Жоқ. [1]", sunday, [TRADE])
    assert not unchecked("No [1].", "Did the ministers meet on Sunday?", [TRADE])
    assert not unchecked("No, on weekdays [1].", sunday, [TRADE])
    # The same Russian yes over a Russian paragraph can be checked by the others.
    russian = make_hit("ru", 0, text="Тоқаев посетил Душанбе с официальным визитом.")
    assert not unchecked("Да, Тоқаев посетил Душанбе [1].", question, [russian])


def test_a_yes_about_a_name_no_source_writes_in_any_script_is_unchecked() -> None:
    # Tried as a user (session 27): asked again in English, "Тоқаев Душанбеге барды ма?" (did
    # Tokayev go to Dushanbe?) got a yes about Nurtleu's meeting, over a release that never
    # names Tokayev.
    confirms = answerability.confirms_an_unnamed
    release = {"seed": "Minister Murat Nurtleu met Sirojiddin Muhriddin in Dushanbe."}
    yes = "Yes, Murat Nurtleu met Sirojiddin Muhriddin in Dushanbe [1]."
    for question in (
        "Тоқаев Душанбеге барды ма?",
        "Тоқаев посетил Душанбе?",
        "Did Tokayev visit Dushanbe?",
        "Нұртілеу Тоқаевпен Душанбеде кездесті ме?",  # a surname with its case ending
    ):
        assert confirms(yes, question, [TRADE], release), question
        assert not confirms("No [1].", question, [TRADE], release), question
    for question in (
        "Нұртілеу Душанбеге барды ма?",  # written "Nurtleu" (and in the release, not the hit)
        "Мұрат Нұртілеу Мұхриддинмен кездесті ме?",
        "Сыртқы істер министрі Душанбеге барды ма?",  # a capital opening it: no surname
        "Нуртлеу посетил Душанбе?",
        "Did Nurtleu meet Muhriddin in Dushanbe?",
        "Кто посетил Душанбе, Тоқаев?",  # a question for a fact: left to the other checks
    ):
        assert not confirms(yes, question, [TRADE], release), question
    # Without the release at hand, its paragraph: it does not name Nurtleu.
    assert confirms(yes, "Мұрат Нұртілеу Душанбеге барды ма?", [TRADE], {})


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Tokayev", "Тоқаев"),
        ("Tokayev", "Тоқаевтың"),
        ("Nurtleu", "Нұртілеуге"),
        ("Muhriddin", "Мұхриддин"),
        ("Sirojiddin", "Сирожиддин"),
        ("Kazakhstan", "Қазақстан"),
        ("Kazakhstan", "Казахстан"),
        ("Tajikistan", "Тәжікстан"),
        ("Pennsylvania", "Пенсильвания"),
        ("Washington", "Вашингтон"),
        ("Howard", "Ховард"),
        ("Dushanbe", "Душанбеге"),
        ("Thomas", "Томас"),
        ("Stephan", "Стефан"),
        ("Murdoch", "Мердок"),
    ],
)
def test_a_russian_or_kazakh_name_is_found_as_english_writes_it(written: str, name: str) -> None:
    assert grounding.written_in(name, frozenset({skeleton(written)}))
    assert not grounding.written_in(name, frozenset({skeleton("Mukhtar")}))


def test_a_name_too_short_to_tell_is_taken_as_written() -> None:
    assert skeleton("Эмомали") == skeleton("Emomali") == "ml"
    assert grounding.written_in("Эмомали", frozenset({"xyz"})) is None
    # An acronym is written otherwise in each language ("АҚШ", "США", "U.S."): not looked for.
    question = "Тоқаев АҚШ-пен келісім жасады ма?"
    assert grounding.unwritten_names(question, ["Tokayev and the U.S. signed a deal."]) == []
    assert grounding.unwritten_names(question, ["Tajikistan signed a deal."]) == ["Тоқаев"]


SPACE = "What did the Kazakh and Tajik ministers agree about a joint space programme?"
KAZAKH_TRADE = make_hit(
    "seed-kk",
    2,
    title="Қазақстан мен Тәжікстан сыртқы істер министрлері Душанбеде кездесті",
    text="Министрлер екіжақты тауар айналымын 2 миллиард АҚШ долларына жеткізудің маңыздылығын "
    "атап өтті.",
)


@pytest.mark.parametrize(
    ("answer", "question", "expected"),
    [
        # The question written back, in other forms of its words ("agreed", "agree").
        ("Yes, the Kazakh and Tajik ministers agreed on a joint space programme. [1]", SPACE, True),
        (
            "The pharmacy that filled the prescriptions Albert Diaz signed is [2].",
            "Which pharmacy filled the prescriptions that doctor Albert Diaz signed?",
            True,
        ),
        ("Тауар айналымын [1] көздейді.", "Министрлер қандай тауар айналымын көздейді?", True),
        # A figure, a name or a word of its own, however short, is an answer.
        ("They agreed to raise trade to 2 billion US dollars [1].", SPACE, False),
        ("Fuji Heavy Industries bought them [1].", "Which automaker bought the harnesses?", False),
        ("A gun [3].", "What was found in the car?", False),
        # Yes-or-no questions and questions offering the answers are answered by repeating.
        ("Yes, both did [1].", "Did both ministers agree?", False),
        (
            "The meeting was held in Dushanbe [1].",
            "Which city held the meeting, Dushanbe or Astana?",
            False,
        ),
        (
            "Tajikistan [1].",
            "Which of the two, Kazakhstan and Tajikistan, offered supplies?",
            False,
        ),
        ("Қазақстан [1].", "Қандай ел, Қазақстан әлде Тәжікстан, тауар жеткізеді?", False),
        # Seen in the web chat (session 18): the question written back with "Казақстан" for
        # "Қазақстан", the Russian letter for the Kazakh one, is still the question.
        (
            "Тәжікстан мен Казақстан қандай тауар айналымын көздейді [1]?",
            "Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?",
            True,
        ),
        (
            "Қазақстан Сыртқы істер министрі Тәжікстанда кіммен кездесті? [1]",
            "Қазақстан Сыртқы істер министрі Тәжікстанда кіммен кездесті?",
            True,
        ),
    ],
)
def test_an_answer_that_states_nothing_beyond_the_question_restates_it(
    answer: str, question: str, expected: bool
) -> None:
    assert answerability.restates_question(answer, question) is expected


SPACE = "What did the Kazakh and Tajik ministers agree about a joint space programme?"


@pytest.mark.parametrize(
    ("answer", "question", "expected"),
    [
        # Seen from the default model (session 16): the question's premise stated as fact,
        # then a sentence about something else.
        (
            "The Kazakh and Tajik ministers agreed about a joint space programme. They stressed "
            "the necessity of further developing regional cooperation [2].",
            SPACE,
            True,
        ),
        # As the attribution check leaves it, "[1] and [2]" dropped: one run-on sentence.
        (
            "The Kazakh and Tajik ministers agreed about a joint space programme. indicate that "
            "they stressed the necessity of further developing regional cooperation [2].",
            SPACE,
            True,
        ),
        # A figure the question lacks is an answer, whatever words the question used.
        (
            "The ministers agreed about a joint space programme. It is worth 200 million US "
            "dollars [1].",
            SPACE,
            False,
        ),
        # Every question word it repeats is in a source: no premise of the question's own.
        (
            "The Kazakh and Tajik ministers stressed regional cooperation. They spoke of joint "
            "efforts for peace and stability [2].",
            "What did the Kazakh and Tajik ministers stress about regional cooperation?",
            False,
        ),
        # Asked whether it is so: "No, ..." may repeat the premise to deny it.
        (
            "The ministers did not agree about a joint space programme. They stressed "
            "regional cooperation [2].",
            "Did the Kazakh and Tajik ministers agree about a joint space programme?",
            False,
        ),
        # Kazakh words cannot be looked up in English paragraphs.
        (
            "Қазақ және тәжік министрлері бірлескен ғарыш бағдарламасы туралы келісті. Олар "
            "өңірлік ынтымақтастықты атап өтті [2].",
            "Қазақ және тәжік министрлері бірлескен ғарыш бағдарламасы туралы не келісті?",
            False,
        ),
    ],
)
def test_an_answer_stating_what_the_question_supposes_and_no_source_says(
    answer: str, question: str, expected: bool
) -> None:
    assert answerability.asserts_unsupported_premise(answer, question, [TRADE, REGION]) is expected


def test_the_premise_is_looked_for_in_the_sources_whole_releases() -> None:
    answer = "The ministers agreed about a joint space programme. They met in Dushanbe [1]."
    assert answerability.asserts_unsupported_premise(answer, SPACE, [TRADE, REGION])
    release = {"seed": "The ministers also agreed on a joint space programme for 2026."}
    assert not answerability.asserts_unsupported_premise(answer, SPACE, [TRADE, REGION], release)


def test_an_answer_writing_back_a_name_no_release_holds_asserts_a_premise() -> None:
    # doj_dev's dev-037 (a near-miss null) on this session's machine: the model put the
    # question's made-up companies into Martin Marietta's divestiture.
    quarry = make_hit(
        "quarry",
        0,
        title="Justice Department Requires Martin Marietta to Divest a Quarry",
        text="Martin Marietta must divest its North Troy aggregate quarry in Mill Creek, "
        "Oklahoma. Bill Baer heads the department's Antitrust Division.",
    )
    question = (
        "What did the Antitrust Division require Halvorsen Cement to divest before it could "
        "acquire Prairie Aggregates?"
    )
    premise = answerability.asserts_unsupported_premise
    answer = (
        "The Antitrust Division required Halvorsen Cement to divest its North Troy aggregate "
        "quarry in Mill Creek, Oklahoma, before it could acquire Prairie Aggregates [1]."
    )
    assert premise(answer, question, [quarry])
    # A figure of its own does not excuse the names; an answer naming only held names stands,
    # and so does one writing back one unheld name, which may be worded otherwise (presschat_dev
    # pc-076: "Under which section of the U.S. Code ...?", the release writing "U.S.C.").
    assert premise(
        "Halvorsen Cement paid $5 million for Prairie Aggregates [1].", question, [quarry]
    )
    assert not premise(
        "Halvorsen Cement had to divest the North Troy quarry [1].", question, [quarry]
    )
    assert not premise("Martin Marietta must divest its North Troy quarry [1].", question, [quarry])
    # Held by the release beyond the paragraph: the question is about it.
    release = {"quarry": f"{quarry.text} Halvorsen Cement will buy Prairie Aggregates."}
    assert not premise(answer, question, [quarry], release)
    # A yes-or-no question may write the name back to deny it.
    assert not premise(
        "No, Halvorsen Cement was not named [1].", "Did Halvorsen Cement pay?", [quarry]
    )


def test_an_abbreviation_does_not_cut_a_sentence_into_one_that_restates() -> None:
    # doj_dev dev-018, right: cut at "U.S.", its first half wrote the question back with
    # "supplying", which "supplied" does not match word for word.
    sonobuoys = make_hit(
        "sonobuoys",
        0,
        title="Ultra Electronics and Sparton drop their merger",
        text="The two companies have supplied sonobuoys to the U.S. Navy through their joint "
        "venture, ERAPSCO, for years.",
    )
    question = (
        "Through which joint venture had Ultra Electronics and Sparton been supplying "
        "sonobuoys to the U.S. Navy?"
    )
    answer = (
        "Ultra Electronics and Sparton were supplying sonobuoys to the U.S. Navy through their "
        "joint venture, ERAPSCO [1]."
    )
    assert not answerability.asserts_unsupported_premise(answer, question, [sonobuoys])


PLEA = make_hit(
    "plea",
    1,
    title="Exporter pleads guilty to shipping laboratory equipment to Syria",
    text="Harold Rinko pleaded guilty on Tuesday. He faces a maximum sentence of five years in "
    "prison and a fine of $250,000. Sentencing is set for 2 May.",
)


@pytest.mark.parametrize(
    ("answer", "question", "sources", "expected"),
    [
        # The law's maximum reported as the fine imposed (presschat_dev's nulls, four of them).
        (
            "The court fined Rinko $250,000 [1].",
            "What fine did the court impose on Rinko?",
            [PLEA],
            True,
        ),
        ("Rinko got five years in prison [1].", "What sentence did Rinko receive?", [PLEA], True),
        # Asked about the maximum, or what he faces: the answer.
        ("He faces a $250,000 fine [1].", "What fine does Rinko face?", [PLEA], False),
        ("Up to five years [1].", "How long could Rinko be sent to prison?", [PLEA], False),
        # The figure is also stated otherwise: a fine imposed.
        (
            "The court fined Rinko $250,000 [1].",
            "What fine did the court impose on Rinko?",
            [PLEA, dataclasses.replace(PLEA, paragraph=2, text="On 2 May he was fined $250,000.")],
            False,
        ),
        # ... or by the release's title.
        (
            "Rinko got five years in prison [1].",
            "What sentence did Rinko receive?",
            [dataclasses.replace(PLEA, title="Exporter sentenced to five years in prison")],
            False,
        ),
        # "The maximum fine" agreed to is a fine imposed.
        (
            "Tyson Foods agreed to pay $500,000 [1].",
            "What fine did Tyson Foods pay?",
            [make_hit(text="Tyson Foods agreed to pay the maximum fine of $500,000.")],
            False,
        ),
        # "Up to 40,000 visitors": a maximum, but not a penalty.
        (
            "It will serve 40,000 visitors a year [1].",
            "How many visitors will the centre serve?",
            [make_hit("centre", 0, text="The centre will serve up to 40,000 visitors a year.")],
            False,
        ),
        # No figure of its own.
        ("Rinko pleaded guilty [1].", "What did Rinko do?", [PLEA], False),
        # The answer says itself that what he received is a maximum (presschat_dev pc-210, a
        # null), whatever the sources: the figure is also in the title here.
        (
            "Rinko received a maximum sentence of up to five years in prison [1].",
            "What sentence did Rinko receive?",
            [dataclasses.replace(PLEA, title="Exporter faces five years in prison")],
            True,
        ),
        ("Ринко получил максимальный срок [1].", "Какой срок получил Ринко?", [PLEA], True),
        # A sentence received and, beside it, what else the law allows.
        (
            "Rinko got five years; the fine can be up to $250,000 [1].",
            "What sentence did Rinko receive?",
            [dataclasses.replace(PLEA, title="Exporter sentenced to five years in prison")],
            False,
        ),
    ],
)
def test_a_maximum_penalty_given_as_the_one_imposed(
    answer: str, question: str, sources: list[Hit], expected: bool
) -> None:
    assert figures.gives_a_maximum_as_imposed(answer, question, sources) is expected


@pytest.mark.parametrize(
    ("answer", "question", "expected"),
    [
        # Seen from the default model: the case named, the question written back, a list.
        ("Tyson Foods pleaded guilty over a worker death [1].", "How much did Tyson pay?", True),
        ("Тайсон қанша айыппұл төледі [1]?", "Тайсон қанша айыппұл төледі?", True),
        ("Сотрудник признал, что брал взятки [1].", "Сколько взяток он брал в 2019 году?", True),
        # A figure, in digits or words; or an answer that is one without a number.
        ("Tyson Foods paid $500,000 [1].", "How much did Tyson pay?", False),
        ("He was sentenced to three years [1].", "How long was he sentenced?", False),
        ("He was sentenced to life in prison [1].", "How long was he sentenced?", False),
        ("He was sentenced to time served [1].", "How long was he sentenced?", False),
        ("Он получил пожизненный срок [1].", "Сколько лет он получил?", False),
        # Only the question's own figure: no answer.
        ("In 2019 he took bribes [1].", "How many bribes did he take in 2019?", True),
        # A question for a sentence (presschat_dev pc-210, a null) answered without one.
        ("Tairod Pugh received a lengthy incarceration [1].", "What sentence did he get?", True),
        ("Пугу назначили наказание [1].", "Какой срок получил Пью?", True),
        ("He was sentenced to 35 years in prison [1].", "What prison sentence did he get?", False),
        (
            "Оған 35 жыл бас бостандығынан айыру жазасы тағайындалды [1].",
            "Оған қандай жаза тағайындалды?",
            False,
        ),
        # Years do not answer a count or an amount (pc-208, a null); a length they may.
        (
            "He failed to file tax returns for 2005 through 2012 [1].",
            "How much tax did he evade for 2009 and 2010?",
            True,
        ),
        ("He evaded $28,000 in 2009 [1].", "How much tax did he evade?", False),
        ("He worked there until 2012 [1].", "How long did he work there?", False),
        # "How long" answered with no length (presschat_dev's pc-214, a null, session 30).
        (
            "Albert Diaz, M.D., 78, was convicted in a $3 million fraud scheme [1].",
            "How long a prison term did Albert Diaz receive?",
            True,
        ),
        ("Ему дали 18 месяцев [1].", "Как долго он сидел?", False),
        ("Оған 18 айы тағайындалды [1].", "Оған қанша ай тағайындалды?", False),
        ("The module sends data 40 miles [1].", "How long a range has the module?", False),
        ("Ол 500 000 доллар төледі [1].", "Ол қанша айыппұл төледі?", False),  # a fine, "ай..."
        # An age does not answer a count or an amount (dev-030 in Kazakh, session 25); a length
        # or an age it may.
        ("Күлман, 49-летін жерінде Aruba [1]", "Кулман қанша сомада пара алды?", True),
        ("Egbert Kulman, 49, of Aruba took bribes [1].", "How much did Kulman take?", True),
        ("A 49-year-old man took bribes [1].", "How much did he take?", True),
        ("Kulman, 49, took $1.3 million [1].", "How much did Kulman take?", False),
        ("Kulman was 49 years old [1].", "How old was Kulman?", False),
        ("Бағдарламаға 5 жасөспірім қатысты [1].", "Бағдарламаға қанша жасөспірім қатысты?", False),
        # A day of a month is no count either (the bundled scholarship release, session 31).
        (
            "Бағдарлама 10 қарашада жарияланды, өтінімдер 1 ақпанға дейін қабылданады [2][4].",
            "Министрлік қанша стипендия бөледі?",
            True,
        ),
        ("On March 6 the ministry announced it [1].", "How many scholarships are there?", True),
        ("On March 6, 50 students were chosen [1].", "How many students were chosen?", False),
        ("6 марта выбрали 50 студентов [1].", "Сколько студентов выбрали?", False),
        ("He took 6 marchers along [1].", "How many people did he take?", False),
        # Nor an ordinal (presschat_dev's null pc-239, session 31).
        (
            "1. Murat Nurtleu signed the Treaty on Friendship for the Development of Central Asia "
            "in the 21st Century [1].",
            "How many intergovernmental agreements did Murat Nurtleu sign?",
            True,
        ),
        ("Это 21-й договор [1].", "Сколько договоров подписано?", True),
        ("He signed the 2nd of 5 deals [1].", "How many deals were there?", False),
        # A prison sentence asked for: a term of the answer's must be said to be imposed, in a
        # sentence saying so or one too short to need a verb (held out, session 40: a question
        # the release is silent on got "five years worth of ... tax forms").
        (
            "Benzer received a prison sentence for tax evasion. The indictment stated that he "
            "filed five years worth of tax forms late [1].",
            "What prison sentence did Leon Benzer receive?",
            True,
        ),
        ("Samuel Mullet, 67, received a 15 year sentence [1].", "What sentence did he get?", False),
        ("30 months in prison [1].", "What prison sentence did he receive?", False),
        ("Five years [1].", "What sentence did he get?", False),
        ("Хэрис Камар 102 айға түрмеге кесілді [1].", "Хэрис Камар қандай жаза алды?", False),
        ("Каприя осуждён на 75 месяцев [1].", "Какой срок получил Каприя?", False),
        # Not a question for a figure.
        ("Tyson Foods pleaded guilty [1].", "What did Tyson Foods do?", False),
    ],
)
def test_an_answer_to_a_question_for_a_figure_that_states_none(
    answer: str, question: str, expected: bool
) -> None:
    assert figures.lacks_the_asked_figure(answer, question) is expected


@pytest.mark.parametrize(
    ("answer", "question", "expected"),
    [
        # presschat_dev nulls: the question's names written back; initials, as releases write
        # victims.
        (
            "Thomas E. Carr used to run Lakewood, N.J.-based food service hardware company [2].",
            "What is the name of the Lakewood, New Jersey company that Thomas E. Carr ran?",
            True,
        ),
        ("A.M. [2]", "What is the name of the detainee Walter Young is accused of beating?", True),
        (
            "Вильямс руководил компанией [1].",
            "Как называется компания, которой руководил Вильямс? Кто её владелец?",
            True,
        ),
        # A name of its own, wherever it stands.
        ("Subaru bought the wire harnesses [1].", "Which company bought the harnesses?", False),
        ("The buyer was Digital First Media [1].", "Who bought Freedom Communications?", False),
        ("Оны Эрик Шилдер басқарған [1].", "Компанияны кім басқарды?", False),
        # No name, but a figure of its own: an answer to "who can apply?".
        ("18-29 жастағы студенттер өтінім бере алады [1].", "Кім өтінім бере алады?", False),
        # "Who" inside the question is relative: no question for a name.
        (
            "A permanent resident card [1].",
            "What document did InMotion Software insist on from an applicant who had a card?",
            False,
        ),
        ("He was sentenced to 10 years [1].", "How long was Smith sentenced?", False),
    ],
)
def test_an_answer_to_a_question_for_a_name_that_names_no_one(
    answer: str, question: str, expected: bool
) -> None:
    assert answerability.lacks_the_asked_name(answer, question) is expected


@pytest.mark.parametrize(
    ("answer", "question", "expected"),
    [
        # Seen in `presschat chat` on the bundled example: the right paragraph, no date.
        ("Да, олардын жариялады. [1]", "Өтінімдер қашанға дейін қабылданады?", True),
        ("They met to discuss trade [1].", "When did the ministers meet?", True),
        ("Консультации прошли в Астане [1].", "Когда прошли консультации?", True),
        # Any figure, month, weekday, season or relative word says when.
        ("Өтінімдер 2026 жылғы 1 ақпанға дейін қабылданады [2].", "Қашан?", False),
        ("He was sentenced on Friday [1].", "When was he sentenced?", False),
        ("Следующий раунд пройдёт весной в Ташкенте [1].", "А когда следующий раунд?", False),
        ("The centre is open on weekdays [1].", "When is the centre open?", False),
        # Words that only begin like a time word say nothing of when ("айтты": said).
        ("Ол бұл туралы айтты [1].", "Қашан айтты?", True),
        # "когда" as a conjunction, and a question for a figure: not questions for a date.
        (
            "Он служил в Братунацкой бригаде [1].",
            "В какой бригаде служил Тришич, когда получал статус беженца?",
            False,
        ),
        ("He was sentenced [1].", "When was he sentenced, and how long did he get?", False),
        # A question for hours wants hours (tried as a user, session 27: a date for them).
        (
            "Алматыдағы консулдық орталықтың жұмыс уақыты 15.09.2025 жылдын қайырды [1].",
            "Алматыдағы консулдық орталықтың жұмыс уақыты қандай?",
            True,
        ),
        (
            "Орталық жұмыс күндері 9:00-ден 18:00-ге дейін жұмыс істейді [1].",
            "Алматыдағы консулдық орталықтың жұмыс уақыты қандай?",
            False,
        ),
        ("It opened on 15 September 2025 [1].", "What are the opening hours?", True),
    ],
)
def test_an_answer_to_a_question_for_a_date_that_says_nothing_of_when(
    answer: str, question: str, expected: bool
) -> None:
    assert figures.lacks_the_asked_date(answer, question) is expected


def test_an_answer_to_a_question_for_a_figure_stating_one_no_source_holds() -> None:
    # doj_dev's dev-023 on session 31's machine: the release gives $625,000 and $325,000.
    terra = make_hit(
        "terra",
        0,
        title="Terra Industries to pay $625,000 Clean Air Act penalty",
        text="Terra Industries has agreed to pay $625,000 in civil penalties.",
    )
    question = "What total civil penalty did Terra pay, and how much goes to the United States?"
    unheld = answerability.states_an_unheld_figure
    assert unheld("$625,000. $250,000 [1]", question, [terra])
    assert not unheld("$625,000 [1]", question, [terra])
    release = {"terra": f"{terra.text} Of it, $325,000 goes to the United States."}
    assert not unheld("$625,000, of which $325,000 [1]", question, [terra], release)
    assert unheld("$625,000, of which $250,000 [1]", question, [terra], release)
    # A day of a month, a release's date and paragraph named in the answer state no figure;
    # nor is the check for a question that asks for none.
    assert not unheld("$625,000, paid on April 19 [1]", question, [terra])
    pointer = "Terra Industries (2011-04-19), paragraph 5: $625,000 [1]"
    assert not unheld(pointer, question, [terra])
    assert not unheld("It paid $250,000 [1].", "What did Terra agree to?", [terra])
    sentenced = make_hit("pugh", 0, text="Tairod Pugh was sentenced to 35 years in prison.")
    answer = "Pugh was sentenced on March 6 to 35 years [1]."
    assert not unheld(answer, "What sentence did Tairod Pugh receive?", [sentenced])


def test_a_sum_asked_for_by_name_must_be_named_so_where_its_figure_is_stated() -> None:
    sources = [
        make_hit("doj-5", 2, text="DPC agreed to invest approximately $150 million in controls."),
        make_hit("doj-5", 3, text="DPC will also pay a civil penalty of $950,000."),
    ]
    fine = "Кооператив қанша азаматтық айыппұл төлеуге келісті?"  # how large a civil penalty
    assert _another_sum("DPC agreed to invest approximately $150 million [1].", fine, sources)
    assert _another_sum("Кооператив 150 миллион доллар айыппұл төлейді [1].", fine, sources)
    assert not _another_sum("DPC will pay a $950,000 civil penalty [2].", fine, sources)
    # Asked with "қандай" (what): the bundled-example question, whose Kazakh answer
    # gave the supplies' 200 million as the trade turnover (2 billion).
    trade = make_hit(
        "seed",
        3,
        text="The ministers stressed the goal of increasing bilateral trade turnover to 2 billion "
        "US dollars. Kazakhstan expressed its readiness to expand supplies by 200 million US "
        "dollars.",
    )
    turnover = "Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?"
    kazakh = "Казақстан мен Тәжікстан 200 миллиона US долларов айналымын көздейді. [1]"
    assert _another_sum(kazakh, turnover, [trade])
    assert not _another_sum("2 billion US dollars [1].", turnover, [trade])
    # Asked in English or Russian (held out, session 40: "Какой штраф заплатил Алан
    # Мендельсон?" was answered with the $350,000 he diverted, in a release stating no fine).
    for question in (
        "What civil penalty will DPC pay?",
        "What fine did DPC agree to pay?",
        "Какой штраф заплатит кооператив?",
        "Сколько составит штраф кооператива?",
    ):
        assert _another_sum(
            "DPC agreed to invest approximately $150 million [1].", question, sources
        )
        assert not _another_sum("DPC will pay a $950,000 civil penalty [2].", question, sources)
    # A question naming no sum, or none of those known, is not checked so: "penalty" alone may
    # be a prison term.
    for question in (
        "Кооператив қанша ақша төлейді?",
        "How much will DPC pay?",
        "What penalty did DPC face?",
        "Сколько заплатит кооператив?",
    ):
        assert not _another_sum("It will invest $150 million [1].", question, sources)


def _another_sum(answer: str, question: str, sources: list[Hit]) -> bool:
    return grounding.gives_another_sum(answer, question, sources, questions.asked_sum(question))


def test_an_acronym_of_the_question_spelled_out_adds_nothing() -> None:
    question = "О строительстве какой ГЭС договорились главы МИД Казахстана и Таджикистана?"
    restated = "Главы Министерства иностранных дел Казахстана и Таджикистана договорились о [1]."
    assert adds_nothing(restated, question)
    assert not adds_nothing(
        "Главы Министерства иностранных дел договорились о Рогунской ГЭС.", question
    )
    assert spelled_acronyms("The Federal Bureau of Investigation said", "Did the FBI?") == {
        "federal",
        "bureau",
        "investigation",
    }
    assert not spelled_acronyms("Federal Bureau of Investigation", "Did they say?")


def test_a_person_named_in_cyrillic_that_no_english_source_writes_is_invented() -> None:
    # Held out (session 40): "Уилкокс округі ... бұрынғы шериф кім?" over paragraphs of a
    # securities case got a sheriff no release names; the citation checks read names in their
    # own script only.
    question = "Уилкокс округі түрмесіндегі тұтқынды ұрған бұрынғы шериф кім?"
    broker = make_hit("broker", 0, text="A former securities broker pleaded guilty in Texas.")
    sheriff = make_hit("sheriff", 1, text="Caruthers and former Sheriff Stacy Bloodsworth "
                       "assaulted the inmate.")  # fmt: skip
    invented = "Уилкокс округі түрмесіндегі бұрынғы шериф - Тарас Байырдын [1]."
    assert answerability.invents_a_name(invented, question, [broker])
    attribution = attribute_citations(invented, [broker], question)
    why = answerability.why_unreliable(attribution, question, [broker], {}, "kk")
    assert why == "it names someone no source writes"
    # Written by sound in a source (its release), or named by the question: not invented.
    told = "Уилкокс округі түрмесіндегі бұрынғы шериф - Стейси Бладсворт [1]."
    assert not answerability.invents_a_name(told, question, [sheriff])
    assert not answerability.invents_a_name(told, question, [broker], {"broker": sheriff.text})
    asked = "Стейси Бладсворт қай округте шериф болды?"
    assert not answerability.invents_a_name("Стейси Бладсворт Уилкокста [1].", asked, [broker])
    # Over sources in the answer's script, the citation checks read its names.
    kazakh = make_hit("kk", 0, text="Бұрынғы шериф Тарас Байырдын тұтқынды ұрды.")
    assert not answerability.invents_a_name(invented, question, [kazakh])


def test_an_answer_asked_for_in_english_and_written_otherwise_is_unreliable() -> None:
    # Held out (session 40): a Kazakh answer asked for again in English came back mixed; its
    # lead said it was in the sources' language.
    question = "Edmond de Rothschild банктері қанша айыппұл төлейді?"
    source = make_hit("edr", 0, text="EdR will pay a penalty of more than $45 million, or "
                      "$45.245 million.")  # fmt: skip
    mixed = "Edmond de Rothschild bankтері бойынша 45.245 миллиона долларық төлейді [1]."
    attribution = attribute_citations(mixed, [source], question)
    why = answerability.why_unreliable(attribution, question, [source], {}, "en")
    assert why == "it is not written in English, as asked"
    assert answerability.why_unreliable(attribution, question, [source], {}, "kk") != why
    english = attribute_citations("EdR will pay $45.245 million [1].", [source], question)
    assert answerability.why_unreliable(english, question, [source], {}, "en") is None


@pytest.mark.parametrize(
    ("reply", "points"),
    [
        # Held out (session 40): a Kazakh question asked again in English got this.
        (
            "The answer is [1]. According to the press release, the answer is: The answer is [1].",
            True,
        ),
        ("Ответ: [1]", True),
        ("The answer is $500,000 [1].", False),
        ("Ответ: 500 000 долларов [1].", False),
    ],
)
def test_a_reply_pointing_at_an_answer_it_does_not_give_is_unreliable(
    reply: str, points: bool
) -> None:
    source = make_hit("fine", 0, text="Tyson Foods will pay a $500,000 fine.")
    question = "What fine did Tyson Foods pay?"
    attribution = attribute_citations(reply, [source], question)
    why = answerability.why_unreliable(attribution, question, [source], {}, "ru")
    assert (why == "it points at an answer it does not give") is points


def test_a_follow_up_for_a_figure_given_only_the_figures_of_the_answer_before_copies_it() -> None:
    # Tried as a user (session 40): after the Kazakh turnover answer, the Russian follow-up on
    # supplies (200 million) got the turnover's 2 billion back, in its Kazakh words.
    history = [
        Turn("user", "Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?"),
        Turn("assistant", "Қазақстан мен Тәжікстан 2 миллиард АҚШ доллары көлемінде тауар "
             "айналымын көздейді [1]."),
    ]  # fmt: skip
    question = "А на какую сумму Казахстан расширит поставки?"
    copies = answerability.copies_the_last_answer
    assert copies("Казахстан расширит поставки до 2 миллиард АҚШ долларов [1].", question, history)
    assert not copies("Казахстан расширит поставки на 200 млн долларов [1].", question, history)
    assert not copies("Казахстан расширит поставки до 2 миллиард долларов [1].", question, [])
    # A follow-up asking for no figure may give the one before again ("Who paid it?"), and one
    # sharing a word with the question before may ask for the same figure again.
    assert not copies("Tyson Foods paid the 2 billion dollars [1].", "Who paid it?", history)
    fine = [Turn("user", "What fine did Tyson Foods pay?"), Turn("assistant", "$500,000 [1].")]
    assert not copies("It was $500,000 [1].", "And how much was the fine?", fine)
    assert copies("It was $500,000 [1].", "And how much did the family get?", fine)
    source = make_hit("seed", 2, text="The goal is a trade turnover of 2 billion US dollars.")
    copied = attribute_citations("До 2 миллиард АҚШ долларов [1].", [source], question)
    why = answerability.why_unreliable(copied, question, [source], {}, "ru", history)
    assert why == "it gives only the figures of the answer before"
