"""Citations re-pointed by the facts each answer sentence states."""

import pytest

from answer import grounding
from answer.attribution import attribute_citations, resolve_citations, with_quotes
from answer.grounding import Facts
from tests.factories import make_hit

TRADE = make_hit(
    "seed",
    2,
    title="Kazakhstan and Tajikistan foreign ministers meet in Dushanbe",
    text="The ministers emphasized the importance of taking practical steps to achieve the goal "
    "of increasing bilateral trade turnover to 2 billion US dollars in the coming years. In this "
    "context, Kazakhstan expressed its readiness to expand supplies of agricultural products, "
    "food industry goods, and machinery to the Tajik market by 200 million US dollars.",
)
REGION = make_hit(
    "seed",
    3,
    title="Kazakhstan and Tajikistan foreign ministers meet in Dushanbe",
    text="The interlocutors stressed the necessity of further developing regional cooperation, "
    "as well as joint efforts to strengthen peace and stability in Central Asia. This includes "
    "cooperation within the framework of the Consultative Meetings of the Heads of Central "
    "Asian States, the International Fund for Saving the Aral Sea, SCO, CIS, CSTO.",
)
FINE = make_hit(
    "doj-1",
    0,
    title="Tyson Foods pleads guilty to OSHA violation",
    text="Tyson Foods Inc. pleaded guilty and agreed to pay a $500,000 fine for the death of a "
    "worker at its Hutchinson, Kansas, plant.",
)
SOURCES = [TRADE, REGION, FINE]


def test_a_cited_source_without_the_sentences_facts_is_dropped() -> None:
    result = attribute_citations(
        "Kazakhstan and Tajikistan aim to raise trade turnover to 2 billion US dollars [1][2].",
        SOURCES,
    )
    assert result.text.endswith("2 billion US dollars [1].")
    assert (result.supported, result.unsupported) == (1, 0)


def test_a_citation_to_the_wrong_paragraph_is_re_pointed() -> None:
    result = attribute_citations(
        "Kazakhstan will expand supplies to the Tajik market by $200 million [2].", SOURCES
    )
    assert result.text == "Kazakhstan will expand supplies to the Tajik market by $200 million [1]."


def test_the_prompts_placeholder_is_no_marker_of_the_checked_answer() -> None:
    result = attribute_citations(
        "Kazakhstan will expand supplies to the Tajik market by 200 million US dollars. [n] [1]",
        SOURCES,
    )
    assert result.text.endswith("by 200 million US dollars [1].")


def test_a_sentence_without_markers_gets_the_source_that_holds_it() -> None:
    result = attribute_citations("Tyson Foods agreed to pay a $500,000 fine.", SOURCES)
    assert result.text == "Tyson Foods agreed to pay a $500,000 fine [3]."


def test_facts_from_two_paragraphs_cite_both() -> None:
    result = attribute_citations(
        "They aim for 2 billion US dollars of trade and work together in the SCO and CSTO [1].",
        SOURCES,
    )
    assert "[1][2]" in result.text


def test_a_sentence_that_several_cited_paragraphs_hold_cites_the_one_holding_most() -> None:
    again = make_hit(
        "doj-1",
        4,
        title="Tyson Foods pleads guilty to OSHA violation",
        text="The $500,000 fine is the maximum for the violation.",
    )
    result = attribute_citations(
        "Tyson Foods agreed to pay a $500,000 fine [1][2].", [again, FINE], "What fine?"
    )
    assert result.text == "Tyson Foods agreed to pay a $500,000 fine [2]."
    # The model's order where they hold it alike.
    result = attribute_citations("The fine was $500,000 [2][1].", [FINE, FINE])
    assert result.text == "The fine was $500,000 [2]."


def test_an_invented_figure_keeps_no_citation_and_is_counted() -> None:
    result = attribute_citations(
        "The ministers agreed on a space programme worth $75 million with NASA [1].", SOURCES
    )
    assert "[" not in result.text
    assert (result.supported, result.unsupported) == (0, 1)
    assert result.invented


