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


def test_undo_and_redo_do_not_reopen_a_document_the_filter_hides(window, qtbot):
    """tester5 #5: Ctrl+Z with a filter that matched nothing opened the document of the last
    edit though the list stayed empty, and Accept then accepted it. Undo, redo and every other
    key now say there is no document in the list and change nothing; without the filter the
    same undo works."""
    opened = window.controller.doc
    start = opened.text.index("Brazil")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.editor.setFocus()
    window.editor.select_range(start, start + len("Brazil"))
    qtbot.keyClick(window.editor, Qt.Key.Key_3)  # GPE
    labelled = window.store.spans.of(opened.id)
    assert [(s.start, s.label) for s in labelled] == [(start, "GPE")]
    status = window.store.documents.get(opened.id).status
    assert status == Status.IN_PROGRESS

    search = window.findChild(QLineEdit, "textFilter")
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(search, "zzzqqqxx")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 0)
    window.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.editor)

    for key, modifier in [(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
                          (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
                          (Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier),
                          (Qt.Key.Key_U, Qt.KeyboardModifier.NoModifier),
                          (Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier)]:
        window.statusBar().clearMessage()
        qtbot.keyClick(window.editor, key, modifier)
        assert window.controller.doc is None, key
        assert window.statusBar().currentMessage() == "No document in the list", key
    assert window.editor.toPlainText() == ""
    assert window.store.documents.get(opened.id).status == status  # not accepted
    assert window.store.spans.of(opened.id) == labelled  # the label was not undone
    window.grab().save("/tmp/ui6/undo-with-empty-filter.png")

    search.clear()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.doc is not None)
    assert window.controller.doc.id == opened.id
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.spans.of(opened.id) == []  # undo works again once the list shows it


def test_an_empty_filter_at_1024_px_keeps_the_window_width(window, qtbot):
    """tester5 #6: at 1024 px the one-line "No document matches the filter…" header set a
    minimum width, and the window grew to 1050 px (off a 1024-px screen). The header wraps."""
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: window.width() == 1024)
    search = window.findChild(QLineEdit, "textFilter")
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(search, "zzzqqqxx")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 0)
    qtbot.wait(50)  # the layout settles
    assert window.width() == 1024
    assert window.minimumSizeHint().width() <= 1024
    header = window.doc_header
    assert "No document matches the filter" in header.text()
    assert header.geometry().right() <= header.parentWidget().width()
    window.grab().save("/tmp/ui6/empty-filter-1024.png")
