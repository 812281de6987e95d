"""A question for a fact is told from one that asks whether something is so, and one with a
subject from one of question words only."""

import pytest

from answer import questions
from prompts import another_language, other_language


@pytest.mark.parametrize(
    ("question", "asks_for_a_fact"),
    [
        ("What fine did Tyson Foods pay?", True),
        ("How much did he pay, and when?", True),
        ("Сколько заплатила Tyson Foods?", True),
        ("Tyson Foods қанша айыппұл төледі?", True),
        # Kazakh question words with case endings, and "не" (what) in a Kazakh question only:
        # in Russian it is "not".
        ("Министр Тәжікстанда кіммен кездесті?", True),
        ("Қазақстан мен Тәжікстанның сыртқы істер министрлері не талқылады?", True),
        ("Он не заплатил штраф?", False),
        ("Did Tyson Foods pay a fine?", False),
        ("Is the fine larger than $1 million, and what was it for?", False),
        ("According to Fortune, has the view on what drives prices changed?", False),
        ("Заплатила ли Tyson Foods штраф?", False),
        ("Tyson Foods айыппұл төледі ме?", False),
        ("Tyson Foods' fine", False),
    ],
)
def test_a_question_asks_for_a_fact_or_whether_something_is_so(
    question: str, asks_for_a_fact: bool
) -> None:
    assert questions.asks_for_a_fact(question) is asks_for_a_fact


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many?", False),
        ("How long?", False),
        ("И сколько?", False),
        ("Қанша?", False),
        ("Когда?", False),
        ("What is it?", False),
        ("???", False),
        # Words that only say what kind of answer is asked for (session 28, tried as a user).
        ("What time?", False),
        ("В какое время?", False),
        ("Сағат қаншада?", False),
        ("What year?", False),
        ("What time does the consular centre open?", True),
        ("Часы работы?", True),  # "работы": of work, something to look for
        ("How much is his share?", True),
        ("2025?", True),
        ("Стипендия қашан жарияланды?", True),
        ("Who owned the boat?", True),
        ("А кто были его сообщники?", True),
        ("Олар қанша өтемақы алады?", True),
    ],
)
def test_a_question_of_question_words_only_has_no_subject(question: str, expected: bool) -> None:
    assert questions.has_subject(question) is expected


def test_at_what_time_asks_for_hours_not_a_figure() -> None:
    # Tried as a user (session 27): "Во сколько открывается ...?" got the opening day.
    assert not questions.asks_for_a_figure("Во сколько открывается консульский центр?")
    assert questions.asks_for_a_figure("Во сколько раз вырос товарооборот?")
    assert questions.asks_for_a_figure("Во сколько обошёлся новый центр?")
    assert questions.asks_for_a_figure("Сколько посетителей ожидает центр?")


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        # A fine is an amount (dev-019 kept "This fine was announced in November 2010 [1]."
        # after the $48 million, session 33, as if it asked for no figure).
        ("In November 2010, what criminal fine did Singapore Airlines Cargo agree to pay?", True),
        ("What civil penalty did Dow Chemical accept?", True),
        ("What restitution to the IRS was he ordered to pay?", True),
        ("Какой уголовный штраф назначили компании Yazaki?", True),
        ("Tyson Foods қандай айыппұл төледі?", True),
        ("What did the fine cover?", False),
        ("Why was the penalty reduced?", False),
    ],
)
def test_a_fine_penalty_or_restitution_is_asked_for_as_an_amount(
    question: str, amount: bool
) -> None:
    assert questions.asks_for_an_amount(question) is amount
    assert questions.asks_for_a_figure(question) is amount


