"""Data flows one way: no module imports one further down the flow (DESIGN §1).

sources → mapping → build (+ validation, + derivation) → store → queries → gaps → reports, with the
orchestration (:mod:`policygraph.pipeline`) above build and store and imported only by the
command line and the package's public API.
"""

from __future__ import annotations

import ast
from pathlib import Path

import policygraph

PACKAGE = Path(policygraph.__file__).parent

#: Position of each module in the flow; a module may import modules at its own position or before.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "iris", "namespaces", "resources", "datafiles", "wording", "progress", "frames"),
    ("sources", "national"),
    ("mapping", "cube", "territory"),
    ("build", "validation", "shacl", "derive", "status", "gaptable", "regionnames"),
    ("store",),
    ("queries",),
    ("gaps", "asof", "timeline", "compare", "stats", "export", "push"),
    ("reports",),
    ("serve", "querypage", "resultcache"),
    ("pipeline", "docimport"),
    ("cli", "__main__", "__init__", "api"),
]


def _layer(module: str) -> int:
    head = module.removeprefix("policygraph.").split(".")[0] or "__init__"
    for index, names in enumerate(LAYERS):
        if head in names:
            return index
    raise AssertionError(f"module {module} is in no layer of the data flow; add it to LAYERS")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        found.append((f"policygraph.{name}" if name != "__init__" else "policygraph", path))
    return found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "policygraph":
                names.update(f"policygraph.{alias.name}" for alias in node.names)
            elif node.module.startswith("policygraph."):
                names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("policygraph."))
    return names


def test_every_module_is_placed_in_the_flow() -> None:
    modules = _modules()
    assert len(modules) > 20
    for name, _ in modules:
        if name != "policygraph":
            _layer(name)


def test_no_module_imports_one_further_down_the_flow() -> None:
    offences = []
    for name, path in _modules():
        mine = len(LAYERS) - 1 if name == "policygraph" else _layer(name)
        for imported in _imports(path):
            if imported == "policygraph.__version__":
                continue
            if _layer(imported) > mine:
                offences.append(f"{name} imports {imported}")
    assert offences == []


def test_the_store_neither_builds_nor_validates() -> None:
    for name, path in _modules():
        if name.startswith("policygraph.store"):
            imported = _imports(path)
            assert not {i for i in imported if i.split(".")[1] in ("build", "validation", "derive")}
