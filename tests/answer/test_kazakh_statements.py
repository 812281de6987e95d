"""A Kazakh question for a figure, answered in another language, is said in Kazakh by the
question itself; the figures an answer's sentence states of the kind asked."""

import pytest

from answer import questions
from answer.kazakh import statements
from prompts import another_language, other_language
from prompts.kazakh import Figure
from tests.factories import make_hit


@pytest.mark.parametrize(
    ("question", "sentence", "figures"),
    [
        # The prison term, not the supervised release after it; never what the law allows.
        (
            "What sentence did he get?",
            "He was sentenced to 30 months in prison, then three years of supervised release [1].",
            {Figure("30", unit="month")},
        ),
        (
            "What sentence did he get?",
            "He was sentenced to five years of probation.",
            {Figure("5", unit="year")},
        ),
        ("What sentence did he get?", "He faces up to 20 years in prison [1].", set()),
        (
            "Какой срок получил он?",
            "Он приговорён к 30 месяцам заключения.",
            {Figure("30", unit="month")},
        ),
        # Dollars with their scale and bound; amounts that differ are two figures.
        (
            "Бұл схемадан компания қанша пайда тапты?",
            "It made approximately $51 million [2].",
            {Figure("51", "million", "USD", "about")},
        ),
        (
            "Олар қанша өтемақы алады?",
            "They will pay $50,000 in damages and $10,000 in civil penalties [1].",
            {Figure("50000", unit="USD"), Figure("10000", unit="USD")},
        ),
        # Russian scale words, as the checks read them ("млн", "миллиона").
        (
            "Кооператив қанша айыппұл төледі?",
            "Штраф составил 1,3 миллиона долларов, а не 30 млн долларов [1].",
            {Figure("1.3", "million", "USD"), Figure("30", "million", "USD")},
        ),
        # A count: no marker, year or number of the question is one; of several, those followed
        # by what the question counts (in another script, a word written alike).
        (
            "How many tribes joined in 2016?",
            "In 2016, over three million gallons and 9 tribes [3].",
            {Figure("9")},
        ),
        (
            "How many visitors came in 2016?",
            "In 2016, over three million gallons and 9 tribes [3].",
            {Figure("3", "million", bound="over"), Figure("9")},
        ),
        (
            "Вертц қанша жалған дилерлік есеп жіберген?",
            "He pleaded guilty to two counts for submitting 137 falsified dealer reports and 70"
            " falsified fishing logs [2].",
            {Figure("137")},
        ),
        ("How many tribes of the 12 joined?", "Nine of the 12 tribes joined [1].", {Figure("9")}),
        ("How many visitors came in 2015?", "In 2015, 2,000 visitors came [1].", {Figure("2000")}),
        # A count is no sum or length of time.
        ("Неше адамға айыппұл салынды?", "They were fined $5,000 in 2019 [1].", set()),
        ("How many tribes joined?", "It took the tribes 5 years to join [1].", set()),
    ],
)
def test_an_answers_sentence_states_figures_of_the_kind_asked(
    question: str, sentence: str, figures: set[Figure]
) -> None:
    asked = questions.AskedFigure.of(question)
    assert asked is not None
    assert set(statements.stated_figures(sentence, question, asked)) == figures


MURDOCH = [
    make_hit("doj-7", 0, text="Richard A. Murdoch was sentenced to 30 months in prison."),
    make_hit("doj-7", 1, text="Murdoch, 54, was sentenced by Judge Presnell in Florida."),
    make_hit("doj-8", 3, text="YCS will pay $50,000 in damages and $10,000 in penalties."),
    make_hit(
        "doj-9", 5, text="Shell will pay civil penalties totaling $350,000, including $87,500."
    ),
]