def test_an_answer_opening_with_an_invented_figure_is_invented_whatever_follows() -> None:
    # Seen on pc-210 (session 24): "received 15 years" (no source holds 15), then a sentence
    # a source holds; the answer passed with the figure uncited.
    question = "What fine did Tyson Foods pay?"
    plant = "It pleaded guilty over the death of a worker at its Hutchinson, Kansas, plant [3]."
    invented_first = attribute_citations(
        f"Tyson Foods paid a $900,000 fine [3]. {plant}", SOURCES, question
    )
    assert (invented_first.supported, invented_first.unsupported) == (1, 1)
    assert invented_first.invented
    # The answer first, then an invented aside: the aside loses its citation, the answer stays.
    answered_first = attribute_citations(
        "Tyson Foods paid a $500,000 fine [3]. It also paid $900,000 to the family [3].",
        SOURCES,
        question,
    )
    assert (answered_first.supported, answered_first.unsupported) == (1, 1)
    assert not answered_first.invented


def test_a_sentence_that_only_words_things_its_own_way_is_left_as_written() -> None:
    # No source has these words, but it names no figure or party they lack: not invented.
    result = attribute_citations("Yes, both reports agree on that point [1].", SOURCES)
    assert result.text == "Yes, both reports agree on that point [1]."
    assert (result.supported, result.unsupported) == (0, 0)


def test_a_russian_answer_over_english_sources_is_checked_by_its_numbers() -> None:
    result = attribute_citations(
        "Казахстан готов расширить поставки на 200 миллионов долларов [2].", SOURCES
    )
    assert result.text == "Казахстан готов расширить поставки на 200 миллионов долларов [1]."


def test_a_sentence_with_nothing_to_check_keeps_the_models_markers() -> None:
    result = attribute_citations("Yes, that is so [2].", SOURCES)
    assert result.text == "Yes, that is so [2]."
    assert (result.supported, result.unsupported) == (0, 0)


def test_markers_written_after_the_full_stop_belong_to_the_sentence_before() -> None:
    result = attribute_citations(
        "Tyson Foods paid a $500,000 fine. [3] The plant is in Hutchinson, Kansas. [3]", SOURCES
    )
    assert result.text == (
        "Tyson Foods paid a $500,000 fine [3]. The plant is in Hutchinson, Kansas [3]."
    )


def test_lines_and_list_numbers_survive() -> None:
    result = attribute_citations(
        "Two things:\n1. Trade turnover of 2 billion US dollars [2].\n2. The SCO and CSTO [1].",
        SOURCES,
    )
    assert result.text.split("\n") == [
        "Two things:",
        "1. Trade turnover of 2 billion US dollars [1].",
        "2. The SCO and CSTO [2].",
    ]


def test_grouped_markers_are_checked_like_single_ones() -> None:
    result = attribute_citations("The fine was $500,000 [2, 3].", SOURCES)
    assert (result.text, result.supported) == ("The fine was $500,000 [3].", 1)


def test_numbered_lists_keep_their_numbers_and_citations() -> None:
    result = attribute_citations(
        "Tyson Foods:\n1. Pleaded guilty [3].\n2. Agreed to pay a fine [3].", SOURCES
    )
    assert result.text == "Tyson Foods:\n1. Pleaded guilty [3].\n2. Agreed to pay a fine [3]."
    assert (result.supported, result.unsupported) == (2, 0)


def test_scaled_decimals_match_the_written_out_figure() -> None:
    penalty = make_hit("doj-2", 1, text="The company will pay $4,100,000 to settle the claims.")
    for answer in ("It will pay a $4.1 million penalty [1].", "Штраф составит 4,1 млн долларов."):
        assert attribute_citations(answer, [penalty]).supported == 1


def test_a_number_word_before_a_scale_is_the_scaled_figure() -> None:
    oil = make_hit("doj-4", 3, text="As a result, over three million gallons had to be burned.")
    for answer in ("Over 3 million gallons were burned [1].", "3 миллионнан астам галлон [1]."):
        assert attribute_citations(answer, [oil]).supported == 1
    assert attribute_citations("Over 3 gallons were burned [1].", [oil]).supported == 0


