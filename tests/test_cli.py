"""The `presschat` command as a user runs it (CliRunner in-process; one real subprocess)."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from answer.assistant import Assistant
from answer.chat_models import FakeChatModel
from answer.request import read_ask_request
from ingest.pipeline import Ingestor
from presschat.cli import cli
from presschat.cli.common import counted
from presschat.cli.question_commands import _stream_answer
from retrieval.index import Index
from retrieval.settings import Settings
from retrieval.types import Hit


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRESSCHAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRESSCHAT_EMBEDDER", "fake")
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_ingest_prints_a_summary_and_json(run, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("ingest", "-q", str(data_dir / "releases"))
    assert result.exit_code == 0, result.output
    assert "added 9, updated 0, unchanged 0, removed 0, failed 0" in result.output
    again = run("ingest", "-q", "--json", str(data_dir / "releases"))
    summary = json.loads(again.stdout)
    assert (summary["unchanged"], summary["added"], summary["chunks_embedded"]) == (9, 0, 0)


def test_ingest_exits_non_zero_when_a_file_fails(run, tmp_path: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty.txt").write_text("")
    result = run("ingest", "-q", str(tmp_path / "empty.txt"), str(data_dir / "releases"))
    assert result.exit_code == 1
    assert f"failed: {tmp_path / 'empty.txt'}: file is empty" in result.stderr
    assert "added 9" in result.stdout


def test_search_with_filters_and_json(run, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", "-q", str(data_dir / "releases"))
    result = run("search", "flight Astana Tokyo", "--k", "3")
    assert result.exit_code == 0
    assert "Minister of Foreign Affairs Murat Nurtleu met the Ambassador" in result.stdout
    hits = json.loads(run("search", "water", "--lang", "ru", "--json").stdout)
    assert hits and {h["language"] for h in hits} == {"ru"}
    assert len(json.loads(run("search", "water", "-k", "2", "--json").stdout)) == 2
    dated = json.loads(
        run("search", "release", "--since", "2025-01-01", "--until", "31.08.2025", "--json").stdout
    )
    assert dated and all("2025-01-01" <= h["date"] <= "2025-08-31" for h in dated)
    bad = run("search", "x", "--since", "soon")
    assert bad.exit_code == 2 and "unrecognised date 'soon'" in bad.output


def test_search_reads_language_names_and_lists_languages(run, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", "-q", str(data_dir / "releases"))
    by_name = json.loads(run("search", "water", "--lang", "Русский", "--json").stdout)
    assert by_name and {h["language"] for h in by_name} == {"ru"}
    missing = run("search", "water", "--lang", "de")
    assert missing.exit_code == 0
    assert missing.stdout == (
        "No matching paragraphs.\n"
        "No release is in 'de'. Releases by language: en (6), ru (2), kk (1).\n"
    )
    bad = run("search", "water", "--lang", "ru1")
    assert bad.exit_code == 2 and "'ru1' is not a language" in bad.output
    later = run("search", "water", "--since", "2030-01-01")
    assert later.stdout == (
        "No matching paragraphs.\nThe releases are dated 2009-01-06 to 2025-09-12.\n"
    )


@pytest.mark.parametrize("query", ["", "   "])
def test_search_refuses_an_empty_query(run, query: str) -> None:  # type: ignore[no-untyped-def]
    result = run("search", query)
    assert result.exit_code == 2 and "error: the query is empty" in result.stderr


def test_releases_list_show_delete(run, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", "-q", str(data_dir / "releases"))
    listed = json.loads(run("releases", "list", "--json").stdout)
    assert len(listed) == 9
    dated = [r["date"] for r in listed if r["date"]]
    assert dated == sorted(dated, reverse=True)
    shown = run("releases", "show", "doj-test-1")
    assert "Tyson Foods Pleads Guilty" in shown.stdout and "[2] The worker died" in shown.stdout
    assert run("releases", "delete", "doj-test-1").exit_code == 0
    missing = run("releases", "show", "doj-test-1")
    assert missing.exit_code == 1 and "no release with id 'doj-test-1'" in missing.output
    assert len(json.loads(run("releases", "list", "--json").stdout)) == 8
    assert run("releases", "list").stdout.endswith("\n8 releases\n")


def test_counts_are_worded_in_the_singular_for_one() -> None:
    assert counted(1, "release") == "1 release"
    assert counted(2000, "release") == "2,000 releases"
    assert counted(0, "release") == "0 releases"


def test_eval_retrieval_reports_hits_and_mrr(run, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("ingest", "-q", str(data_dir / "releases"))
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {
                    "id": "q1",
                    "question": "hydrogen sulfide gas hydrolyzers worker died",
                    "lang": "en",
                    "type": "fact",
                    "gold": [{"release_id": "doj-test-1", "paragraph": 1}],
                },
                {
                    "id": "q2",
                    "question": "Сырдарья водные ресурсы",
                    "lang": "ru",
                    "type": "fact",
                    "gold": [{"release_id": "ru-test-2", "paragraph": 0}],
                },
                {"id": "q3", "question": "Nothing here", "lang": "en", "type": "null", "gold": []},
            ]
        )
        + "\n"
    )
    report = json.loads(run("eval", "retrieval", str(questions), "--json").stdout)
    assert report["overall"]["questions"] == 2
    assert report["overall"]["hits@1"] == 1.0 and report["skipped_without_gold"] == 1
    assert set(report["by_language"]) == {"en", "ru"}
    table = run("eval", "retrieval", str(questions)).stdout
    assert "overall" in table and "mrr@10" in table
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    nothing = run("eval", "retrieval", str(empty), "--json")
    assert nothing.exit_code == 1 and "no questions in the file" in nothing.output


def test_invalid_setting_fails_at_start_naming_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "PRESSCHAT_EMBEDDER": "word2vec", "PRESSCHAT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "presschat", "search", "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "PRESSCHAT_EMBEDDER" in result.stderr and "Traceback" not in result.stderr


def test_ask_json_is_the_answer_contract(
    run, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRESSCHAT_LLM", "fake")  # the fake model always answers NO_ANSWER
    run("ingest", "-q", str(data_dir / "releases"))
    result = run("ask", "What fine did Tyson Foods pay?", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["refused"] is True and answer["citations"] == []
    assert answer["answer"].startswith(
        "The press releases I have do not contain the answer to this question.\n"
        "Closest releases found:\n- Tyson Foods Pleads Guilty to OSHA Violation (2009-01-06)"
    )
    assert answer["sources"] and {"release_id", "paragraph", "text", "url", "date"} <= set(
        answer["sources"][0]
    )
    human = run("ask", "Какой штраф заплатила Tyson Foods?", "--since", "2009-01-01")
    assert "нет ответа" in human.stdout and "releases are dated" not in human.stdout
    # Filters that leave nothing to search: the refusal says what the store holds.
    unheld = run("ask", "Какой штраф заплатила Tyson Foods?", "--lang", "xx")
    assert unheld.exit_code == 0
    assert unheld.stdout.splitlines()[1:] == [
        "No release is in 'xx'. Releases by language: en (6), ru (2), kk (1)."
    ]
    later = run("ask", "What fine did Tyson Foods pay?", "--since", "2030-01-01")
    assert later.stdout.endswith("\nThe releases are dated 2009-01-06 to 2025-09-12.\n")


def test_ask_rejects_bad_history(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRESSCHAT_LLM", "fake")
    result = run("ask", "And then?", "--history", '[{"role": "robot", "content": 1}]')
    assert result.exit_code == 2 and "history.0.role: Input should be 'user'" in result.output
    missing = run("ask", "And then?", "--history", "no-such-file.json")
    assert missing.exit_code == 2 and "neither a JSON list nor a file" in missing.output


def test_openai_backend_without_url_is_a_config_error(tmp_path: Path) -> None:
    env = {**os.environ, "PRESSCHAT_LLM": "openai", "PRESSCHAT_DATA_DIR": str(tmp_path)}
    env.pop("PRESSCHAT_LLM_BASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "presschat", "ask", "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "PRESSCHAT_LLM_BASE_URL" in result.stderr


def test_serve_starts_the_web_app(tmp_path: Path, data_dir: Path) -> None:
    from tests.conftest import free_port, running_server

    env = {
        **os.environ,
        "PRESSCHAT_DATA_DIR": str(tmp_path / "data"),
        "PRESSCHAT_EMBEDDER": "fake",
        "PRESSCHAT_LLM": "fake",
    }
    subprocess.run(
        [sys.executable, "-m", "presschat", "ingest", "-q", str(data_dir / "releases")],
        env=env,
        check=True,
        timeout=120,
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "presschat", "serve", "--port", str(port)]
    with running_server(command, f"{url}/healthz", tmp_path / "serve.log", env=env):
        with urllib.request.urlopen(f"{url}/healthz") as response:
            assert json.loads(response.read())["chunks"] > 0
        with urllib.request.urlopen(url) as response:
            assert b"gradio" in response.read().lower()
        request = urllib.request.Request(
            f"{url}/api/ask",
            data=json.dumps({"question": "What is the Moon made of?"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            answer = json.loads(response.read())
        assert answer["refused"] is True and answer["citations"] == []  # the fake model refuses
    assert "chat on http://127.0.0.1" in (tmp_path / "serve.log").read_text()


def _fine_question(index: Index, settings: Settings, data_dir: Path) -> tuple[str, list[Hit], int]:
    """The test releases ingested; the fine question, its sources and the number of the one
    holding the fine."""
    Ingestor.for_index(index).ingest([data_dir / "releases"])
    question = "What fine did Tyson Foods pay for the worker death?"
    sources = index.search(question, settings.answer_sources)
    return (
        question,
        sources,
        next(n for n, h in enumerate(sources, start=1) if "$500,000" in h.text),
    )


def test_ask_shows_the_text_again_when_its_citations_were_re_pointed(
    index: Index, settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question, sources, holding = _fine_question(index, settings, data_dir)
    other = next(n for n in range(1, len(sources) + 1) if n != holding)
    model = FakeChatModel().enqueue(f"Tyson Foods agreed to pay a $500,000 fine [{other}].")
    _stream_answer(Assistant(index, model, settings), read_ask_request(question))
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == f"Tyson Foods agreed to pay a $500,000 fine [{other}]."  # as streamed
    assert shown[1:3] == [
        "With its citations checked:",
        f"Tyson Foods agreed to pay a $500,000 fine [{holding}].",
    ]
    assert shown[3].startswith(f"  [{holding}] ")
    # Then the sentence of the paragraph the answer cites it for.
    assert shown[4].startswith("      “WASHINGTON — Tyson Foods Inc. pleaded guilty")
    assert "$500,000" in " ".join(shown[4:])


def test_ask_shows_the_checked_text_when_a_sentence_was_dropped(
    index: Index, settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question, sources, holding = _fine_question(index, settings, data_dir)
    reply = (
        f"This is stated in the press release [{holding}]. "
        f"Tyson Foods agreed to pay a $500,000 fine [{holding}]."
    )
    _stream_answer(
        Assistant(index, FakeChatModel().enqueue(reply), settings), read_ask_request(question)
    )
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == reply  # as streamed
    assert shown[1:3] == [
        "With its citations checked:",
        f"Tyson Foods agreed to pay a $500,000 fine [{holding}].",
    ]


def test_ask_does_not_print_the_answer_again_for_a_marker_moved_before_the_stop(
    index: Index, settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question, sources, holding = _fine_question(index, settings, data_dir)
    reply = f"Tyson Foods agreed to pay a $500,000 fine. [{holding}]"
    model = FakeChatModel().enqueue(reply)
    answer = _stream_answer(Assistant(index, model, settings), read_ask_request(question))
    assert answer.text == f"Tyson Foods agreed to pay a $500,000 fine [{holding}]."
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == reply and "With its citations checked:" not in shown


def test_ask_says_the_streamed_text_is_not_the_answer_when_it_is_refused_after_it(
    index: Index, settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question, _, _ = _fine_question(index, settings, data_dir)
    reply = "Tyson Foods agreed to pay a $9,900,000 fine to Mesa Verde County."  # invented
    model = FakeChatModel().enqueue(reply)
    answer = _stream_answer(Assistant(index, model, settings), read_ask_request(question))
    assert answer.refused
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == reply  # streamed: a terminal cannot take it back
    assert shown[1] == "(Not an answer: the text above did not hold up against the sources.)"
    assert shown[2] == answer.text.splitlines()[0]


def test_ask_says_the_streamed_text_is_not_the_answer_when_a_sentence_is_quoted_after_it(
    index: Index, settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question, _, holding = _fine_question(index, settings, data_dir)
    reply = "Tyson Foods paid a fine for the worker death."  # no figure: fails the checks
    model = FakeChatModel().enqueue(reply, "1")  # then chooses the first sentence offered
    once = settings.model_copy(update={"retry_source_chars": 0})
    answer = _stream_answer(Assistant(index, model, once), read_ask_request(question))
    assert not answer.refused and answer.text.startswith("The press release says: “")
    assert "$500,000" in answer.text and [c.number for c in answer.citations] == [holding]
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == reply  # streamed: a terminal cannot take it back
    assert shown[1] == "(Not an answer: the text above did not hold up against the sources.)"
    assert shown[2] == answer.text


def test_ask_prints_its_own_lines_in_the_answers_language(
    index: Index, settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, sources, holding = _fine_question(index, settings, data_dir)
    question = "Какой штраф заплатила компания Tyson Foods?"
    other = next(n for n in range(1, len(sources) + 1) if n != holding)
    model = FakeChatModel().enqueue(f"Tyson Foods заплатила штраф $500,000 [{other}].")
    answer = _stream_answer(Assistant(index, model, settings), read_ask_request(question))
    shown = capsys.readouterr().out.splitlines()
    assert shown[1] == "С проверенными ссылками:"
    cited = answer.citations[0]
    assert shown[3].endswith(f", абзац {cited.paragraph + 1} — {cited.url}")
    invented = "Tyson Foods заплатила штраф $9,900,000 округу Меса-Верде."
    answer = _stream_answer(
        Assistant(index, FakeChatModel().enqueue(invented), settings), read_ask_request(question)
    )
    assert answer.refused
    shown = capsys.readouterr().out.splitlines()
    assert shown[1] == "(Это не ответ: текст выше не подтвердился источниками.)"


def test_ask_prints_a_kazakh_statement_once(
    index: Index, settings: Settings, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tried as a user (session 38): the statement said in Kazakh after the English answer was
    # printed again under "checked", though the terminal already showed it last.
    _, _, holding = _fine_question(index, settings, data_dir)
    reply = f"Tyson Foods agreed to pay a $500,000 fine [{holding}]."
    model = FakeChatModel().enqueue(reply)
    question = "Tyson Foods жұмысшының өлімі үшін қанша айыппұл төледі?"
    answer = _stream_answer(Assistant(index, model, settings), read_ask_request(question))
    assert answer.text.endswith("500 000 АҚШ доллары көлемінде айыппұл төледі [1].")
    shown = capsys.readouterr().out
    assert shown.count(answer.text) == 1 and "Сілтемелері тексерілген жауап:" not in shown
