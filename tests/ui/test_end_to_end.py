"""The real main window driven offscreen with keys and mouse, from opening a project to reading
the exported offsets back."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QDialogButtonBox, QTableView, QTextEdit, QToolButton

from annotator.domain import Status
from annotator.store import open_store
from annotator.ui.dialogs import ExportDialog
from annotator.ui.theme import span_fill


def click_row(qtbot, window, row: int) -> None:
    view = window.findChild(QTableView, "documentList")
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def drag_select(qtbot, editor, start: int, end: int) -> None:
    """Press at ``start``, move to ``end`` and release, as a person drags the mouse."""
    a, b = editor.point_of(start), editor.point_of(end)
    qtbot.mousePress(editor.viewport(), Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(editor.viewport(), pos=QPoint((a.x() + b.x()) // 2, b.y()))
    qtbot.mouseMove(editor.viewport(), pos=b)
    qtbot.mouseRelease(editor.viewport(), Qt.MouseButton.LeftButton, pos=b)


def stored_spans(project, doc_id):
    with open_store(project) as store:
        return [(s.start, s.end, s.label, s.origin) for s in store.spans.of(doc_id)]


def pixel_under(editor, span) -> QColor:
    """The colour painted at the left edge of a span's box (padding, not a glyph)."""
    image = editor.viewport().grab().toImage()
    point = editor.point_of(span.start)
    return image.pixelColor(point.x() - 2, point.y())


