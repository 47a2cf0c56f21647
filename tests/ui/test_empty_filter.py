"""A filter that matches nothing closes the document the editor was showing: Accept and the
label keys then change nothing and say why, and clearing the filter brings the document back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from annotator.domain import Status


def test_keys_do_nothing_while_the_filter_leaves_the_list_empty(window, qtbot):
    opened = window.controller.doc
    assert opened is not None
    spans_before = window.store.spans.of(opened.id)
    search = window.findChild(QLineEdit, "textFilter")
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(search, "nothingmatchesthis")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 0)
    window.grab().save("/tmp/ui5/empty-filter.png")

    assert window.controller.doc is None
    assert window.editor.toPlainText() == ""
    assert "No document matches the filter" in window.doc_header.text()

    window.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.editor)
    qtbot.keyClick(window.editor, Qt.Key.Key_A)  # Accept
    qtbot.keyClick(window.editor, Qt.Key.Key_1)  # PERSON
    assert window.statusBar().currentMessage() == "No document in the list"
    stored = window.store.documents.get(opened.id)
    assert stored.status == opened.status == Status.NEW
    assert window.store.spans.of(opened.id) == spans_before

    search.clear()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.doc is not None)
    assert window.controller.doc.id == opened.id  # the same document, not the first one
    assert window.editor.toPlainText() == opened.text
