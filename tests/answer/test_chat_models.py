"""The chat-model seam: the scripted fake is a LangChain chat model, and `stream_text` turns
any chat model's stream into text, its failures into BackendError and a stop into
GenerationStopped."""

from collections.abc import Generator, Iterator
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.outputs import ChatGenerationChunk

from answer.chat_models import (
    FakeChatModel,
    GenerationStopped,
    StopSignal,
    first_line,
    loop_start,
    model_name,
    stream_text,
)
from retrieval.errors import BackendError

HELLO = [HumanMessage("Say hello.")]


def test_the_fake_is_a_scriptable_langchain_chat_model() -> None:
    model = FakeChatModel().enqueue("Hello there, reader.")
    pieces = [chunk.content for chunk in model.stream("Say hello.")]
    assert [p for p in pieces if p] == ["Hello ", "there, ", "reader."]
    assert model.invoke(HELLO).content == "NO_ANSWER"
    assert [m.content for m in model.calls[1]] == ["Say hello."]
    assert model_name(model) == "fake"


def test_stream_text_yields_the_pieces_and_passes_the_options() -> None:
    model = FakeChatModel().enqueue("one two")
    assert list(stream_text(model, HELLO, max_tokens=8, temperature=0.5)) == ["one ", "two"]
    assert model.options == [{"max_tokens": 8, "temperature": 0.5}]


def test_a_stop_ends_the_stream_at_the_next_piece_and_closes_it() -> None:
    closed = []

    class Tracked(FakeChatModel):
        def _stream(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: CallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> Iterator[ChatGenerationChunk]:
            try:
                yield from super()._stream(messages, stop, run_manager, **kwargs)
            finally:
                closed.append(True)

    signal = StopSignal()
    pieces = stream_text(
        Tracked().enqueue("a b c d e"), HELLO, max_tokens=8, temperature=0, stop=signal
    )
    assert next(pieces) == "a "
    signal.stop("the server is shutting down")
    with pytest.raises(GenerationStopped, match="the server is shutting down"):
        next(pieces)
    assert closed == [True], "the model's own stream must be closed, not left suspended"
    with pytest.raises(GenerationStopped):
        first_line(stream_text(FakeChatModel(), HELLO, max_tokens=8, temperature=0, stop=signal))


def test_any_failure_of_a_chat_model_is_a_backend_error() -> None:
    model = FakeChatModel().enqueue(RuntimeError("the GPU caught fire"))
    with pytest.raises(BackendError, match="the LLM fake failed: the GPU caught fire"):
        first_line(stream_text(model, HELLO, max_tokens=8, temperature=0))


def test_backend_errors_of_a_model_pass_unchanged() -> None:
    model = FakeChatModel().enqueue(BackendError("cannot reach the LLM at http://127.0.0.1:9"))
    with pytest.raises(BackendError, match=r"^cannot reach the LLM at http://127.0.0.1:9$"):
        first_line(stream_text(model, HELLO, max_tokens=8, temperature=0))


def test_a_reply_stuck_in_a_loop_is_cut_where_the_loop_starts() -> None:
    # Seen from the default model on Kazakh questions.
    words = "Айс, 2009-жылдын күнінде, " + "жерінде " * 6
    assert loop_start(words) == len("Айс, 2009-жылдын күнінде,")
    markers = "Ричард Остин 24 ай [1]. " + "[1] [2][3] " * 4
    assert loop_start(markers) == len("Ричард Остин 24 ай [1].")
    # Caught at whatever token it has reached, even in the middle of a copy.
    assert loop_start(markers + "[1] [2") == len("Ричард Остин 24 ай [1].")
    # Never in the middle of a word ("... жана жан|а жоопында жоопында ...").
    drifting = "30 месекти жана тарихында жана жана " + "жоопында " * 6
    assert loop_start(drifting) == len("30 месекти жана тарихында жана ")
    # A clause repeated three times (doj_dev's dev-030 in Kazakh, session 25: it ran on until
    # the token limit and was shown).
    clause = "жерінде мемлекеттік Setar телекоммуникация компаниясының қызметкері болуп, 2005-2016 "
    assert loop_start("Күлман, 49-летін " + clause * 3 + "жері") == len("Күлман, 49-летін")
    assert loop_start("Күлман, 49-летін " + clause * 2 + "жері") is None
    # Not a loop: too few copies, too short a run, or a number.
    assert loop_start("Ричард Остин 24 ай [1]. " + "[1] [2][3] " * 3) is None
    assert loop_start("He said no, no, no, no. [1]") is None
    assert loop_start("They paid $1,000,000,000,000,000 [1].") is None
    assert loop_start("He was sentenced to 24 months in prison [1][2].") is None
    assert loop_start("") is None


def test_a_list_item_repeating_an_earlier_one_is_cut_where_it_starts() -> None:
    # presschat_dev's pc-025 (session 29): the same item three times, numbered and cited anew.
    first = "1. - 5 liens [1]\n"
    assert loop_start(first + "2. - 5 liens [1]\n") == len(first)
    assert loop_start(first + "2. - 5 liens [3].\n") == len(first)
    # pc-010: a long item caught once its first 80 characters repeat, before it ends.
    item = (
        "20 airlines and 17 executives had already admitted price fixing, or signed deals to do"
        " so, in the air transportation probe [1]."
    )
    copy = f"2. {item[:85]}"
    assert loop_start(f"1. {item}\n{copy}") == len(f"1. {item}\n")
    assert loop_start(f"1. {item}\n{copy[:70]}") is None  # too little of it yet
    # Not copies: different items, an item too short to tell, one line, a blank line.
    assert loop_start(first + "2. - 7 liens [1]\n") is None
    assert loop_start("1. Yes\n2. Yes\n") is None
    assert loop_start("- 5 liens [1]\n") is None
    assert loop_start(first + "\n") is None


def test_first_line_stops_the_model_at_the_end_of_the_first_line_or_a_loop() -> None:
    written: list[str] = []

    def model(*pieces: str) -> Generator[str, None, None]:
        for piece in pieces:
            written.append(piece)
            yield piece

    line = model("\n ", "Who pleaded ", "guilty in Kansas?\n", "Explanation: ", "the asker ...")
    assert first_line(line) == "Who pleaded guilty in Kansas?"
    assert written[-1] == "guilty in Kansas?\n", "no more is asked of the model"
    assert line.gi_frame is None, "the model's stream is closed"
    written.clear()
    loop = model("What ", *["fine "] * 12, "and more")
    assert first_line(loop) == "What"
    assert "and more" not in written
    assert first_line(model("Who ", "pleaded?")) == "Who pleaded?"