def test_label_relabel_delete_undo_redo_sections_accept_export(window, project, qtbot, tmp_path):
    editor = window.findChild(QTextEdit, "annotationView")
    click_row(qtbot, window, 1)  # the article with emoji and a flag before the entity
    doc = window.controller.doc
    assert doc.id == 2 and "🇫🇷" in editor.toPlainText()
    text = doc.text
    start = text.index("Météo-France")

    # Select part of the name with the mouse; the label key snaps it to whole tokens.
    drag_select(qtbot, editor, start + 1, start + 10)  # "étéo-Fran"
    qtbot.keyClick(editor, Qt.Key.Key_2)  # ORG
    span_range = (start, start + len("Météo-France"))
    assert stored_spans(project, 2) == [(*span_range, "ORG", "human")]
    [shown] = editor.spans()
    assert (shown.start, shown.end, shown.label) == (*span_range, "ORG")
    fill = span_fill(window.controller.store.labels.of("entity")[1].colour, True, False)
    painted = pixel_under(editor, shown)
    assert abs(painted.red() - fill.red()) < 40 and abs(painted.green() - fill.green()) < 40

    qtbot.keyClick(editor, Qt.Key.Key_1)  # another label key relabels the span at the cursor
    assert stored_spans(project, 2) == [(*span_range, "PERSON", "human")]
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert stored_spans(project, 2) == []
    assert editor.spans() == []
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo delete
    assert stored_spans(project, 2) == [(*span_range, "PERSON", "human")]
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo relabel
    assert stored_spans(project, 2) == [(*span_range, "ORG", "human")]
    qtbot.keyClick(editor, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored_spans(project, 2) == [(*span_range, "PERSON", "human")]
    assert [s.label for s in editor.spans()] == ["PERSON"]

    # Keyboard selection: click before "Brest", Shift+Right five times, label GPE (key 3).
    brest = text.index("Brest")
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=editor.point_of(brest))
    for _ in range(5):
        qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(editor, Qt.Key.Key_3)
    assert (brest, brest + 5, "GPE", "human") in stored_spans(project, 2)

    # Sections: cursor in the headline, Ctrl+1 (boilerplate); the same key again clears it.
    editor.select_range(2, 2)
    qtbot.keyClick(editor, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    with open_store(project) as store:
        assert [(s.block, s.label) for s in store.sections.of(2)] == [(0, "boilerplate")]
    qtbot.keyClick(editor, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    with open_store(project) as store:
        assert store.sections.of(2) == []
    # Select across the last two blocks and tag them body (Ctrl+2).
    second_line = text.index("Forecasters")
    editor.select_range(second_line + 3, len(text) - 2)
    window.findChild(QAction, "section:body").trigger()
    with open_store(project) as store:
        assert [(s.block, s.label) for s in store.sections.of(2)] == [(1, "body"), (2, "body")]
    assert editor.section_of_block(1).label == "body"

    # Accept (A): stored, and the window moves on to the next unfinished document.
    qtbot.keyClick(editor, Qt.Key.Key_A)
    with open_store(project) as store:
        assert store.documents.get(2).status == Status.ACCEPTED
    assert window.controller.doc.id == 3
    assert window.findChild(QTableView, "documentList").currentIndex().row() == 2
    # the counts are read in the background (a GROUP BY over every document)
    qtbot.waitUntil(lambda: "1 of 3 finished" in window.counts.text(), timeout=5000)

    # Export from the dialog, in a worker; read the offsets back against the text.
    out = tmp_path / "out.jsonl"
    window.findChild(QAction, "export").trigger()
    dialog = window.findChild(ExportDialog, "exportDialog")
    dialog.path.setText(str(out))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert window.worker is not None
    with qtbot.waitSignal(window.worker.finished, timeout=10_000):
        pass
    assert out.exists()
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["answer"] == "accept"
    got = sorted((record["text"][s["start"]:s["end"]], s["label"]) for s in record["spans"])
    assert got == [("Brest", "GPE"), ("Météo-France", "PERSON")]


def test_the_span_list_follows_edits_and_a_click_on_it_moves_the_cursor(window, qtbot):
    window.go_row(2)  # "Zoë Müller wins prize ..." with a GPE suggestion on Zürich
    text = window.controller.doc.text
    start = text.index("Zoë")
    window.editor.select_range(start, start + 10)
    window.findChild(QAction, "label:PERSON").trigger()
    qtbot.waitUntil(lambda: window.side.span_model.rowCount() == 2, timeout=2000)
    model = window.side.span_model
    assert [model.index(r, 0).data() for r in range(2)] == ["PERSON", "GPE"]
    assert model.index(0, 1).data() == "Zoë Müller"
    assert window.side.spans_title.text() == "Spans · 2 (1 suggested)"
    rect = window.side.span_list.visualRect(model.index(1, 1))
    qtbot.mouseClick(window.side.span_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert window.editor.selected_span().label == "GPE"


def test_mouse_and_key_editing_gestures(window, project, qtbot):
    """Alt-drag keeps exact characters; a palette click labels; a click on a span selects it;
    Shift+Right grows it by a token; a double-click selects a word."""
    editor = window.editor
    window.go_row(0)  # "Serra Verde halts mine\nRegulators in Brazil ordered Serra Verde ..."
    text = window.controller.doc.text
    start = text.index("Regulators")
    a, b = editor.point_of(start + 2), editor.point_of(start + 6)
    qtbot.mousePress(editor.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.AltModifier, pos=a)
    qtbot.mouseMove(editor.viewport(), pos=b)
    qtbot.mouseRelease(editor.viewport(), Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.AltModifier, pos=b)
    qtbot.keyClick(editor, Qt.Key.Key_4)  # LOC on exactly "gula"
    assert (start + 2, start + 6, "LOC", "human") in stored_spans(project, 1)

    brazil = text.index("Brazil")
    qtbot.mouseDClick(editor.viewport(), Qt.MouseButton.LeftButton,
                      pos=editor.point_of(brazil + 2))
    assert editor.selection_range() == (brazil, brazil + 6)
    palette_button = next(b for b in window.side.findChildren(QToolButton)
                          if b.defaultAction() is window.findChild(QAction, "label:GPE"))
    qtbot.mouseClick(palette_button, Qt.MouseButton.LeftButton)
    assert (brazil, brazil + 6, "GPE", "human") in stored_spans(project, 1)

    serra = text.index("Serra Verde", brazil)
    editor.select_range(serra, serra + 5)
    window.findChild(QAction, "label:ORG").trigger()
    editor.select_range(0, 0)
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton,
                     pos=editor.point_of(serra + 2))
    assert editor.selected_span().label == "ORG"
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert (serra, serra + len("Serra Verde"), "ORG", "human") in stored_spans(project, 1)


def test_reject_skip_and_moving_between_documents_with_keys(window, project, qtbot):
    editor = window.editor
    window.go_row(0)
    qtbot.keyClick(editor, Qt.Key.Key_N)
    assert window.controller.doc.id == 2
    qtbot.keyClick(editor, Qt.Key.Key_P)
    assert window.controller.doc.id == 1
    qtbot.keyClick(editor, Qt.Key.Key_X)  # reject, then on to the next unfinished
    assert window.controller.doc.id == 2
    qtbot.keyClick(editor, Qt.Key.Key_Space)  # skip
    assert window.controller.doc.id == 3
    with open_store(project) as store:
        assert [store.documents.get(i).status for i in (1, 2, 3)] == [
            Status.REJECTED, Status.SKIPPED, Status.NEW]
    qtbot.keyClick(editor, Qt.Key.Key_U)  # next unfinished wraps round to the skipped one
    assert window.controller.doc.id == 2
    assert window.list_model.index(0, 1).data() == "rejected"
