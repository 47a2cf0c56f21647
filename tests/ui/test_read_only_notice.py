"""A project file that cannot be written opens read-only and says so once, in plain words:
what happened, that nothing can be saved, and what to do. It used to be logged twice, put in
the status bar and in a box (and printed by ``annotator gui`` as well)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import annotator.store.connection as connection
from annotator.domain import Status


def test_an_unwritable_project_says_read_only_once_in_plain_words(
        project, open_window, monkeypatch, caplog):
    # As root (the test machine) every file is writable; a person's read-only file is not.
    monkeypatch.setattr(connection, "_writable", lambda _path: False)
    with caplog.at_level(logging.INFO):
        window = open_window(project)
    assert window.store.read_only

    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert [b.objectName() for b in boxes] == ["readOnlyBox"]
    text = boxes[0].text()
    assert "is read-only: labels cannot be saved" in text
    assert "Open a copy, or fix the file's" in text
    boxes[0].grab().save("/tmp/ui5/read-only-box.png")
    window.grab().save("/tmp/ui5/read-only-window.png")

    assert window.statusBar().currentMessage() == ""  # not the same words a second time
    assert window.read_only_badge.isVisible() and window.read_only_badge.toolTip() == text
    said = [r for r in caplog.records if "read-only" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.INFO  # the log has it once
    assert "(read-only)" in window.windowTitle()
    assert not window.actions_by_name["accept"].isEnabled()


def _read_only_window(project, open_window, monkeypatch):
    monkeypatch.setattr(connection, "_writable", lambda _path: False)
    window = open_window(project)
    assert window.store.read_only
    return window


def _box(window) -> QMessageBox | None:
    return next((b for b in window.findChildren(QMessageBox)
                 if b.objectName() == "readOnlyBox" and b.isVisible()), None)


def test_on_a_read_only_project_every_write_key_is_off_and_enter_or_esc_close_the_box(
        project, open_window, monkeypatch, qtbot):
    """tester5 #8: Skip stayed on, and Space then replaced the read-only box with a second one
    nesting its words; the box took no keys, so only a click closed it."""
    window = _read_only_window(project, open_window, monkeypatch)
    writes = ["accept", "reject", "skip", "apply-suggestions", "delete-span", "undo", "redo",
              "preannotate", "import", "import-folder", "train-entities", "train-sections",
              "keep-edit", "take-1", "copy-labels"]
    on = [name for name in writes if window.actions_by_name[name].isEnabled()]
    assert on == []
    keys = window.label_actions + window.section_actions
    assert keys and not any(a.isEnabled() for a in keys)
    assert window.actions_by_name["next"].isEnabled()  # reading stays on
    assert window.actions_by_name["export"].isEnabled()

    doc = window.controller.doc
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Space)  # Skip: off, nothing happens
    assert window.store.documents.get(doc.id).status == doc.status
    assert window.controller.doc.id == doc.id
    shown = [b.objectName() for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert shown == ["readOnlyBox"]
    window.grab().save("/tmp/ui6/read-only-window.png")

    qtbot.keyClick(window.editor, Qt.Key.Key_Return)  # closes the box, from the window
    qtbot.waitUntil(lambda: _box(window) is None)
    assert window.controller.doc.id == doc.id

    window.say_read_only(window.store.notice)  # shown again: Esc closes it too
    qtbot.waitUntil(lambda: _box(window) is not None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _box(window) is None)


def test_a_write_refused_on_a_read_only_project_says_one_short_line(
        project, open_window, monkeypatch, qtbot):
    """A write that still reaches the file (a path no action guards) says "Not saved: this
    project is read-only" once, above the article and in the status bar, with no second box
    repeating the read-only box's words."""
    window = _read_only_window(project, open_window, monkeypatch)
    doc = window.controller.doc
    assert window.controller.set_status(Status.SKIPPED) is False
    assert window.store.documents.get(doc.id).status == doc.status
    assert window.statusBar().currentMessage() == "Not saved: this project is read-only"
    assert window.doc_notice.isVisible()
    assert window.doc_notice.text().count("read-only") == 1
    shown = [b.objectName() for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert shown == ["readOnlyBox"]
    qtbot.wait(50)  # the status bar lays itself out
    window.grab().save("/tmp/ui6/read-only-refused.png")
