"""The layering the design promises, read from the imports of every module:

    prompts      imports nothing of presschat
    retrieval    the core: imports nothing of presschat but itself
    ingest       retrieval
    answer       retrieval, prompts
    evaluation   retrieval, answer
    ui           retrieval, answer, prompts (ingest only through ui.admin_operations, which
                 presschat.server fills in)
    presschat    everything: the command line and the composition point of the server

and no module imports, directly or not, a module that imports it back. Only the store imports
chromadb; only the local generator imports llama_cpp.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("prompts", "retrieval", "ingest", "answer", "evaluation", "ui", "presschat")
ALLOWED = {
    "prompts": set(),
    "retrieval": set(),
    "ingest": {"retrieval"},
    "answer": {"retrieval", "prompts"},
    "evaluation": {"retrieval", "answer"},
    "ui": {"retrieval", "answer", "prompts"},
    "presschat": set(PACKAGES),
}


def module_imports(path: Path) -> set[str]:
    """The modules a source file imports (absolute names), wherever in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports() -> dict[str, set[str]]:
    """Each module of presschat's packages and the project modules it imports."""
    paths = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    modules = {module_name(p): p for p in paths}
    return {
        name: {m for m in module_imports(path) if m in modules} for name, path in modules.items()
    }


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    """'a -> b' for each import that crosses the layering the other way."""
    found = []
    for module, imported in sorted(graph.items()):
        package = module.split(".")[0]
        for target in sorted(imported):
            other = target.split(".")[0]
            if other != package and other not in ALLOWED[package]:
                found.append(f"{module} -> {target}")
    return found


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Circles of imports between modules (each found once, from its first module)."""
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target in path:
                cycles.append(path[path.index(target) :] + [target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return cycles


def test_packages_import_only_the_layers_below_them() -> None:
    assert layering_violations(project_imports()) == []


def test_no_import_circles() -> None:
    assert import_cycles(project_imports()) == []


def test_the_checks_catch_a_forbidden_import_and_a_circle() -> None:
    graph = project_imports()
    graph["retrieval.store"] = graph["retrieval.store"] | {"answer.assistant"}
    graph["ingest.pipeline"] = graph["ingest.pipeline"] | {"ui.render"}
    assert layering_violations(graph) == [
        "ingest.pipeline -> ui.render",
        "retrieval.store -> answer.assistant",
    ]
    assert any({"retrieval.store", "answer.assistant"} <= set(c) for c in import_cycles(graph))


@pytest.mark.parametrize(
    ("library", "owner"), [("chromadb", "retrieval.store"), ("llama_cpp", "answer.local_llm")]
)
def test_one_module_imports_each_engine(library: str, owner: str) -> None:
    paths = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    users = {
        module_name(p)
        for p in paths
        if any(name.split(".")[0] == library for name in module_imports(p))
    }
    assert users == {owner}


def test_packages_stay_small() -> None:
    for package in PACKAGES:
        for folder in [ROOT / package, *(p.parent for p in (ROOT / package).rglob("*/*.py"))]:
            modules = list(folder.glob("*.py"))
            assert len(modules) <= 15, f"{folder.relative_to(ROOT)}: {len(modules)} modules"
        for path in (ROOT / package).rglob("*.py"):
            lines = len(path.read_text().splitlines())
            assert lines <= 400, f"{path.relative_to(ROOT)} has {lines} lines: split it"
