"""What the person sees: suggestions drawn apart from confirmed spans, boilerplate dimmed, the
gutter, zoom, both palettes, and the automation contract (names of widgets and actions)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible, QAction, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTextEdit,
    QWidget,
)

from annotator.ui.dialogs import ShortcutsDialog
from annotator.ui.theme import set_dark

CONTRACT = ["accept", "reject", "skip", "next", "previous", "undo", "redo", "delete-span",
            "import", "export", "preannotate"]


def box_colour(editor, span) -> QColor:
    image = editor.viewport().grab().toImage()
    point = editor.point_of(span.start)
    return image.pixelColor(point.x() - 2, point.y())


def test_every_command_of_the_contract_is_a_named_action(window):
    names = {a.objectName() for a in window.findChildren(QAction)}
    assert set(CONTRACT) <= names
    assert {"label:ORG", "label:PERSON", "label:GPE"} <= names
    assert {"section:boilerplate", "section:body", "section:byline",
            "section:related_links"} <= names
    assert window.findChild(QAction, "label:ORG").shortcut().toString() == "2"
    assert window.findChild(QAction, "section:byline").shortcut().toString() == "Ctrl+3"


def test_every_widget_a_person_uses_has_an_accessible_name(window):
    """What a screen reader announces: the explicit accessible name or the widget's own text."""
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTextEdit, QLabel,
             QProgressBar)

    def ours(w: QWidget) -> bool:
        """Not a part Qt builds inside a widget (a combo's popup, a line edit's clear button,
        the toolbar's overflow button)."""
        internal = w.objectName().startswith("qt_") or any(
            isinstance(p, (QComboBox, QLineEdit)) for p in _parents(w))
        return not internal

    widgets = [w for w in window.findChildren(QWidget)
               if (isinstance(w, kinds) or w.objectName()) and ours(w)]
    assert len(widgets) > 30
    unnamed = []
    for widget in widgets:
        iface = QAccessible.queryAccessibleInterface(widget)
        if not (iface and iface.text(QAccessible.Text.Name)):
            unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert unnamed == [], unnamed


def _parents(widget: QWidget):
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


def test_the_window_title_names_the_project_file(window, project):
    assert project.name in window.windowTitle()


def test_a_suggestion_is_drawn_fainter_than_the_same_label_confirmed(window, qtbot):
    window.go_row(2)
    editor = window.editor
    [suggested] = window.controller.spans
    assert not suggested.confirmed
    faint = box_colour(editor, suggested)
    window.findChild(QAction, "apply-suggestions").trigger()
    [confirmed] = editor.spans()
    assert confirmed.confirmed
    solid = box_colour(editor, confirmed)
    base = editor.palette().color(editor.viewport().backgroundRole())
    assert abs(solid.lightness() - base.lightness()) > abs(faint.lightness() - base.lightness())


def test_boilerplate_blocks_are_dimmed(window, qtbot):
    editor = window.editor
    window.go_row(0)
    editor.select_range(1, 1)
    before = editor.viewport().grab().toImage()
    window.findChild(QAction, "section:boilerplate").trigger()
    after = editor.viewport().grab().toImage()
    point = editor.point_of(0)
    darkest = [min(img.pixelColor(x, point.y()).lightness()
                    for x in range(point.x(), point.x() + 60))
               for img in (before, after)]
    assert darkest[1] > darkest[0] + 40  # the text is lighter: dimmed
    assert editor.section_of_block(0).label == "boilerplate"


def test_zoom_makes_the_text_bigger_and_spans_follow(window, qtbot):
    window.go_row(2)
    editor = window.editor
    size = editor.font().pointSizeF()
    [span] = editor.spans()
    x_before = editor.point_of(span.start).x()
    window.findChild(QAction, "zoom-in").trigger()
    window.findChild(QAction, "zoom-in").trigger()
    assert editor.font().pointSizeF() == size + 2
    assert editor.point_of(span.start).x() > x_before
    window.findChild(QAction, "zoom-reset").trigger()
    assert editor.font().pointSizeF() == size


@pytest.mark.parametrize("dark", [False, True])
def test_light_and_dark_palettes_render_readably(window, qtbot, tmp_path, dark):
    """Screenshots of both palettes: the background follows the palette and text contrasts
    with it (the PNGs are kept in tmp_path for a person to look at)."""
    try:
        set_dark(dark)
        window.go_row(2)
        QApplication.processEvents()
        image = window.grab().toImage()
        image.save(str(tmp_path / f"window-{'dark' if dark else 'light'}.png"))
        editor_image = window.editor.viewport().grab().toImage()
        background = editor_image.pixelColor(editor_image.width() - 5, editor_image.height() - 5)
        assert (background.lightness() < 60) if dark else (background.lightness() > 230)
        lightness = [editor_image.pixelColor(x, y).lightness()
                     for x in range(0, editor_image.width(), 3)
                     for y in range(0, 60, 2)]
        assert max(lightness) - min(lightness) > 120  # text stands out from the page
    finally:
        set_dark(False)


def test_help_lists_every_key(window, qtbot):
    window.findChild(QAction, "shortcuts").trigger()
    dialog = window.findChild(ShortcutsDialog)
    table = dialog.findChild(QWidget, "shortcutTable")
    keys = {table.item(r, 0).text() for r in range(table.rowCount())}
    assert {"A", "X", "Space", "Ctrl+Z", "2", "Ctrl+1"} <= {k.split(",")[0] for k in keys}


def test_the_annotation_view_is_a_read_only_text_edit(window):
    editor = window.findChild(QTextEdit, "annotationView")
    assert editor is window.editor and editor.isReadOnly()


def test_the_app_has_its_icon(window):
    icon = QApplication.windowIcon()
    assert not icon.isNull() and not icon.pixmap(32, 32).isNull()
