"""Starting the app (``annotator gui``), switching projects, and what persists between runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.domain import NewDocument
from annotator.store import open_store
from annotator.ui.main_window import MainWindow


def close_windows_soon() -> None:
    def close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.close()
        QApplication.quit()

    QTimer.singleShot(300, close)


@pytest.mark.slow
def test_annotator_gui_imports_paths_in_the_window_as_its_import_does(tmp_path, qapp):
    """`annotator gui --db P PATHS` shows the window at once and imports there: the job bar
    follows the import, its problems are in the window's report box (not only on a terminal a
    launcher never shows), and pre-annotation follows, as after the window's own Import."""
    from annotator.cli import main

    article = tmp_path / "a.txt"
    article.write_text("The harbour of Lisbon reopened on Monday.", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Fine."}\nnot json\n', encoding="utf-8")
    db = tmp_path / "p.db"
    seen: dict = {"jobs": []}

    def poll() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            window = windows[0]
            seen["title"] = window.windowTitle()
            if window.worker is not None and window.worker.title not in seen["jobs"]:
                seen["jobs"].append(window.worker.title)
                seen["bar"] = window.job_bar.worker is window.worker
            box = window.findChild(QMessageBox, "reportBox")
            if box is not None:
                seen["report"] = box.text() + "\n" + box.detailedText()
            if "Pre-annotating" in seen["jobs"] or seen["polls"] > 600:
                window.close()  # cancels the pre-annotation; what the import did stays
                QApplication.quit()
                return
        seen["polls"] = seen.get("polls", 0) + 1
        QTimer.singleShot(50, poll)

    seen["polls"] = 0
    QTimer.singleShot(0, poll)
    # Quit once, explicitly: a "last window closed" quit would stay posted and end the next
    # test's event loop.
    qapp.setQuitOnLastWindowClosed(False)
    try:
        result = CliRunner().invoke(main, ["gui", "--db", str(db), str(article), str(bad)])
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    assert result.exit_code == 0, result.output
    assert seen["title"] == "p.db — Annotator"
    assert seen["jobs"] == ["Importing", "Pre-annotating"], seen
    assert seen["bar"], seen  # the job bar follows the pre-annotation
    assert f"{bad}:2" in seen.get("report", ""), seen
    with open_store(db) as store:
        assert store.documents.count() == 2


def test_window_layout_and_recent_projects_persist(project: Path, qtbot):
    from annotator.ui.app import main_window

    first = main_window(project)
    first.resize(700, 500)
    first.show()
    qtbot.waitExposed(first)
    first.close()
    assert str(project.resolve()) in QSettings().value("recent")
    second = main_window(project)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 500)
    recent = second.menuBar().findChildren(QAction)
    assert any(a.toolTip() == str(project.resolve()) for a in recent)


def test_opening_another_project_switches_list_labels_and_title(window, tmp_path, qtbot):
    other = tmp_path / "other.db"
    with open_store(other) as store:
        store.labels.add("entity", "SHIP", "#7eb6e8", "S")
        store.documents.add([NewDocument(text="The ferry Norrona left Torshavn.", source="x")])
    window.controller.label_range(0, 3, "ORG")
    window.open_project(other)
    assert window.windowTitle().startswith("other.db")
    assert window.list_model.rowCount() == 1
    assert window.controller.doc.text.startswith("The ferry")
    assert window.findChild(QAction, "label:SHIP") is not None
    assert not window.actions_by_name["undo"].isEnabled()  # edits of the old project are gone


def test_a_file_that_is_not_a_project_is_reported_and_the_open_one_stays(window, tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not SQLite\n" * 100, encoding="utf-8")
    assert window.open_project(bad) is False
    assert "not an annotator project" in window.last_report
    assert window.windowTitle().startswith("project.db")
    assert window.controller.store.documents.count() == 3


def test_annotator_gui_on_a_file_that_is_not_a_project_exits_with_a_message(tmp_path):
    from annotator.cli import main

    bad = tmp_path / "notes.db"
    bad.write_text("this is not SQLite\n" * 100, encoding="utf-8")
    result = CliRunner().invoke(main, ["gui", "--db", str(bad)])
    assert result.exit_code == 1
    assert "notes.db: not an annotator project" in result.output
