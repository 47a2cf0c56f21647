"""The document list reads pages on demand: 100,000 documents open at once."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView

from annotator.domain import NewDocument, Status
from annotator.store import open_store
from annotator.ui.document_list import PAGE, DocumentListModel


def many_documents(n: int):
    for i in range(n):
        yield NewDocument(text=f"Article {i}: council meets in town {i % 97}.", source=f"d{i}")


def test_a_project_of_100000_documents_shows_its_first_rows_without_loading_them_all(
        tmp_path, qtbot):
    db = tmp_path / "big.db"
    with open_store(db) as store:
        store.documents.add(many_documents(100_000), batch_size=5000)
        store.documents.set_status(3, Status.ACCEPTED)
    from annotator.ui.app import main_window

    window = main_window(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view = window.findChild(QTableView, "documentList")
    model = view.model()
    assert model.rowCount() == 100_000
    assert model.index(0, 0).data() == "Article 0: council meets in town 0."
    assert model.rows_fetched <= 2 * PAGE  # only the page(s) on screen were read
    assert window.controller.doc.id == 1
    assert window.counts.text() == "1 of 100000 finished"
    view.scrollToBottom()
    qtbot.wait(10)
    view.viewport().repaint()
    assert model.rows_fetched <= 4 * PAGE
    window.close()


def test_the_list_filters_by_status_and_by_text(store, qapp):
    store.documents.add(many_documents(500))
    store.documents.set_status(7, Status.ACCEPTED)
    store.documents.set_status(9, Status.ACCEPTED)
    model = DocumentListModel(store)
    model.set_filter(Status.ACCEPTED, "")
    assert model.rowCount() == 2 and [model.doc_id(r) for r in range(2)] == [7, 9]
    model.set_filter(None, "town 96.")
    assert model.rowCount() == len([i for i in range(500) if i % 97 == 96])
    model.set_filter(Status.ACCEPTED, "Article 8:")  # document 9 (ids start at 1)
    assert [model.doc_id(r) for r in range(model.rowCount())] == [9]


def test_a_row_changes_in_place_when_its_document_changes(store, qapp):
    store.documents.add(many_documents(10))
    model = DocumentListModel(store)
    model.doc_id(0)
    changed = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    model.update_document(4, status=Status.ACCEPTED, n_spans=3)
    assert changed == [(3, 3)]
    assert model.index(3, 1).data() == "accepted" and model.index(3, 2).data() == "3"


def test_find_row_locates_a_document_beyond_the_cached_pages(store, qapp):
    store.documents.add(many_documents(3 * PAGE))
    model = DocumentListModel(store)
    assert model.find_row(2 * PAGE + 5) == 2 * PAGE + 4


def test_next_unfinished_is_one_query_not_a_walk_through_the_pages(store, qapp):
    store.documents.add(many_documents(3 * PAGE))
    with store.transaction() as conn:  # all but the last finished, in one statement
        conn.execute("UPDATE documents SET status = 'accepted' WHERE id < ?", [3 * PAGE])
    model = DocumentListModel(store)
    assert model.next_unfinished_row(0, current_id=None) == 3 * PAGE - 1
    assert model.next_unfinished_row(3 * PAGE - 1, current_id=3 * PAGE) is None
    assert model.rows_fetched <= 2 * PAGE  # the first page and the last, nothing between


def test_the_text_filter_follows_documents_imported_while_it_is_on(store, qapp):
    from annotator.core.changes import Changes

    store.documents.add(many_documents(50))
    model = DocumentListModel(store)
    model.set_filter(None, "krakow")
    assert model.rowCount() == 0
    added = store.documents.add([NewDocument("Żabka Labs opens in Kraków", "k.txt")]).added
    model.apply_changes(Changes(documents=frozenset(added), origin="import"))
    assert model.rowCount() == 1 and model.doc_id(0) == added[0]
    model.set_filter(None, "town 9")  # words: "town 9", not "town 90"-"town 96"
    assert model.rowCount() == len([i for i in range(50) if i % 97 == 9])