def test_hyphenated_number_words_are_figures() -> None:
    sources = [
        make_hit("doj-3", 1, text="The company hauled grease from restaurants in Mobile."),
        make_hit("doj-3", 2, text="A forty-three count indictment was returned against it."),
    ]
    result = attribute_citations("The company faces a 43 count indictment [1].", sources)
    assert result.text == "The company faces a 43 count indictment [2]."


def test_a_source_in_another_script_is_not_taken_as_evidence_against_a_sentence() -> None:
    russian = make_hit("ru-1", 0, text="Министры обсудили торговлю и транспорт.")
    result = attribute_citations(
        "Министры подчеркнули важность сотрудничества в Центральной Азии [1].", [REGION, russian]
    )
    assert result.text.endswith("[1].") and result.unsupported == 0


def test_an_abbreviation_ending_the_sentence_keeps_its_stop_before_the_marker() -> None:
    # Seen on dev-001 (session 25): "... owned by Robert Moore Sr [4].."
    owner = make_hit("doj-9", 10, title="Seafood", text="The firm is owned by Robert Moore Sr.")
    result = attribute_citations("The firm is owned by Robert Moore Sr. [1].", [owner])
    assert result.text == "The firm is owned by Robert Moore Sr. [1]."


def test_markers_do_not_move_across_an_abbreviation() -> None:
    result = attribute_citations("The U.S. [3] Attorney said Tyson Foods paid a fine.", SOURCES)
    assert result.text == "The U.S. Attorney said Tyson Foods paid a fine [3]."


def test_a_sentence_whose_facts_two_paragraphs_share_between_them_cites_both() -> None:
    deere = make_hit("d", 0, text="Deere sells its ExactEmerge high-speed planting system.")
    planting = make_hit("d", 1, text="Precision Planting sells its SpeedTube planting system.")
    other = make_hit("d", 2, text="The acquisition would have combined the two providers.")
    result = attribute_citations(
        "They are called ExactEmerge and SpeedTube. [1], [2], [3]",
        [deere, planting, other],
        "What are the planting systems sold by Deere and by Precision Planting called?",
    )
    assert result.text == "They are called ExactEmerge and SpeedTube [1][2]."


def test_a_sentence_that_only_points_at_the_sources_is_dropped() -> None:
    result = attribute_citations(
        "Tyson Foods agreed to pay a $500,000 fine [3]. This is stated in paragraph 1 of the "
        "press release [3].",
        SOURCES,
    )
    assert result.text == "Tyson Foods agreed to pay a $500,000 fine [3]."
    # Seen on dev-001 (session 25): its two markers cited paragraphs beside the gold one.
    result = attribute_citations(
        "Tyson Foods agreed to pay a $500,000 fine [3]. This is stated in the release [1] and [2].",
        SOURCES,
    )
    assert result.text == "Tyson Foods agreed to pay a $500,000 fine [3]."
    for pointer in (
        # Seen on presschat_dev (session 26's replies): pc-006, pc-079, pc-148.
        "This amount is cited in [1] and [2].",
        "This amount is cited [1][2].",
        "This can be found in both [1] and [2].",
        "Это указывается в [1] и [2].",
        # pc-044 (session 29): the release named by its title and date.
        "This information is found in the Tyson Foods pleads guilty to OSHA violation [3].",
        "This is stated in Tyson Foods Pleads Guilty to OSHA Violation (2014-02-06) [3].",
        # The bundled example (session 31): padding after "stated in the release".
        "This is stated in the release during a working visit to Dushanbe, where Nurtleu "
        "emphasized the importance of trade [3].",
        # dev-013 (session 31): the release by its title, then what "both quote".
        "Tyson Foods Pleads Guilty to OSHA Violation (2014-02-06), paragraph 5, and the same "
        "release, paragraph 4, both quote this information [3][1].",
        # Saying the sources do not state it, and what the model "infers" (pc-209, pc-184).
        "The amount is not explicitly stated in the sources, but it can be inferred from [1].",
        "The press release does not specify the amount [3].",
        "Конкретная сумма не указана в тексте [3].",
        "Нақты сома релизде көрсетілмеген [3].",
    ):
        result = attribute_citations(f"Tyson Foods paid a $500,000 fine [3]. {pointer}", SOURCES)
        assert result.text == "Tyson Foods paid a $500,000 fine [3].", pointer
    # A sentence that states something is kept.
    reply = "Tyson Foods paid a $500,000 fine [3]. The fine is cited as the largest [3]."
    assert attribute_citations(reply, SOURCES).text == reply
    reply = "Tyson Foods pleads guilty to OSHA violation, the release says [3]."
    assert attribute_citations(reply, SOURCES).text == reply
    for reply in (
        "Tyson Foods paid a $500,000 fine [3]. No executive was charged or named [3].",
        "Tyson Foods paid a $500,000 fine [3]. Its owners were not directly involved [3].",
        "Tyson Foods заплатила штраф [3]. Компания не сообщала о гибели рабочего [3].",
    ):
        assert attribute_citations(reply, SOURCES).text == reply


