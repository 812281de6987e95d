import pytest

from prompts.kazakh import Figure, kazakh_statement

PRISON = "Murdoch was sentenced to 30 months in prison [2]."


@pytest.mark.parametrize(
    ("question", "figure", "sentence", "statement"),
    [
        # The figure takes the question word's place; the unit the question names stays.
        (
            "Ричард Мердок неше айға түрмеге кесілді?",
            Figure("30", unit="month"),
            PRISON,
            "Ричард Мердок 30 айға түрмеге кесілді [2].",
        ),
        # Years asked in months, exactly.
        (
            "Ричард Мердок неше айға түрмеге кесілді?",
            Figure("2", unit="year"),
            PRISON,
            "Ричард Мердок 24 айға түрмеге кесілді [2].",
        ),
        # No unit after the question word: the figure brings its own.
        (
            "Ледфорд қанша мерзімге бас бостандығынан айырылды?",
            Figure("1", unit="year"),
            "Ledford was sentenced to one year in prison [1].",
            "Ледфорд 1 жыл мерзімге бас бостандығынан айырылды [2].",
        ),
        # A sum the sentence names ("civil penalties" for "азаматтық айыппұл").
        (
            "Компания қанша азаматтық айыппұл төлейді?",
            Figure("445000", unit="USD"),
            "YCS will pay $445,000 in civil penalties [1].",
            "Компания 445 000 АҚШ доллары көлемінде азаматтық айыппұл төлейді [2].",
        ),
        (
            "Кулман барлығы қанша сомада пара алғанын мойындады?",
            Figure("1.3", "million", "USD", "over"),
            "He received more than $1.3 million in corrupt payments [2].",
            "Кулман барлығы 1,3 миллион АҚШ долларынан астам сомада пара алғанын мойындады [2].",
        ),
        (
            "Қазақстан жеткізуді қанша долларға арттырады?",
            Figure("200", "million", "USD"),
            "Kazakhstan will expand supplies by 200 million US dollars [1].",
            "Қазақстан жеткізуді 200 миллион долларға арттырады [2].",
        ),
        (
            "Әр студентке айына қанша ақша төленеді?",
            Figure("51", "million", "USD", "about"),
            "Each gets approximately $51 million [1].",
            "Әр студентке айына шамамен 51 миллион АҚШ доллары төленеді [2].",
        ),
        # A sum asked with "қандай" (what) as with "қанша" (how much).
        (
            "Екі ел қандай тауар айналымын көздейді?",
            Figure("2", "billion", "USD"),
            "They aim at a trade turnover of 2 billion US dollars [1].",
            "Екі ел 2 миллиард АҚШ доллары көлемінде тауар айналымын көздейді [2].",
        ),
        # "Over": no "көлемінде" (in the amount of) after "астам" (more than).
        (
            "Компания қанша пайда тапты?",
            Figure("50", "million", "USD", "over"),
            "It made more than $50 million in profits [3].",
            "Компания 50 миллион АҚШ долларынан астам пайда тапты [2].",
        ),
        # "About" that the question says already is not said twice.
        (
            "Орталық шамамен қанша келушіге қызмет көрсетеді?",
            Figure("40000", bound="about"),
            "It expects to serve about 40,000 visitors [1].",
            "Орталық шамамен 40 000 келушіге қызмет көрсетеді [2].",
        ),
        # A count: the question names what it counts; "over" after a scale word.
        (
            "Қанша галлон майды өртеуге тура келді?",
            Figure("3", "million", bound="over"),
            "Over three million gallons had to be incinerated [3].",
            "3 миллионнан астам галлон майды өртеуге тура келді [2].",
        ),
        (
            "Жыл сайын неше студент оқиды?",
            Figure("50", bound="at least"),
            "At least 50 students a year [1].",
            "Жыл сайын кемінде 50 студент оқиды [2].",
        ),
    ],
)
def test_the_question_says_the_figure_in_its_place(
    question: str, figure: Figure, sentence: str, statement: str
) -> None:
    assert kazakh_statement(question, figure, sentence, "[2]") == statement


@pytest.mark.parametrize(
    ("question", "figure", "sentence"),
    [
        # No question word, or two.
        ("Ричард Мердок қайда сотталды?", Figure("30", unit="month"), PRISON),
        ("Неше айға және неше жылға?", Figure("30", unit="month"), PRISON),
        # "Қандай" asks for a sum only where one is named after it, and then for no count.
        ("Олар қандай келісімге қол қойды?", Figure("2", "billion", "USD"), PRISON),
        ("Олар қандай айналымды көздейді?", Figure("2", "billion"), PRISON),
        # 18 months are no whole number of years.
        ("Ричард Мердок неше жылға сотталды?", Figure("18", unit="month"), PRISON),
        # "More than 50": how Kazakh ends "50" depends on how it is read.
        ("Жыл сайын неше студент оқиды?", Figure("50", bound="over"), "Over 50 a year [1]."),
        # The sentence gives an investment, not the penalty asked for.
        (
            "Кооператив қанша азаматтық айыппұл төлеуге келісті?",
            Figure("150", "million", "USD", "about"),
            "DPC agreed to invest approximately $150 million in pollution control [1].",
        ),
    ],
)
def test_no_statement_where_the_figure_cannot_take_the_question_words_place(
    question: str, figure: Figure, sentence: str
) -> None:
    assert kazakh_statement(question, figure, sentence, "[1]") is None