def test_a_figure_answered_in_another_language_is_said_in_kazakh_by_the_question() -> None:
    question = "Ричард Мердок неше айға түрмеге кесілді?"
    english = (
        f"{other_language('kk')}\n\nRichard Murdoch ran Royal Development [2]. He was sentenced"
        " to 30 months in prison [1]."
    )
    said = statements.in_kazakh(english, MURDOCH, question, "kk")
    assert said is not None
    assert said[0] == "Ричард Мердок 30 айға түрмеге кесілді [1]."
    ((citation),) = said[1]
    assert (citation.number, citation.quote) == (1, MURDOCH[0].text)
    # A quoted sentence, and a Russian answer with its note, alike; cited to the paragraph
    # that states the figure where the answer cited another ("Murdoch, 54, ...").
    quote = "Баспасөз релизінде былай делген: «Murdoch was sentenced to 30 months in prison.» [1]"
    assert statements.in_kazakh(quote, MURDOCH, question, "kk") == said
    russian = f"Мердок приговорён к 30 месяцам заключения [2].\n\n{another_language('kk')}"
    assert statements.in_kazakh(russian, MURDOCH, question, "kk") == said
    # Not one written in Kazakh or asked in another language, nor a question for no figure, nor
    # a sentence stating two, nor a figure no source states.
    kazakh = "Ричард Мердок 30 айға түрмеге кесілді [1]."
    assert statements.in_kazakh(kazakh, MURDOCH, question, "kk") is None
    assert statements.in_kazakh(english, MURDOCH, question, "ru") is None
    assert statements.in_kazakh(english, MURDOCH, "Ричард Мердок қайда сотталды?", "kk") is None
    two = "He was sentenced to 30 months in prison and 24 months in jail [1]. Then 30 months [2]."
    assert statements.in_kazakh(two, MURDOCH, question, "kk") is None
    unheld = "He was sentenced to 40 months in prison [1]."
    assert statements.in_kazakh(unheld, MURDOCH, question, "kk") is None
    # Of several sums, the one the question names ("өтемақы", compensation: "damages").
    damages = "They will pay $50,000 in damages and $10,000 in civil penalties [3]."
    said = statements.in_kazakh(damages, MURDOCH, "Олар қанша өтемақы алады?", "kk")
    assert said and said[0] == "Олар 50 000 АҚШ доллары көлемінде өтемақы алады [3]."
    assert statements.in_kazakh(damages, MURDOCH, "Олар барлығы қанша ақша төлейді?", "kk") is None
    # ... named before it where no sum is named after ("civil penalties totaling $350,000").
    shell = "Shell will pay civil penalties totaling $350,000, including $87,500 for LDEQ [4]."
    said = statements.in_kazakh(shell, MURDOCH, "Shell барлығы қанша айыппұл төлейді?", "kk")
    assert said and said[0] == "Shell барлығы 350 000 АҚШ доллары көлемінде айыппұл төлейді [4]."
    # A sum asked with "қандай" (what turnover) as with "қанша".
    turnover = [make_hit("kz-1", 3, text="A trade turnover of 2 billion US dollars is the aim.")]
    english = "Kazakhstan and Tajikistan aim at a trade turnover of 2 billion US dollars [1]."
    question = "Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?"
    said = statements.in_kazakh(english, turnover, question, "kk")
    assert said and said[0] == (
        "Қазақстан мен Тәжікстан 2 миллиард АҚШ доллары көлемінде тауар айналымын көздейді [1]."
    )


DUCEY = [
    make_hit("doj-10", 0, text="The Ducey brothers operated E-biofuels LLC, from a facility in "
             "Middletown, Indiana. Chris Ducey, 48, of North Webster, Indiana, pleaded guilty."),
    make_hit("doj-11", 2, text="Mohamud said his articles ran in Jihad Recollections."),
]  # fmt: skip
PLANT = "Дьюси ағайындылардың E-biofuels компаниясының зауыты Индиананың қай қаласында орналасқан?"


def test_a_name_answered_in_another_language_is_said_in_kazakh_by_the_question() -> None:
    english = (
        f"{other_language('kk')}\n\nThe Ducey brothers pleaded guilty to fraud [1]. Chris Ducey, "
        "48, of North Webster, Indiana, pleaded guilty [1]. The Ducey brothers operated "
        "E-biofuels LLC, from a facility in Middletown, Indiana [1]."
    )
    said = statements.in_kazakh(english, DUCEY, PLANT, "kk")
    assert said is not None
    assert said[0] == (
        "Дьюси ағайындылардың E-biofuels компаниясының зауыты Индиананың Middletown қаласында "
        "орналасқан [1]."
    )
    assert [c.paragraph for c in said[1]] == [0]
    journal = "Мохамед Осман Мохамуд мақалалары қай онлайн-журналда жарияланғанын айтқан?"
    said = statements.in_kazakh(
        "Mohamud said his articles ran in Jihad Recollections [2].", DUCEY, journal, "kk"
    )
    assert said is not None
    assert (
        said[0]
        == "Мохамед Осман Мохамуд мақалалары Jihad Recollections онлайн-журналда жарияланғанын "
        "айтқан [2]."
    )


@pytest.mark.parametrize(
    ("answer", "question"),
    [
        # Two names the question does not write: which one is meant cannot be told.
        ("Chris Ducey, 48, of North Webster, Indiana, lived in Fishers [1].", PLANT),
        # A list of names.
        (
            "Beau Wattigney used PurpleLotus, GoldenLotus and CouponKing [1].",
            "Бо Уаттигни қандай лақап аттарды пайдаланған?",
        ),
        # No name of the question: the sentence may be about another case.
        ("The plant was in Middletown [1].", PLANT),
        # "қай жылы" asks when: a date is no name.
        (
            "The Ducey brothers opened E-biofuels in Middletown in 2009 [1].",
            "Дьюси ағайындылары E-biofuels зауытын қай жылы ашты?",
        ),
        # Uncited.
        ("The Ducey brothers operated E-biofuels LLC in Middletown, Indiana.", PLANT),
        # Tried as a user (session 39): "Americans" sounds like "мейрамханасы" (restaurant), a
        # common word, which left "Disabilities Act" as the one name added: "... Disabilities
        # Act отбасына ..." for which family was refused service.
        (
            "The Golden Corral restaurant in Michigan was sued for violating the Americans with "
            "Disabilities Act (ADA) [1].",
            "Мичигандағы Golden Corral мейрамханасы қай отбасына қызмет көрсетуден бас тартты?",
        ),
    ],
)
def test_a_name_is_not_said_in_kazakh_where_it_cannot_be_told(answer: str, question: str) -> None:
    assert statements.in_kazakh(answer, DUCEY, question, "kk") is None
