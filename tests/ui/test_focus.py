"""The workflow keys work wherever the focus is in the window, except while typing a filter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTableView

from annotator.domain import Status
from annotator.store import open_store


def test_workflow_keys_work_with_the_document_list_focused(window, project, qtbot):
    view = window.findChild(QTableView, "documentList")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_A)
    with open_store(project) as store:
        assert store.documents.get(1).status == Status.SKIPPED
        assert store.documents.get(2).status == Status.ACCEPTED


def test_typing_in_the_filter_does_not_trigger_single_key_commands(window, project, qtbot):
    search = window.findChild(QLineEdit, "textFilter")
    search.setFocus()
    qtbot.keyClicks(search, "a x")
    assert search.text() == "a x"
    with open_store(project) as store:
        assert store.documents.get(1).status == Status.NEW
