"""Our tables paint with Qt's own Fusion, not the app's Python style: a page of the document list
asked the style's pixel metrics about 290 times, each a call into Python (1 ms of the GUI thread
per page scrolled). The look must not change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QTableView

from annotator.ui.theme import AppStyle, set_dark


def _list_view(window) -> QTableView:
    return window.findChild(QTableView, "documentList")


def test_the_document_list_and_the_spans_table_paint_with_qt_s_fusion_not_the_python_style(
        window):
    for name in ("documentList", "spanList"):
        view = window.findChild(QTableView, name)
        given = [s for s in view.findChildren(QStyle) if s.parent() is view]
        assert len(given) == 1, name
        assert given[0].name().lower() == "fusion" and not isinstance(given[0], AppStyle)


def test_the_document_list_looks_the_same_as_with_the_app_s_style(window, qtbot):
    """Pixel for pixel, in the light and the dark theme (stylesheet, palette, alternating rows,
    the coloured statuses and the current row)."""
    view = _list_view(window)
    view.selectRow(1)
    try:
        for dark in (False, True):
            set_dark(dark)
            qtbot.wait(10)
            ours = window.list_panel.grab().toImage()
            own = view.style()
            own_fusion = [s for s in view.findChildren(QStyle) if s.parent() is view][0]
            view.setStyle(None)  # back to the application's style (AppStyle)
            assert not view.testAttribute(Qt.WidgetAttribute.WA_SetStyle)
            qtbot.wait(10)
            app_style = window.list_panel.grab().toImage()
            view.setStyle(own_fusion)
            assert view.testAttribute(Qt.WidgetAttribute.WA_SetStyle)
            qtbot.wait(10)
            assert own is not None and not ours.isNull()
            assert ours == app_style, f"dark={dark}"
    finally:
        set_dark(False)


def _qt_pool_threads() -> list[str]:
    tasks = Path("/proc/self/task")
    if not tasks.exists():
        pytest.skip("needs /proc (Linux)")
    names = [(t / "comm").read_text().strip() for t in tasks.iterdir()]
    return [n for n in names if n == "Thread (pooled)"]


def test_scrolling_the_list_keeps_qt_s_fills_on_the_gui_thread(window, qtbot):
    """Qt hands large fills to a pool of threads and waits for them; on a busy machine every
    hand-off waited for a core (200 context switches a page). Importing ``annotator.ui`` turns
    Qt's pool off before the first paint, so scrolling starts no pool thread."""
    assert os.environ.get("QT_NO_GUI_THREADPOOL") == "1"
    view = _list_view(window)
    bar = view.verticalScrollBar()
    for _ in range(3):
        bar.setValue(bar.maximum() - bar.value())
        view.viewport().repaint()
    window.list_panel.grab()
    assert _qt_pool_threads() == []


def test_the_gui_thread_pool_can_be_kept_to_compare():
    code = "import os, annotator.ui; print(os.environ.get('QT_NO_GUI_THREADPOOL'))"
    for keep, expected in (("1", "None"), ("", "1")):
        env = {**os.environ, "ANNOTATOR_QT_GUI_THREADPOOL": keep}
        env.pop("QT_NO_GUI_THREADPOOL", None)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)
        assert out.stdout.strip() == expected
