"""Snapping through the real window, with mouse and keys: a double-click on "Japan" in
"Japan’s Ministry" labels "Japan", and a span at a line's end does not grow across the line
break, by Shift+Right on the span or by a keyboard selection that runs into the next line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.store import open_store

TEXT = "Japan’s Ministry of Finance said on Monday\nTalks resume in  Geneva next week."


@pytest.fixture
def project(one_article) -> Path:
    """A project with one article (overrides the conftest's three)."""
    return one_article(TEXT, "japan.txt")


def spans_text(project: Path) -> list[tuple[str, str]]:
    """The stored spans' text and label, read back from the file."""
    with open_store(project) as store:
        return [(TEXT[s.start:s.end], s.label) for s in store.spans.of(1)]


def drag_select(qtbot, editor, start: int, end: int, exact_start: bool = False) -> None:
    """Press at ``start``, move to ``end`` and release, as a person drags the mouse.
    ``exact_start`` presses on the caret line itself, not 2 px into the character (a space
    is so narrow that 2 px in is nearer the next position)."""
    a, b = editor.point_of(start), editor.point_of(end)
    if exact_start:
        a.setX(a.x() - 2)
    qtbot.mousePress(editor.viewport(), Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(editor.viewport(), pos=QPoint((a.x() + b.x()) // 2, b.y()))
    qtbot.mouseMove(editor.viewport(), pos=b)
    qtbot.mouseRelease(editor.viewport(), Qt.MouseButton.LeftButton, pos=b)


def test_a_double_click_on_japan_in_japans_selects_and_labels_japan(window, project, qtbot):
    editor = window.editor
    qtbot.mouseDClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=editor.point_of(2))
    assert editor.selection_range() == (0, len("Japan"))  # Qt's word was "Japan’s"
    qtbot.keyClick(editor, Qt.Key.Key_3)  # GPE
    assert spans_text(project) == [("Japan", "GPE")]


def test_an_alt_double_click_keeps_qts_word_and_labels_it_exactly(window, project, qtbot):
    editor = window.editor
    qtbot.mouseDClick(editor.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.AltModifier, pos=editor.point_of(2))
    assert editor.selection_range() == (0, len("Japan’s"))
    qtbot.keyClick(editor, Qt.Key.Key_3)
    assert spans_text(project) == [("Japan’s", "GPE")]


def test_shift_right_on_a_span_at_a_line_end_does_not_cross_the_line_break(window, project,
                                                                            qtbot):
    editor = window.editor
    on, line_end = TEXT.index("on Monday"), TEXT.index("\n")
    drag_select(qtbot, editor, on, line_end + 1)  # the drag runs onto the next line's start
    qtbot.keyClick(editor, Qt.Key.Key_9)  # DATE
    assert spans_text(project) == [("on Monday", "DATE")]
    assert editor.cursor_offset() == line_end and editor.selected_span().label == "DATE"
    qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert spans_text(project) == [("on Monday", "DATE")]
    assert "within one line" in window.statusBar().currentMessage()


def test_a_keyboard_selection_run_past_a_line_end_labels_only_its_line(window, project, qtbot):
    editor = window.editor
    on = TEXT.index("on Monday")
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=editor.point_of(on))
    for _ in range(len("on Monday\nTa")):
        qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert editor.selection_range() == (on, on + len("on Monday\nTa"))
    qtbot.keyClick(editor, Qt.Key.Key_9)
    assert spans_text(project) == [("on Monday", "DATE")]


def test_a_drag_starting_in_a_double_space_labels_the_word_after_it(window, project, qtbot):
    editor = window.editor
    geneva = TEXT.index("Geneva")
    drag_select(qtbot, editor, geneva - 1, geneva + len("Geneva"), exact_start=True)
    assert editor.selection_range() == (geneva - 1, geneva + len("Geneva"))  # " Geneva"
    qtbot.keyClick(editor, Qt.Key.Key_3)
    assert spans_text(project) == [("Geneva", "GPE")]
