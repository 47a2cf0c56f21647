"""Writes made elsewhere (a job's child process, another window) reach the document list through a
background read (:mod:`annotator.ui.list_refresh`): the GUI thread's connection runs none of the
counting queries, rows added at the end do not reset the list, a moved row is shown, and a
snapshot read before a local change or for another filter is never shown."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject

from annotator.domain import NewDocument, Status
from annotator.store import open_store
from annotator.ui.document_list import DocumentListModel
from annotator.ui.list_refresh import ListRefresher, SnapshotRequest

sys.path.insert(0, str(Path(__file__).parent))
from test_document_list import many_documents  # noqa: E402


class Signals(QObject):
    """Counts a model's resets, inserted rows and changed rows."""

    def __init__(self, model: DocumentListModel):
        super().__init__()
        self.resets = self.inserted = self.changed = 0
        model.modelReset.connect(lambda: self._add("resets"))
        model.rowsInserted.connect(lambda *_: self._add("inserted"))
        model.dataChanged.connect(lambda *_: self._add("changed"))

    def _add(self, name: str) -> None:
        setattr(self, name, getattr(self, name) + 1)


def statements_on(store) -> list[str]:
    """Every statement the store's own connection runs from now on (the GUI thread's)."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    return seen


def window_on(tmp_path, open_window, documents: int):
    """A window on a new project of ``documents`` short articles, and its list's signals."""
    db = tmp_path / "p.db"
    with open_store(db) as store:
        store.documents.add(many_documents(documents))
    window = open_window(db)
    return db, window, Signals(window.list_model)


def test_an_import_elsewhere_adds_rows_at_the_end_counted_off_the_gui_thread(
        tmp_path, open_window, qtbot):
    db, window, signals = window_on(tmp_path, open_window, 600)
    model = window.list_model
    first = model.doc_id(0)
    seen = statements_on(window.store)
    with open_store(db) as other:  # another connection: a job's child, the CLI
        other.documents.add([NewDocument(f"Late story {i} from Oslo.", f"late{i}")
                             for i in range(5)])
        other.documents.set_status(600, Status.ACCEPTED)
    assert window.watch.poll()
    qtbot.waitUntil(lambda: model.rowCount() == 605, timeout=5000)
    qtbot.waitUntil(lambda: window.counts.text() == "1 of 605 finished", timeout=5000)
    assert signals.resets == 0 and signals.inserted == 1  # rows added below, nothing re-read
    assert model.doc_id(0) == first and window.controller.doc.id == first
    assert window.list_panel.current_row() == 0
    counting = [s for s in seen if "FROM documents" in s and ("count(" in s or "GROUP BY" in s)]
    assert counting == [], counting  # the GUI thread's connection counted no documents
    assert model.doc_id(604) == max(window.store.documents.ids())


def test_a_row_on_screen_that_changed_elsewhere_is_redrawn_and_a_moved_list_is_reset(
        tmp_path, open_window, qtbot):
    db, window, signals = window_on(tmp_path, open_window, 50)
    model = window.list_model
    with open_store(db) as other:
        other.documents.set_status(3, Status.REJECTED)
    window.watch.poll()
    qtbot.waitUntil(lambda: model.index(2, 1).data() == "rejected", timeout=5000)
    assert signals.resets == 0 and signals.changed >= 1
    window.list_panel.status.setCurrentIndex(window.list_panel.status.findData("new"))
    assert model.rowCount() == 49 and model.doc_id(0) == 1
    resets = signals.resets
    with open_store(db) as other:  # the first row leaves the filter: every row below moves up
        other.documents.set_status(1, Status.ACCEPTED)
    window.watch.poll()
    qtbot.waitUntil(lambda: model.rowCount() == 48, timeout=5000)
    assert signals.resets == resets + 1 and model.doc_id(0) == 2
    assert [model.doc_id(r) for r in range(3)] == [2, 4, 5]


def test_a_snapshot_older_than_a_local_change_or_for_another_filter_is_not_shown(
        tmp_path, qtbot):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        store.documents.add(many_documents(30))
    store = open_store(db)
    refresher = ListRefresher(db)
    try:
        model = DocumentListModel(store)
        model.use_refresher(refresher)
        model.row_data(0)  # page 0 cached, as a view would have it
        stale = SnapshotRequest(None, "", (0,), 200, model.generation)
        model.set_filter(Status.ACCEPTED, "")  # a local change after the request
        assert model.rowCount() == 0
        with qtbot.waitSignal(refresher.ready, timeout=5000):
            refresher.request(stale)
        assert model.rowCount() == 0  # the old filter's 30 rows were not shown
        qtbot.waitUntil(lambda: not refresher.busy(), timeout=5000)  # it asked again: no change
        assert model.rowCount() == 0 and model.status == Status.ACCEPTED
    finally:
        refresher.stop()
        store.close()


def test_requests_coalesce_and_stop_closes_the_thread(tmp_path, qtbot):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        store.documents.add(many_documents(30))
    refresher = ListRefresher(db)
    got = []
    refresher.ready.connect(got.append)
    for generation in range(20):  # a burst while the first is being read
        refresher.request(SnapshotRequest(None, "", (0,), 200, generation))
    qtbot.waitUntil(lambda: bool(got) and got[-1].request.generation == 19, timeout=5000)
    assert refresher.reads <= 3 and got[-1].count == 30 and len(got[-1].pages[0]) == 30
    assert sum(got[-1].status_counts.values()) == 30
    thread = refresher._thread
    refresher.stop()
    assert thread is not None and not thread.is_alive()
    refresher.request(SnapshotRequest(None, "", (0,), 200, 99))  # after stop: nothing starts
    time.sleep(0.05)
    assert refresher.reads == len(got)


def test_a_label_key_that_leaves_the_status_as_it_was_counts_no_documents(
        tmp_path, open_window, qtbot):
    """Only an edit that moves a document's status counts the project by status again (a
    GROUP BY over every document, beside the window's thread at each key press); the first
    label of a new document and an accept still update "N of M finished"."""
    _db, window, _signals = window_on(tmp_path, open_window, 50)
    refresher = window.list_model.refresher
    text = window.controller.doc.text
    words = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i].isalpha()]

    def label(n: int) -> None:
        window.editor.select_range(words[n], words[n] + 1)
        window.label_actions[0].trigger()

    label(0)  # new -> in progress: counted (in the background)
    qtbot.waitUntil(lambda: refresher.reads >= 1 and not refresher.busy(), timeout=5000)
    reads, seen = refresher.reads, statements_on(window.store)
    label(1)
    label(2)
    window.controller.undo()
    qtbot.wait(100)
    assert refresher.reads == reads and not refresher.busy()
    assert [s for s in seen if "GROUP BY" in s] == []
    assert len(window.store.spans.of(window.controller.doc.id)) == 2
    assert window.counts.text() == "0 of 50 finished"
    window.actions_by_name["accept"].trigger()
    qtbot.waitUntil(lambda: window.counts.text() == "1 of 50 finished", timeout=5000)
