"""The window shows near-duplicate groups (a ≈N mark in the list, Ctrl+Shift+N lists the open
document's group) and copies an accepted document's labels onto its copies, one undo step each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from annotator.domain import NewDocument, Span, Status
from annotator.services.near_duplicates import group_documents
from annotator.store import open_store

STORY = ("The port authority said on Friday that container traffic rose by a fifth last year, "
         "the fastest growth since the terminal opened, and that a new berth would open soon.\n"
         "Dock workers welcomed the figures but warned that staffing had not kept pace with "
         "the ships, and their union asked for talks with the authority next month.\n")


def test_the_list_marks_and_shows_a_group_and_copies_labels(tmp_path, qtbot):
    db = tmp_path / "p.db"
    texts = [f"Site A\nHome\n{STORY}Contact us", "Unrelated page\nThe choir sang on Sunday "
             "evening in the old church and the audience asked for two encores afterwards.",
             f"Site B\nMenu\n(AP) -\n{STORY}About", f"Site C\n{STORY}"]
    with open_store(db) as store:
        store.documents.add([NewDocument(t, f"d{i}") for i, t in enumerate(texts)])
        group_documents(store)
        assert store.near_dups.groups() == [[1, 3, 4]]
        start = texts[0].index("Dock workers")
        store.spans.replace(1, add=[Span(start, start + len("Dock workers"), "ORG", "human",
                                         "tester")])
        store.documents.set_status(1, Status.ACCEPTED)
    from annotator.ui.app import main_window

    window = main_window(db, annotator="tester")
    qtbot.addWidget(window)
    window.resize(1100, 600)
    window.show()
    qtbot.waitExposed(window)
    model = window.list_model
    shown = [model.data(model.index(r, 0), Qt.ItemDataRole.DisplayRole) for r in range(4)]
    assert [s.startswith("≈3") for s in shown] == [True, False, True, True]
    window.controller.session.open_document(1)
    window.findChild(QAction, "near-duplicates").trigger()
    assert [model.doc_id(r) for r in range(model.rowCount())] == [1, 3, 4]
    window.findChild(QAction, "copy-labels").trigger()
    with open_store(db, read_only=True) as store:
        copied = {d: [(texts[d - 1][s.start:s.end], s.origin) for s in store.spans.of(d)]
                  for d in (3, 4)}
    assert copied == {3: [("Dock workers", "copy:1")], 4: [("Dock workers", "copy:1")]}
    assert "Copied 2 spans onto 2 near duplicates" in window.statusBar().currentMessage()
    window.findChild(QAction, "undo").trigger()  # one target at a time
    with open_store(db, read_only=True) as store:
        assert [len(store.spans.of(d)) for d in (3, 4)] == [1, 0]
    window.findChild(QAction, "near-duplicates").trigger()
    assert model.rowCount() == 4
