"""A plain `pip install .` brings everything the code imports: each third-party module imported
anywhere in annotator/ (at the top of a module or inside a function) comes from a distribution
pyproject.toml declares, not from one that happens to arrive as another package's dependency."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Modules our code needs at run time without importing them itself, and why.
INDIRECT = {
    # trafilatura -> justext -> lxml.html.clean, which is this package since lxml 5.2; justext
    # asks for it as lxml[html_clean], an extra the pip of Python 3.11's venv does not match.
    "lxml_html_clean": "trafilatura",
}


def normalise(name: str) -> str:
    """PEP 503 name normalisation: case and runs of -_. do not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    return {normalise(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r).group()) for r in requirements}


def imported_modules(folder: Path) -> dict[str, str]:
    """Top-level modules imported by absolute imports under ``folder``: module -> one file."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def third_party(modules: dict[str, str]) -> dict[str, str]:
    # e.g. tests/store/project_files, bench/preannotate (benchmarks share their generators)
    helpers = {p.stem for folder in ("tests", "bench") for p in (ROOT / folder).rglob("*.py")}
    ours = {"annotator", "__future__", "tests", "tools", "conftest", *helpers}
    return {m: f for m, f in modules.items()
            if m not in sys.stdlib_module_names and m not in ours}


def undeclared(modules: dict[str, str], declared: set[str]) -> dict[str, object]:
    providers = importlib.metadata.packages_distributions()
    out: dict[str, object] = {}
    for module, where in sorted(modules.items()):
        dists = {normalise(d) for d in providers.get(module, [])}
        if not dists & declared:
            out[module] = (where, sorted(dists) or "no installed distribution provides it")
    return out


def test_every_module_annotator_imports_comes_from_a_declared_dependency():
    modules = third_party(imported_modules(ROOT / "annotator"))
    assert {"click", "click_default_group", "murmurhash", "srsly", "spacy", "PySide6",
            "lxml", "charset_normalizer", "trafilatura", "sqlite_utils"} <= set(modules)
    declared = requirement_names(PYPROJECT["project"]["dependencies"])
    assert undeclared(modules, declared) == {}


def test_modules_needed_through_another_package_are_declared_too():
    declared = requirement_names(PYPROJECT["project"]["dependencies"])
    assert undeclared({m: f"needed by {why}" for m, why in INDIRECT.items()}, declared) == {}


def test_trafilatura_really_needs_lxml_html_clean():
    """Why INDIRECT names it: without it, importing trafilatura fails."""
    script = ("import sys; sys.modules['lxml_html_clean'] = None\n"
              "try:\n    import trafilatura\nexcept ImportError as e:\n    print('FAILS', e)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.startswith("FAILS")


def test_tests_and_benchmarks_need_only_declared_packages_and_the_test_extra():
    declared = requirement_names(PYPROJECT["project"]["dependencies"]
                                 + PYPROJECT["project"]["optional-dependencies"]["test"])
    modules = {**third_party(imported_modules(ROOT / "tests")),
               **third_party(imported_modules(ROOT / "bench"))}
    assert undeclared(modules, declared) == {}


@pytest.mark.parametrize("requirement", PYPROJECT["project"]["dependencies"])
def test_each_dependency_has_an_upper_bound(requirement):
    """A new major version must not slip into a fresh install unseen."""
    assert "<" in requirement or "==" in requirement, requirement
