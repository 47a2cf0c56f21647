"""What is on screen after an edit is what a fresh window draws: no stale label tags.

Qt repaints only the area an edit asks for, so a tag left outside that area stays on screen
("ORG" drawn over "PERSON?", half a deleted tag, a new tag cut in half). ``QWidget.grab()``
would hide the fault (it paints the whole widget anew), so these tests read the window's
backing store, which holds exactly what the screen shows, and compare it with a second window
opened on the same project and document.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from annotator.domain import NewDocument, Span
from annotator.store import open_store

HEADLINE = "Why Lumen's new laptop chip matters"
LEAD = "Lumen Semiconductor's L4 runs cool."
BODY = ("Lumen's chief executive, Daniela Fuchs, said the chip is made by Taiwan Precision "
        "Foundry on its 3nm process, and that the company has secured capacity for twenty "
        "million units this year. The chip was announced at a small event in Austin.")
TEXT = f"{HEADLINE}\n{LEAD}\n{BODY}\nTags: laptops, Lumen, L4"


@pytest.fixture
def lumen(tmp_path: Path) -> Path:
    """One article; "Lumen" at the start of a one-line block is a PERSON suggestion."""
    path = tmp_path / "lumen.db"
    doc = NewDocument(text=TEXT, source="lumen.txt")
    start = TEXT.index(LEAD)
    doc.spans = [Span(start, start + 5, "PERSON", "model:test@1", None)]
    with open_store(path) as store:
        store.documents.add([doc])
    return path


def open_window(path: Path, qtbot, size=(1280, 720)):
    from annotator.ui.app import main_window

    win = main_window(path)
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    activate(win, qtbot)
    return win


def activate(window, qtbot) -> None:
    """Shortcuts reach the active window only."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.editor.setFocus()


def on_screen(widget) -> QImage:
    """What the screen shows of ``widget``: its window's backing store, not a new paint."""
    QApplication.processEvents()
    window = widget.window()
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.screen().grabWindow(window.winId(), top_left.x(), top_left.y(),
                                      widget.width(), widget.height()).toImage()


def differing(a: QImage, b: QImage, ignore: QRect) -> list[tuple[int, int]]:
    """Pixels that differ outside ``ignore`` (whole images compared first: fast when equal)."""
    assert a.size() == b.size()
    a, b = (_blanked(image, ignore) for image in (a, b))
    if a == b:
        return []
    return [(x, y) for y in range(a.height()) for x in range(a.width())
            if a.pixel(x, y) != b.pixel(x, y)]


def _blanked(image: QImage, area: QRect) -> QImage:
    copy = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(copy)
    painter.fillRect(area, Qt.GlobalColor.magenta)
    painter.end()
    return copy


def fresh_render(path: Path, window, qtbot) -> QImage:
    """The same document, cursor and layout in a new window: the picture to expect."""
    other = open_window(path, qtbot, (window.width(), window.height()))
    other.splitter.setSizes(window.splitter.sizes())
    other.controller.open_document(window.controller.doc.id)
    other.editor.select_range(*window.editor.selection_range())
    other.editor.verticalScrollBar().setValue(window.editor.verticalScrollBar().value())
    image = on_screen(other.editor.viewport())
    other.close()
    activate(window, qtbot)
    return image


def assert_screen_is_fresh(path: Path, window, qtbot, what: str) -> None:
    editor = window.editor
    shown = on_screen(editor.viewport())
    expected = fresh_render(path, window, qtbot)
    cursor = editor.cursorRect().adjusted(-2, -2, 2, 2)  # the caret blinks in the focused one
    stale = differing(shown, expected, cursor)
    if stale:
        shown.save(str(path.with_name(f"stale-{what}.png")))
        expected.save(str(path.with_name(f"fresh-{what}.png")))
    assert len(stale) == 0, f"after {what}: {len(stale)} stale pixels, e.g. {stale[:5]}"


def click_at(qtbot, editor, offset: int) -> None:
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton,
                     pos=editor.point_of(offset))


def drag(qtbot, editor, start: int, end: int) -> None:
    """Alt-drag: exact characters, so these tests do not depend on token snapping."""
    a, b = editor.point_of(start), editor.point_of(end) - QPoint(3, 0)  # just before ``end``
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.mousePress(editor.viewport(), Qt.MouseButton.LeftButton, alt, pos=a)
    qtbot.mouseMove(editor.viewport(), pos=b)
    qtbot.mouseRelease(editor.viewport(), Qt.MouseButton.LeftButton, alt, pos=b)


def stored(path: Path) -> list[tuple[str, str, bool]]:
    with open_store(path) as store:
        return [(TEXT[s.start:s.end], s.label, s.confirmed) for s in store.spans.of(1)]


def test_relabel_delete_and_new_spans_leave_no_stale_tag_on_screen(lumen, qtbot):
    window = open_window(lumen, qtbot)
    editor = window.editor
    editor.setFocus()
    assert_screen_is_fresh(lumen, window, qtbot, "opening")

    lead = TEXT.index(LEAD)
    click_at(qtbot, editor, lead + 2)
    qtbot.keyClick(editor, Qt.Key.Key_2)  # PERSON? becomes ORG: the wider tag must go
    assert stored(lumen) == [("Lumen", "ORG", True)]
    assert_screen_is_fresh(lumen, window, qtbot, "relabel")

    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert stored(lumen) == []
    assert_screen_is_fresh(lumen, window, qtbot, "delete")

    austin = TEXT.index("Austin")  # on the last visual line of a wrapped paragraph
    drag(qtbot, editor, austin, austin + len("Austin"))
    qtbot.keyClick(editor, Qt.Key.Key_3)
    assert ("Austin", "GPE", True) in stored(lumen)
    assert_screen_is_fresh(lumen, window, qtbot, "new span")

    l4 = TEXT.rindex("L4")  # the last characters of the text: "PRODUCT" is wider than "L4"
    drag(qtbot, editor, l4, l4 + 2)
    qtbot.keyClick(editor, Qt.Key.Key_8)
    assert ("L4", "PRODUCT", True) in stored(lumen)
    assert_screen_is_fresh(lumen, window, qtbot, "wide tag")

    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ("L4", "PRODUCT", True) not in stored(lumen)
    assert_screen_is_fresh(lumen, window, qtbot, "undo")
    window.close()


def test_moving_the_selection_between_spans_repaints_both_outlines(lumen, qtbot):
    """Selecting a span draws a strong outline; selecting another must clear the first."""
    window = open_window(lumen, qtbot)
    editor = window.editor
    editor.setFocus()
    fuchs = TEXT.index("Daniela Fuchs")
    drag(qtbot, editor, fuchs, fuchs + len("Daniela Fuchs"))
    qtbot.keyClick(editor, Qt.Key.Key_1)
    click_at(qtbot, editor, TEXT.index(LEAD) + 1)  # onto the suggestion
    assert editor.selected_span().label == "PERSON"
    assert_screen_is_fresh(lumen, window, qtbot, "selection")
    window.close()
