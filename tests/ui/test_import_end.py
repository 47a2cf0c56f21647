"""The end of an import in the window reads nothing heavy on the GUI thread: the list's count,
its rows and the "N of M finished" counts come from the list's background refresher, and whether
to go on to pre-annotate is read in the job's worker. The window still shows the new rows and the
right counts, keeps the open document, and opens the first one of a project that was empty."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from annotator.domain import Status
from annotator.store import open_store
from annotator.ui.document_list import DocumentListModel
from annotator.ui.list_refresh import ListRefresher

sys.path.insert(0, str(Path(__file__).parent))
from test_document_list import many_documents  # noqa: E402
from test_jobs import wait_job  # noqa: E402
from test_list_refresh import statements_on  # noqa: E402


def articles(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:03}.txt").write_text(f"Harbour story {i} from Lisbon.\nText {i}.",
                                            encoding="utf-8")
    return folder


def test_the_end_of_an_import_counts_and_reads_the_list_off_the_gui_thread(
        tmp_path, open_window, qtbot):
    db = tmp_path / "p.db"
    with open_store(db) as store:
        store.documents.add(many_documents(300))
        store.documents.set_status(1, Status.ACCEPTED)
        store.settings.set("model", "en_core_web_sm")  # a model: the setting below decides
        store.settings.set("preannotate_on_import", "off")
    window = open_window(db)
    window.watch.timer.stop()  # only the import's own end is looked at, not the polls
    model = window.list_model
    first = window.controller.doc.id
    folder = articles(tmp_path / "in", 7)
    seen = statements_on(window.store)
    wait_job(qtbot, window, lambda: window.import_paths([folder]))
    window.store.conn.set_trace_callback(None)  # what follows is the test's own reading
    heavy = [s for s in seen if "FROM documents" in s or "settings" in s]
    assert heavy == [], heavy  # no count, status count, page of rows or setting read here
    assert model.rowCount() == 307 and model.doc_id(306) == max(window.store.documents.ids())
    assert window.counts.text() == "1 of 307 finished"
    assert window.controller.doc.id == first and window.list_panel.current_row() == 0
    assert window.worker is None  # the setting is off: no pre-annotation followed


def test_an_import_into_an_empty_project_opens_its_first_document(
        tmp_path, open_window, qtbot):
    db = tmp_path / "empty.db"
    with open_store(db) as store:
        store.settings.set("preannotate_on_import", "off")
    window = open_window(db)
    assert window.controller.doc is None and window.list_model.rowCount() == 0
    wait_job(qtbot, window, lambda: window.import_paths([articles(tmp_path / "in", 3)]))
    assert window.list_model.rowCount() == 3
    qtbot.waitUntil(lambda: window.controller.doc is not None, timeout=5000)
    assert window.controller.doc.id == window.list_model.doc_id(0)
    assert window.list_panel.current_row() == 0
    assert window.counts.text() == "0 of 3 finished"


def test_a_snapshot_read_before_the_project_closed_is_not_shown(tmp_path, qtbot):
    """The window lets go of the list's refresher before it closes its store (closing, another
    project): a snapshot still on its way is dropped, so nothing opens a document on a closed
    store (an import's end arrived as `annotator gui PATHS` closed the window)."""
    db = tmp_path / "p.db"
    open_store(db).close()
    store = open_store(db)
    refresher = ListRefresher(db)
    model = DocumentListModel(store)
    model.use_refresher(refresher)
    with open_store(db) as other:
        other.documents.add(many_documents(3))
    model.refresh_later()
    deadline = time.monotonic() + 10
    while refresher.busy() and time.monotonic() < deadline:
        time.sleep(0.01)  # read and posted, not delivered: no event is processed here
    model.use_refresher(None)
    refresher.stop()
    store.close()
    qtbot.wait(50)
    assert model.rowCount() == 0
