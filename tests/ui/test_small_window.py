"""At 1024 x 700, the smallest size we support, every toolbar action can be reached and the
article gets most of the width."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from annotator.ui.theme import set_dark
from annotator.ui.window_menus import TOOLBAR

SMALLEST = (1024, 700)


def open_window(project: Path, qtbot, size: tuple[int, int]):
    from annotator.ui.app import main_window

    window = main_window(project)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


def rect_in_window(widget) -> QRect:
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def article_share(window) -> float:
    return window.splitter.widget(1).width() / window.width()


def test_at_1024_by_700_every_toolbar_action_shows_and_the_article_gets_most_room(
        project, qtbot, tmp_path):
    window = open_window(project, qtbot, SMALLEST)
    window.grab().save(str(tmp_path / "window-1024x700.png"))
    toolbar = window.findChild(QToolBar, "workflowToolbar")
    inside = window.rect()
    for name in (n for n in TOOLBAR if n != "-"):
        button = toolbar.widgetForAction(window.actions_by_name[name])
        assert button.isVisible(), f"{name} is not on the toolbar"
        assert inside.contains(rect_in_window(button)), f"{name} is cut off"
        assert button.width() >= button.sizeHint().width(), f"{name} is squeezed"
    more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert more is None or not more.isVisible()  # nothing is left over to show

    assert article_share(window) >= 0.52
    assert window.editor.viewport().width() >= 420  # the text itself, beside the gutter
    for panel in (window.list_panel, window.side):
        assert panel.isVisible() and panel.width() >= panel.minimumSizeHint().width()
    window.close()


def test_a_layout_saved_in_a_wider_window_still_leaves_the_article_most_room(
        project, qtbot, tmp_path):
    wide = open_window(project, qtbot, (1600, 900))
    wide.close()  # the layout is saved
    window = open_window(project, qtbot, (1600, 900))
    window.resize(*SMALLEST)
    QApplication.processEvents()
    window.grab().save(str(tmp_path / "window-shrunk-to-1024x700.png"))
    assert article_share(window) >= 0.52
    window.close()


@pytest.mark.parametrize("dark", [False, True])
def test_below_the_smallest_size_the_overflow_button_shows_and_opens_the_rest(
        project, qtbot, tmp_path, dark):
    """In both palettes, also after switching while the window is open (Ctrl+Shift+D)."""
    window = open_window(project, qtbot, (760, 560))
    try:
        if dark:
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
            qtbot.keyClick(window.editor, Qt.Key.Key_D,
                           Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
            assert window.actions_by_name["dark"].isChecked()
        _overflow_shows_and_opens(window, qtbot, tmp_path)
    finally:
        set_dark(False)


def _overflow_shows_and_opens(window, qtbot, tmp_path) -> None:
    toolbar = window.findChild(QToolBar, "workflowToolbar")
    hidden = [n for n in TOOLBAR if n != "-"
              and not toolbar.widgetForAction(window.actions_by_name[n]).isVisible()]
    assert "export" in hidden  # the window is too narrow for all of them
    more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert more.isVisible() and more.width() >= 20
    assert window.rect().contains(rect_in_window(more))
    inside = rect_in_window(more).adjusted(4, 4, -4, -4)  # within its border
    image = window.grab(inside).toImage()
    shades = {image.pixelColor(x, y).lightness()
              for x in range(image.width()) for y in range(image.height())}
    assert max(shades) - min(shades) > 100  # chevrons that stand out, not an empty box
    window.grab().save(str(tmp_path / "window-760x560.png"))

    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: toolbar.widgetForAction(window.actions_by_name["export"])
                    .isVisible(), timeout=2000)
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)  # and closes again
    window.close()


def test_the_shortcut_list_fits_a_1024_by_640_screen_and_cuts_no_description(
        project, qtbot, tmp_path):
    """A new user's F1 list was 640 x 680 on a 640 px tall screen (its bottom and Close button
    off screen) and cut long descriptions with "…"."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QDialogButtonBox

    from annotator.ui.dialogs import ShortcutsDialog

    screen = QRect(0, 0, 1024, 640)
    window = open_window(project, qtbot, (1024, 640))
    window.move(0, 0)
    window.show_shortcuts()
    dialog = window.findChild(ShortcutsDialog)
    dialog.fit_to(screen)
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    dialog.grab().save(str(tmp_path / "shortcuts-1024x640.png"))
    assert screen.contains(dialog.frameGeometry())
    close = dialog.findChild(QDialogButtonBox)
    assert dialog.rect().contains(QRect(close.mapTo(dialog, QPoint(0, 0)), close.size()))
    table = dialog.table
    width = table.columnWidth(1) - 8  # the item's own margins
    metrics = QFontMetrics(table.font())
    for row in range(table.rowCount()):
        text = table.item(row, 1).text()
        needed = metrics.boundingRect(QRect(0, 0, width, 10_000),
                                      int(Qt.TextFlag.TextWordWrap), text).height()
        assert needed <= table.rowHeight(row), f"row {row} is cut: {text!r}"
    assert any(metrics.horizontalAdvance(table.item(r, 1).text()) > width
               for r in range(table.rowCount()))  # some do need two lines here
    dialog.close()
    window.close()