def test_a_marker_alone_on_its_line_is_dropped() -> None:
    # Seen on Kazakh dev answers (pc-165, pc-167, session 25): a blank line, then "[3]".
    result = attribute_citations("Tyson Foods agreed to pay a $500,000 fine [3].\n\n[1]", SOURCES)
    assert result.text.rstrip() == "Tyson Foods agreed to pay a $500,000 fine [3]."
    assert [c.number for c in resolve_citations(result.text, SOURCES)[1]] == [3]


def test_padding_after_a_pointer_to_the_press_release_is_dropped_with_it() -> None:
    # The default model's habit: the answer, then where it was "emphasized" with a loosely
    # related fact from another paragraph, which would otherwise be cited too.
    result = attribute_citations(
        "They aim for a trade turnover of 2 billion US dollars [1]. This is emphasized in the "
        "press release [1] and confirmed by the joint efforts to strengthen peace and stability "
        "in Central Asia.",
        SOURCES,
    )
    assert result.text == "They aim for a trade turnover of 2 billion US dollars [1]."


def test_a_sentence_that_states_a_fact_about_a_release_is_kept() -> None:
    result = attribute_citations(
        "The fine was announced in Hutchinson, Kansas [3].", SOURCES, "Where was the fine paid?"
    )
    assert result.text == "The fine was announced in Hutchinson, Kansas [3]."


SENTENCED = make_hit(
    "doj-2",
    1,
    title="Houston doctor sentenced for Medicare fraud",
    text="Dr. Jane Roe, 52, of Houston, was convicted in May 2012 of health care fraud. "
    "Judge Lee Smith sentenced her today to 120 months in prison.\nShe was also ordered to pay "
    "$2.1 million in restitution. Roe billed Medicare for tests never performed.",
)


def _quotes(answer: str, question: str = "", sources: list = SOURCES) -> dict[int, str]:  # type: ignore[type-arg]
    text, citations = resolve_citations(answer, sources)
    return {c.number: c.quote for c in with_quotes(text, citations, question)}


def test_a_citation_quotes_the_sentence_that_holds_the_answer() -> None:
    quotes = _quotes(
        "Kazakhstan is ready to expand supplies by 200 million US dollars [1].",
        "By how much will Kazakhstan expand supplies to Tajikistan?",
    )
    assert quotes == {1: TRADE.text[TRADE.text.index("In this context") :]}
    quotes = _quotes(  # the name is in the sentence before, but it is the question's
        "Jane Roe was sentenced to 120 months [1].",
        "What sentence did Jane Roe get?",
        [SENTENCED],
    )
    assert quotes == {1: "Judge Lee Smith sentenced her today to 120 months in prison."}


def test_two_sentences_are_quoted_only_when_the_second_adds_to_the_answer() -> None:
    quotes = _quotes(
        "Roe got 120 months and must repay $2.1 million [1].", "What did Roe get?", [SENTENCED]
    )
    assert quotes[1] == (
        "Judge Lee Smith sentenced her today to 120 months in prison.\nShe was also ordered to "
        "pay $2.1 million in restitution."
    )


