"""GUI test fixtures: an isolated QSettings, a project with a few articles, the real main window,
and a guard that fails any test leaving a worker thread running."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from annotator.domain import NewDocument, Span, Status
from annotator.store import open_store

ARTICLES = [
    "Serra Verde halts mine\nRegulators in Brazil ordered Serra Verde to stop work.\n\n"
    "By Marina Costa in Rio de Janeiro",
    "Storm 🌀 hits 🇫🇷 coast\nForecasters at Météo-France warned Brest residents.\n"
    "Related: more storms",
    "Zoë Müller wins prize\nThe café owner Zoë Müller won in Zürich.",
]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path):
    """QSettings go to a temporary folder, so tests never read or write the person's own."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    yield


@pytest.fixture(autouse=True)
def annotator_name(monkeypatch):
    """Who labels in GUI tests: named, so the app never stops to ask (tests of the question
    remove it)."""
    monkeypatch.setenv("ANNOTATOR_NAME", "tester")


@pytest.fixture(autouse=True)
def no_thread_left(qapp):
    """Fail a test that leaves a worker running (then stop it, so the next test is clean)."""
    from annotator.ui.workers import live_workers, stop_all

    yield
    left = live_workers()
    if left:
        stop_all()
        pytest.fail(f"test left worker threads running: {[w.title for w in left]}")


@pytest.fixture
def one_article(tmp_path: Path):
    """Makes a project file with one article, ``one_article(text, source)``: for test files
    whose ``project`` fixture overrides the three articles below."""

    def make(text: str, source: str) -> Path:
        path = tmp_path / "project.db"
        with open_store(path) as store:
            store.documents.add([NewDocument(text=text, source=source)])
        return path

    return make


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project file with three short articles; the third has a model suggestion."""
    path = tmp_path / "project.db"
    with open_store(path) as store:
        docs = [NewDocument(text=t, source=f"article-{i}.txt") for i, t in enumerate(ARTICLES)]
        third = ARTICLES[2]
        start = third.index("Zürich")
        docs[2].spans = [Span(start, start + len("Zürich"), "GPE", "model:test@1", None)]
        docs[2].sections = [(0, len(third.split("\n")[0]), "byline")]
        docs[2].status = Status.NEW
        store.documents.add(docs)
        # Window tests of import look at the import alone (pre-annotation loads spaCy in a
        # child); test_jobs.py::test_an_import_in_the_window_goes_on_to_pre_annotate turns the
        # default back on.
        store.settings.set("preannotate_on_import", "off")
    return path


@pytest.fixture
def open_window(qtbot):
    """Opens the real main window on a project, shown offscreen and active (shortcuts need
    that); every window it opened is closed after the test."""
    from annotator.ui.app import main_window

    opened = []

    def open_(path: Path):
        win = main_window(path)
        qtbot.addWidget(win)
        win.resize(1200, 800)
        win.show()
        win.activateWindow()
        qtbot.waitExposed(win)
        opened.append(win)
        return win

    yield open_
    for win in opened:
        win.close()


@pytest.fixture
def window(project: Path, open_window):
    """The real main window on the three-article project."""
    return open_window(project)
