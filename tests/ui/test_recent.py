"""Picking up where you left off: "Open recent" tells two p.db files apart, and a project
reopens at the document that was open last."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.domain import NewDocument
from annotator.store import open_store
from annotator.ui.app import last_document
from annotator.ui.recent import last_project, recent_labels


def make_project(path: Path, *texts: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_store(path) as store:
        store.documents.add([NewDocument(text=t, source=f"{i}.txt") for i, t in enumerate(texts)])
    return path


def test_recent_labels_show_as_much_of_the_folder_as_tells_them_apart():
    home = Path.home()
    labels = recent_labels([home / "work/client-a/p.db", home / "work/client-b/p.db",
                            Path("/srv/x/2024/p.db"), Path("/srv/y/2024/p.db"),
                            Path("/data/notes.db")])
    assert labels == ["p.db — …/client-a", "p.db — …/client-b", "p.db — …/x/2024",
                      "p.db — …/y/2024", "notes.db — /data"]
    assert recent_labels([home / "p.db", Path("/p.db")]) == ["p.db — ~", "p.db — /"]
    assert recent_labels([Path("/a/p.db"), Path("/b/a/p.db")]) == ["p.db — /a", "p.db — /b/a"]


def test_open_recent_names_two_p_db_apart_and_opens_the_one_chosen(tmp_path, qtbot):
    from annotator.ui.app import main_window

    first = make_project(tmp_path / "clients" / "harbour" / "p.db", "The ferry left Oban.")
    second = make_project(tmp_path / "clients" / "mining" / "p.db", "Serra Verde halts mine.")
    window = main_window(first)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.open_project(second)

    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    recent = next(a.menu() for a in file_menu.actions() if a.text() == "Open &recent")
    items = recent.actions()
    assert [a.text() for a in items] == ["&1 p.db — …/mining", "&2 p.db — …/harbour"]
    assert [a.toolTip() for a in items] == [str(second.resolve()), str(first.resolve())]

    # A click opens File; R opens its Open recent; 2 picks the second project.
    bar = window.menuBar()
    file_action = next(a for a in bar.actions() if a.menu() is file_menu)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_action).center())
    qtbot.waitUntil(file_menu.isVisible, timeout=2000)
    qtbot.keyClick(file_menu, Qt.Key.Key_R)
    qtbot.waitUntil(recent.isVisible, timeout=2000)
    qtbot.keyClick(recent, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: window.db_path == first, timeout=2000)
    assert window.controller.doc.text == "The ferry left Oban."
    window.close()


def test_a_project_reopens_at_its_last_document(project, qtbot, tmp_path):
    from annotator.ui.app import main_window

    window = main_window(project)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_row(2)
    assert window.controller.doc.id == 3
    window.close()
    assert last_project() == project.resolve()
    assert last_document(project) == 3

    again = main_window(project)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.controller.doc.id == 3
    assert again.list_panel.current_row() == 2  # the list shows it as current too
    again.go_row(0)
    QApplication.processEvents()
    again.close()
    assert last_document(project) == 1


def test_a_last_document_deleted_since_opens_the_first_one(project, qtbot):
    from annotator.ui.app import main_window

    window = main_window(project)
    qtbot.addWidget(window)
    window.go_row(2)
    window.close()
    with open_store(project) as store, store.transaction() as conn:
        conn.execute("DELETE FROM documents WHERE id = 3")
    again = main_window(project)
    qtbot.addWidget(again)
    assert again.controller.doc.id == 1
    again.close()


def test_last_project_skips_files_that_are_gone(tmp_path, qtbot):
    from annotator.ui.app import main_window

    kept = make_project(tmp_path / "kept.db", "One.")
    gone = make_project(tmp_path / "gone.db", "Two.")
    for path in (kept, gone):
        window = main_window(path)
        qtbot.addWidget(window)
        window.close()
    assert last_project() == gone.resolve()
    gone.unlink()
    assert last_project() == kept.resolve()


def test_the_last_document_is_written_down_soon_without_closing_and_on_switching(
        tmp_path, qtbot):
    """It is written a moment after the document opens (not while the key press waits), so a
    crash loses at most that moment; switching projects writes it at once."""
    from annotator.ui.app import main_window
    from annotator.ui.main_window import REMEMBER_AFTER_MS

    first = make_project(tmp_path / "a" / "p.db", "One.", "Two.", "Three.")
    second = make_project(tmp_path / "b" / "p.db", "Other.")
    window = main_window(first)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_row(1)
    qtbot.waitUntil(lambda: last_document(first) == 2, timeout=REMEMBER_AFTER_MS + 2000)
    window.go_row(2)
    window.open_project(second)  # at once, before the timer
    assert last_document(first) == 3
    window.close()
    assert last_document(second) == 1