def test_each_citation_quotes_for_the_first_sentence_citing_it() -> None:
    quotes = _quotes(
        "The ministers aim for trade of 2 billion US dollars [1]. They also work together in "
        "the SCO and CSTO [2]. This matters for Kazakhstan's supplies to the Tajik market [1].",
    )
    assert quotes[1].startswith("The ministers emphasized") and quotes[1].endswith("years.")
    assert quotes[2].startswith("This includes cooperation")


def test_no_quote_where_no_sentence_holds_the_answer() -> None:
    assert _quotes("The weather was mild [3].") == {3: ""}


def test_markers_that_open_a_sentence_go_to_its_end() -> None:
    # The model's run-on: the markers had been pulled back onto the sentence before, leaving
    # "... in Dushanbe. indicate that they stressed ..." to the reader.
    result = attribute_citations(
        "The ministers met in Dushanbe. [1] and [2] indicate that they stressed regional "
        "cooperation in the SCO and CSTO.",
        SOURCES,
    )
    first, second = result.text.split(". ", 1)
    assert first.startswith("The ministers met in Dushanbe")  # with the title's source, [1]
    assert second == "They stressed regional cooperation in the SCO and CSTO [2]."


def test_a_marker_opening_the_answer_goes_to_the_sentences_end() -> None:
    result = attribute_citations(
        "[3] states that Tyson Foods agreed to pay a $500,000 fine.", SOURCES
    )
    assert result.text == "Tyson Foods agreed to pay a $500,000 fine [3]."


def test_according_to_a_marker_is_dropped_with_the_marker_kept() -> None:
    assert (
        attribute_citations(
            "According to [3], Tyson Foods agreed to pay a $500,000 fine.", SOURCES
        ).text
        == "Tyson Foods agreed to pay a $500,000 fine [3]."
    )
    assert (
        attribute_citations("Согласно [1], Казахстан готов расширить поставки.", SOURCES).text
        == "Казахстан готов расширить поставки [1]."
    )
    # Nothing to check in it (Russian words, English sources): the markers it had stay too.
    text = "Согласно [1], Казахстан готов расширить поставки [2]."
    assert attribute_citations(text, SOURCES).text == "Казахстан готов расширить поставки [1][2]."


def test_markers_after_a_stop_still_join_the_sentence_before() -> None:
    result = attribute_citations(
        "Tyson Foods agreed to pay a $500,000 fine. [3] The plant is in Kansas.", SOURCES
    )
    assert result.text.startswith("Tyson Foods agreed to pay a $500,000 fine [3]. The plant")


@pytest.mark.parametrize(
    "lead_in",
    [
        "The sources indicate that ",
        "The sources [1], [2], and [3] all confirm this, stating that ",
        "According to the sources, ",
        "The press release states that ",
        "In [3], ",
    ],
)
def test_a_lead_in_naming_the_sources_is_dropped(lead_in: str) -> None:
    reply = f"{lead_in}Tyson Foods agreed to pay a $500,000 fine."
    assert (
        attribute_citations(reply, SOURCES).text == "Tyson Foods agreed to pay a $500,000 fine [3]."
    )


def test_a_lead_in_after_yes_or_no_is_dropped_and_the_yes_kept() -> None:
    # Tried as a user (session 28): "Did Nurtleu visit Dushanbe?" got "Yes, indicate that
    # ... Murat Nurtleu, did visit Dushanbe [1][2][3]." (the markers had gone, the verb stayed).
    reply = "Yes, [1], [2] and [3] indicate that Tyson Foods agreed to pay a $500,000 fine."
    assert attribute_citations(reply, SOURCES).text == (
        "Yes, Tyson Foods agreed to pay a $500,000 fine [3]."
    )
    reply = "Yes, [3] indicates that the company agreed to pay a $500,000 fine."
    assert attribute_citations(reply, SOURCES).text == (
        "Yes, the company agreed to pay a $500,000 fine [3]."
    )
    reply = "Нет, согласно [3], Tyson Foods не платила 900 долларов."
    assert attribute_citations(reply, SOURCES).text.startswith("Нет, Tyson Foods не платила")


