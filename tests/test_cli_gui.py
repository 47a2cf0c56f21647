"""`annotator gui` (and bare `annotator`) picks up where the person left off: without --db it
opens the last project the window had open; with none, project.db in the user's data folder;
never a new file in the current folder. Through the real CLI and the real window (offscreen)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator.cli import main
from annotator.domain import NewDocument
from annotator.store import open_store
from annotator.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch):
    """The window's settings and the user's data folder in tmp_path; the current folder an
    empty one, so a project made there would show."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")


def make_project(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_store(path) as store:
        store.documents.add([NewDocument(text=text, source="a.txt")])
    return path


def run_gui(qapp, *args: str) -> tuple[object, list[Path]]:
    """Run the CLI; once its window shows, note which project it opened and close it."""
    opened: list[Path] = []

    deadline = time.monotonic() + 60

    def close() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if any(w.worker is not None and w.worker.title == "Importing" for w in windows) and (
                time.monotonic() < deadline):
            # `annotator gui --db P PATHS` imports in the window: closing it sooner stops the
            # import (a loaded machine took longer than the 200 ms this test once waited)
            QTimer.singleShot(100, close)
            return
        for widget in windows:
            opened.append(widget.db_path)
            widget.close()
        QApplication.quit()

    QTimer.singleShot(200, close)
    qapp.setQuitOnLastWindowClosed(False)  # quit once, explicitly (see tests/ui/test_app.py)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    return result, opened


def test_gui_without_db_opens_the_last_project(qapp, tmp_path):
    older = make_project(tmp_path / "older" / "p.db", "Older project.")
    last = make_project(tmp_path / "work" / "p.db", "The ferry left Torshavn.")
    for project in (older, last):
        result, opened = run_gui(qapp, "gui", "--db", str(project))
        assert result.exit_code == 0, result.output
        assert opened == [project]

    result, opened = run_gui(qapp, "gui")
    assert result.exit_code == 0, result.output
    assert [p.resolve() for p in opened] == [last.resolve()]
    assert f"Opening the last project: {last.resolve()}" in result.stderr
    result, opened = run_gui(qapp)  # bare `annotator`: the same
    assert [p.resolve() for p in opened] == [last.resolve()]
    assert list(Path.cwd().iterdir()) == []


def test_a_last_project_that_was_deleted_gives_way_to_the_one_before(qapp, tmp_path):
    older = make_project(tmp_path / "older.db", "Older project.")
    gone = make_project(tmp_path / "gone.db", "Deleted later.")
    for project in (older, gone):
        run_gui(qapp, "gui", "--db", str(project))
    gone.unlink()
    result, opened = run_gui(qapp, "gui")
    assert result.exit_code == 0, result.output
    assert [p.resolve() for p in opened] == [older.resolve()]
    assert not gone.exists()


def test_with_no_last_project_gui_opens_project_db_in_the_user_data_folder(qapp, tmp_path):
    result, opened = run_gui(qapp)
    assert result.exit_code == 0, result.output
    default = tmp_path / "data" / "annotator" / "project.db"
    assert [p.resolve() for p in opened] == [default.resolve()]
    assert default.is_file()
    assert list(Path.cwd().iterdir()) == []  # never ./annotator-project.db
    assert "--db FILE chooses another" in result.stderr
    _, opened = run_gui(qapp)  # and next time it is the last project
    assert [p.resolve() for p in opened] == [default.resolve()]


def test_a_project_file_given_as_a_path_is_opened_not_imported(qapp, tmp_path):
    project = make_project(tmp_path / "p.db", "One article.")
    article = tmp_path / "b.txt"
    article.write_text("Another article about Lisbon.", encoding="utf-8")
    result, opened = run_gui(qapp, str(project), str(article))  # `annotator p.db b.txt`
    assert result.exit_code == 0, result.output
    assert opened == [project]
    with open_store(project) as store:
        assert store.documents.count() == 2  # b.txt went in; p.db was not read as text


def test_two_project_files_at_once_are_a_usage_error(tmp_path):
    one = make_project(tmp_path / "one.db", "One.")
    two = make_project(tmp_path / "two.db", "Two.")
    result = CliRunner().invoke(main, ["gui", "--db", str(one), str(two)])
    assert result.exit_code == 2 and "one project at a time" in result.output
    result = CliRunner().invoke(main, [str(one), str(two)])
    assert result.exit_code == 2 and "annotator merge" in result.output
