"""A project file that cannot be written opens read-only and says so once, in plain words:
what happened, that nothing can be saved, and what to do. It used to be logged twice, put in
the status bar and in a box (and printed by ``annotator gui`` as well)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox

import annotator.store.connection as connection


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