@pytest.mark.parametrize(
    ("answer", "language", "noted"),
    [
        # The Russian narwhal question answered in English (pc-110 in the web chat, session 30).
        ("Andrew L. Zarauskas was arrested in Maine [3][1].", "ru", True),
        ("Бағдарламаға 50 студент қабылданады [1].", "ru", True),
        ("Ежегодно отбирается 50 студентов [1].", "kk", True),
        ("Ежегодно отбирается 50 студентов [1].", "ru", False),
        ("Tyson Foods paid a $500,000 fine [1].", "en", False),
        ("50 [1].", "ru", False),  # no language to tell
        ("Нет, $500,000 [1].", "en", False),  # too little to tell
        # One that opens saying it is in its sources' language says so already.
        (f"{other_language('ru')}\n\nIt paid $500,000 [1].", "ru", False),
    ],
)
def test_an_answer_in_another_language_than_the_question_is_noted(
    answer: str, language: str, noted: bool
) -> None:
    note = questions.another_language_note(answer, language)
    assert note == (f"\n\n{another_language(language)}" if noted else "")


@pytest.mark.parametrize(
    ("question", "kind", "units"),
    [
        ("How many tribes joined the first phase of the program?", "count", ("tribes", "joined")),
        ("How many Medicare patients did Wayne Smith steer to the clinic?", "count", None),
        ("P&W сатқан майдың кесірінен қанша галлон майды өртеуге тура келді?", "count", None),
        ("How much did Adam Victor admit funneling through family members?", "money", ()),
        ("What criminal fine did Yazaki agree to pay?", "money", ()),
        ("Сколько денег выманила фирма у иммигрантов?", "money", ()),
        ("Кулман барлығы қанша сомада пара алғанын мойындады?", "money", ()),
        # "айыппұл" (a fine) is no "ай" (month); an adjective may stand before the sum.
        ("Tyson Foods қанша айыппұл төледі?", "money", ()),
        ("Кооператив қанша азаматтық айыппұл төлеуге келісті?", "money", ()),
        ("Ледфорд қанша мерзімге бас бостандығынан айырылды?", "sentence", ()),
        ("Ол неше айға сотталды?", "sentence", ()),
        ("What sentence did Brandon Vollmer receive?", "sentence", ()),
        ("How long was Mark Gautreau sent to prison for the attack?", "sentence", ()),
        ("How many months did Dennis Marchetti get for the kickbacks?", "sentence", ()),
        ("Какой срок получил Родни Айс?", "sentence", ()),
        ("Who owned the boat?", None, None),
        ("When did Metin Atilan remove his monitoring bracelet?", None, None),
    ],
)
def test_the_figure_a_question_asks_for_is_read_from_its_words(
    question: str, kind: str | None, units: tuple[str, ...] | None
) -> None:
    figure = questions.AskedFigure.of(question)
    assert (figure.kind if figure else None) == kind
    if figure and units is not None:
        assert figure.units == units


@pytest.mark.parametrize(
    ("question", "sentence", "states"),
    [
        # A sentence imposed states it; a maximum, an age or a count of charges does not.
        ("What sentence did he get?", "He was sentenced to 42 months in prison.", True),
        ("What sentence did he get?", "He was sentenced to five years in prison.", True),
        ("What sentence did he get?", "He was sentenced to life in prison.", True),
        ("What sentence did he get?", "He faces up to 10 years in prison.", False),
        ("What sentence did he get?", "A 79-year-old man was beaten in the prison yard.", False),
        ("What sentence did he get?", "He was charged in a forty-three count indictment.", False),
        # Money is an amount in a currency; a count of something else is none.
        ("How much did Zhou pay for the horns?", "Zhou bought five horns for $20,000.", True),
        ("How much did Zhou pay for the horns?", "Zhou bought as many as five horns.", False),
        ("Сколько денег выманила фирма?", "The firm took more than 400,000 dollars.", True),
        # A count names what it counts a few words after the number, in any script.
        ("How many tribes joined?", "It is one of 9 tribes to participate in the phase.", True),
        ("How many tribes joined?", "Nine federally recognized tribes joined.", True),
        ("How many tribes joined?", "The program began in 2016 for the tribes.", False),
        ("How many defendants were charged?", "They face six felony counts of labeling.", False),
        ("Қанша галлон май өртелді?", "Over three million gallons of oil were burned.", True),
    ],
)
def test_a_sentence_states_the_asked_figure_only_in_its_kind(
    question: str, sentence: str, states: bool
) -> None:
    figure = questions.AskedFigure.of(question)
    assert figure is not None
    assert figure.stated_in(sentence) is states
