from pathlib import Path

import pytest

from retrieval.errors import ConfigError
from retrieval.settings import load_settings


def test_defaults_are_offline_and_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PRESSCHAT_DATA_DIR", "PRESSCHAT_EMBEDDER", "PRESSCHAT_CHROMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.data_dir == Path("presschat-data")
    assert settings.embedder == "e5-small"
    assert settings.chroma_host is None
    assert settings.chroma_path == Path("presschat-data/chroma")


def test_reads_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRESSCHAT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PRESSCHAT_EMBEDDER", "minilm")
    monkeypatch.setenv("PRESSCHAT_CHROMA_PORT", "9100")
    settings = load_settings()
    assert (settings.data_dir, settings.embedder, settings.chroma_port) == (
        tmp_path,
        "minilm",
        9100,
    )


def test_reads_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRESSCHAT_SEARCH_K", raising=False)
    (tmp_path / ".env").write_text("PRESSCHAT_SEARCH_K=7\n")
    assert load_settings().search_k == 7


def test_choices_are_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSCHAT_EMBEDDER_PRECISION", "INT8")
    monkeypatch.setenv("PRESSCHAT_RETRIEVAL_MODE", " Dense ")
    monkeypatch.setenv("PRESSCHAT_LLM", "Fake")
    monkeypatch.setenv("PRESSCHAT_FOLLOW_UPS", "CONTEXT")
    settings = load_settings()
    assert (settings.embedder_precision, settings.retrieval_mode) == ("int8", "dense")
    assert (settings.llm, settings.follow_ups) == ("fake", "context")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PRESSCHAT_EMBEDDER", "word2vec"),
        ("PRESSCHAT_EMBEDDER_PRECISION", "int4"),
        ("PRESSCHAT_CHROMA_PORT", "not-a-port"),
        ("PRESSCHAT_CHROMA_PORT", "70000"),
        ("PRESSCHAT_SEARCH_K", "0"),
        ("PRESSCHAT_SOURCES", "https://www.gov.kz/feed, ftp://files.example/releases"),
        ("PRESSCHAT_FETCH_DELAY", "-1"),
        ("PRESSCHAT_FETCH_MAX_BYTES", "10"),
        ("PRESSCHAT_SYNC_INTERVAL", "soon"),
        ("PRESSCHAT_USER_AGENT", "bot\nX-Injected: 1"),
        ("PRESSCHAT_RETRY_IN_SOURCE_LANGUAGE", "kk, Klingon!"),
    ],
)
def test_invalid_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        load_settings()


def test_origins_are_normalised_as_browsers_send_them() -> None:
    settings = load_settings(allowed_origins="https://Intranet.Example:443/, http://x.test:8080")
    assert settings.allowed_origins == ["https://intranet.example", "http://x.test:8080"]
    assert load_settings(allowed_hosts="a.example, b").allowed_hosts == ["a.example", "b"]


def test_web_sources_are_a_comma_separated_list_of_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSCHAT_SOURCES", "https://www.gov.kz/rss , http://x.test/sitemap.xml")
    monkeypatch.setenv("PRESSCHAT_SYNC_INTERVAL", "30")
    settings = load_settings()
    assert settings.sources == ["https://www.gov.kz/rss", "http://x.test/sitemap.xml"]
    assert settings.sync_interval == 30
    assert settings.web_state_path == settings.data_dir / "web-state.json"


def test_languages_to_ask_again_in_the_sources_language(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().retry_in_source_language == ["kk"]
    monkeypatch.setenv("PRESSCHAT_RETRY_IN_SOURCE_LANGUAGE", "Kazakh, RU ")
    assert load_settings().retry_in_source_language == ["kk", "ru"]
    monkeypatch.setenv("PRESSCHAT_RETRY_IN_SOURCE_LANGUAGE", "")
    assert load_settings().retry_in_source_language == []
