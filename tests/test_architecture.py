"""The layers hold: ``ui, cli -> (services, core) -> (store, io, nlp) -> domain``, imports only
flow down, and no module imports another that (directly or not) imports it back, not even from
inside a function. Read from the source with ``ast``, so deferred imports count too; imports
under ``if TYPE_CHECKING:`` do not (they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"

# Each package of annotator and the packages below it that it may import.
MAY_IMPORT = {
    "domain": set(),
    "store": {"domain"},
    "io": {"domain"},
    "nlp": {"domain"},
    "core": {"domain", "store", "io", "nlp"},
    "services": {"domain", "store", "io", "nlp", "core"},
    "cli": {"domain", "store", "io", "nlp", "core", "services"},
    "ui": {"domain", "store", "io", "nlp", "core", "services"},
}
# The one edge between the two top packages: the ``gui`` verb starts the window (the composition
# root). The window never imports the CLI.
COMPOSITION_ROOT = {("annotator.cli.gui", "annotator.ui.app")}
# Third-party packages only one of our packages may import.
OWNED = {"PySide6": "ui", "spacy": "nlp", "sqlite3": "store", "sqlite_utils": "store",
         "click": "cli"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, modules: set[str]) -> set[str]:
    """Every module imported anywhere in ``tree`` except under ``if TYPE_CHECKING``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from annotator.x import y` imports module annotator.x.y when there is one
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if f"{node.module}.{a.name}" in modules)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(ast.parse(p.read_text(encoding="utf-8")), modules)
            for p in paths}


GRAPH = _graph()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "annotator" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in MAY_IMPORT else None


def test_the_graph_was_read():
    """Guard against a vacuous pass: the parser sees our modules and their imports."""
    assert "annotator.core.session" in GRAPH and "annotator.ui.main_window" in GRAPH
    assert "annotator.store" in GRAPH["annotator.core.session"]
    assert "PySide6.QtWidgets" in GRAPH["annotator.ui.main_window"]


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_only_flow_down_the_layers(module: str):
    layer = _layer(module)
    if layer is None:
        return
    wrong = sorted(target for target in GRAPH[module]
                   if (other := _layer(target)) is not None and other != layer
                   and other not in MAY_IMPORT[layer] and (module, target) not in COMPOSITION_ROOT)
    assert not wrong, f"{module} ({layer}) imports from layers above or beside it: {wrong}"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_qt_spacy_and_sqlite_stay_in_their_package(module: str):
    layer = _layer(module)
    wrong = sorted(target for target in GRAPH[module]
                   if (owner := OWNED.get(target.split(".")[0])) is not None and owner != layer)
    assert not wrong, f"{module} imports {wrong}, which only their own package may import"


def test_no_import_cycles_even_deferred_ones():
    """Tarjan's strongly connected components over our own modules; a package's __init__ counts
    as importing what it imports."""
    edges = {m: {t for t in targets if t in GRAPH and t != m} for m, targets in GRAPH.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def strongconnect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                strongconnect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            strongconnect(node)
    assert not cycles, f"import cycles: {cycles}"


def test_the_core_runs_without_qt():
    """Nothing the core imports, directly or not, imports PySide6: its undo and redo tests run
    without a QApplication."""
    seen: set[str] = set()
    todo = [m for m in GRAPH if m.startswith("annotator.core")]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo += [t for t in GRAPH.get(module, ()) if t in GRAPH]
    qt = sorted(m for m in seen if any(t.startswith("PySide6") for t in GRAPH[m]))
    assert not qt, f"the core reaches Qt through {qt}"
