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


def test_a_filter_that_opens_another_document_keeps_the_typing_in_the_filter(
        window, project, qtbot):
    """The tester's case: "cop", a pause (the filter runs and opens its first match, another
    document), then "enhagen": the letters stayed in the filter only until the match opened;
    then "a" accepted a document."""
    search = window.findChild(QLineEdit, "textFilter")
    search.setFocus()
    first = window.controller.doc.id
    qtbot.keyClicks(search, "Bre")
    qtbot.waitUntil(lambda: window.controller.doc is not None
                    and window.controller.doc.id != first, timeout=5000)
    qtbot.wait(50)
    assert search.hasFocus()
    qtbot.keyClicks(search, "st a")
    assert search.text() == "Brest a"
    with open_store(project) as store:
        assert {store.documents.get(i).status for i in (1, 2, 3)} <= {Status.NEW,
                                                                     Status.IN_PROGRESS}