def test_a_lead_in_naming_someone_else_stays() -> None:
    reply = "According to the police, Tyson Foods agreed to pay a $500,000 fine."
    assert attribute_citations(reply, SOURCES).text == f"{reply[:-1]} [3]."


def test_a_sentence_saying_only_that_the_sources_confirm_it_is_dropped() -> None:
    reply = (
        "Tyson Foods agreed to pay a $500,000 fine. The sources [1] and [3] confirm this "
        "information."
    )
    assert (
        attribute_citations(reply, SOURCES).text == "Tyson Foods agreed to pay a $500,000 fine [3]."
    )


@pytest.mark.parametrize(
    "ending",
    [", as [3] shows.", ", according to the sources [3].", " as stated in [3].", " in [3]."],
)
def test_a_closing_clause_naming_the_sources_is_dropped(ending: str) -> None:
    reply = f"Tyson Foods agreed to pay a $500,000 fine{ending}"
    expected = "Tyson Foods agreed to pay a $500,000 fine [3]."
    assert attribute_citations(reply, SOURCES).text == expected
    # Others stay: "in Texarkana", "according to court documents".
    kept = "Tyson Foods agreed to pay a $500,000 fine according to court documents."
    assert attribute_citations(kept, SOURCES).text == f"{kept[:-1]} [3]."


def test_a_word_ending_in_in_or_as_before_a_marker_is_no_closing_clause() -> None:
    # Seen in the web chat: "... Sirojiddin Muhriddin [2]." was shown as "... Muhridd [2].".
    meeting = make_hit(
        "seed", 0, text="Murat Nurtleu met the Minister Sirojiddin Muhriddin in Dushanbe."
    )
    for name in ("Sirojiddin Muhriddin", "the plant in Kansas", "Alas"):
        reply = f"Murat Nurtleu met {name} [1]."
        assert attribute_citations(reply, [meeting]).text == reply


def test_a_pointer_sentence_is_dropped_before_its_closing_clause_is() -> None:
    # Dropping "in [1] and [3]" first would leave "This is stated [1][3]." to the reader.
    reply = "Tyson Foods agreed to pay a $500,000 fine. This is stated in [1] and [3]."
    expected = "Tyson Foods agreed to pay a $500,000 fine [3]."
    assert attribute_citations(reply, SOURCES).text == expected


def test_a_name_the_question_writes_in_cyrillic_needs_no_source_of_its_own() -> None:
    # The Kazakh bundled-example question (session 39): "Tajikistan" is the question's
    # "Тәжікстан"; the paragraph stating the turnover writes only "Tajik", and the stability
    # paragraph was cited beside it for the name.
    turnover = make_hit(
        "seed",
        2,
        title="Nurtleu meets his counterpart in Dushanbe",
        text="The ministers set the goal of increasing bilateral trade turnover to 2 billion US "
        "dollars. Kazakhstan will expand supplies to the Tajik market.",
    )
    stability = make_hit(
        "seed", 4, title=turnover.title, text="Kazakhstan values Tajikistan's efforts for peace."
    )
    answer = "Kazakhstan and Tajikistan aim for a trade turnover of 2 billion US dollars [1]."
    kazakh = "Қазақстан мен Тәжікстан қандай тауар айналымын көздейді?"
    result = attribute_citations(answer, [turnover, stability], kazakh)
    assert result.text == answer
    # Asked without naming Tajikistan, the name is the answer's own: both paragraphs cited.
    assert attribute_citations(
        answer, [turnover, stability], "What turnover is aimed for?"
    ).text == ("Kazakhstan and Tajikistan aim for a trade turnover of 2 billion US dollars [1][2].")


def test_an_opening_question_word_is_not_heard_as_a_name_of_the_answer() -> None:
    text = "The court sentenced Kim Jones to 10 years [1]."
    facts = Facts.of(text)
    assert grounding.unheard(facts, text, "Кім сотталды?") == facts  # "кім", who
    heard = grounding.unheard(facts, text, "Ким Джонс қанша жылға сотталды?")
    assert facts.names - heard.names == {("latin", "kim"), ("latin", "jones")}
