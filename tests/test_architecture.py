"""The layering the design promises: ingest/ and ui/ depend on retrieval/ and prompts/, never on
each other; only the store imports chromadb."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def test_retrieval_depends_only_on_prompts() -> None:
    for module, names in _imports("retrieval").items():
        assert not _top(names) & {"ingest", "ui", "presschat"}, module
    for module, names in _imports("prompts").items():
        assert not _top(names) & {"retrieval", "ingest", "ui", "presschat"}, module


def test_ingest_does_not_import_ui_or_the_cli() -> None:
    for module, names in _imports("ingest").items():
        assert not _top(names) & {"ui", "presschat"}, module


def test_ui_does_not_import_ingest_or_the_cli() -> None:
    for module, names in _imports("ui").items():
        assert not _top(names) & {"ingest", "presschat"}, module


def test_only_the_store_imports_chromadb() -> None:
    users = {
        m
        for pkg in ("retrieval", "ingest", "presschat")
        for m, names in _imports(pkg).items()
        if "chromadb" in _top(names)
    }
    assert users == {"retrieval/store.py"}


def test_only_the_local_generator_imports_llama_cpp() -> None:
    users = {
        m
        for pkg in ("retrieval", "ingest", "presschat", "prompts")
        for m, names in _imports(pkg).items()
        if "llama_cpp" in _top(names)
    }
    assert users == {"retrieval/local_llm.py"}
