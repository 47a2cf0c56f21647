"""How the main window divides its width, and its first size.

1024 x 700 is the smallest size we support. There the document list and the side panel get
about a fifth of the width each (never less than they need to show their contents) and the
article the rest; when the window shrinks, the panels give up width along with the article
(stretch 1 : 3 : 1) instead of the article alone.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

PANE_STRETCH = (1, 3, 1)  # document list, article, side panel
LIST_SHARE, SIDE_SHARE = 0.22, 0.2
SCREEN_SHARE = 0.8  # of the screen's room for windows, the first time
SMALLEST_FIRST = QSize(1024, 640)  # below this the toolbar and status bar must give way


def pane_sizes(width: int, list_min: int, side_min: int) -> list[int]:
    """Widths (px) of the document list, the article and the side panel for a window
    ``width`` px wide: the panels about a fifth each but at least their minimum, the article
    the rest (never negative)."""
    list_width = max(list_min, round(width * LIST_SHARE))
    side_width = max(side_min, round(width * SIDE_SHARE))
    return [list_width, max(0, width - list_width - side_width), side_width]


def first_size(available: QSize | None = None) -> QSize:
    """The size of a window with no saved geometry: 80% of the room the screen has for windows
    (``available``, default the primary screen's), at least 1024 x 640 but never more than
    that room. A fixed 1400 x 860 filled a 1366 x 768 laptop screen edge to edge, and a window
    sized to a small screen's leftover (923 x 519) cut the document list's header."""
    if available is None:
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry().size() if screen is not None else QSize(
            1366, 768)
    share = QSize(round(available.width() * SCREEN_SHARE),
                  round(available.height() * SCREEN_SHARE))
    return share.expandedTo(SMALLEST_FIRST).boundedTo(available)


def restore_layout(window: QMainWindow, panes: QSplitter, settings: QSettings) -> bool:
    """Geometry, toolbars and pane widths as the person left them (or the first size).
    Returns whether pane widths were restored; if not, call :func:`divide_panes` once the
    window has its real width."""
    geometry = settings.value("geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(first_size())
    state = settings.value("state")
    if state is not None:
        window.restoreState(state)
    saved = settings.value("splitter")
    return saved is not None and panes.restoreState(saved)


def save_layout(window: QMainWindow, panes: QSplitter, settings: QSettings) -> None:
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("state", window.saveState())
    settings.setValue("splitter", panes.saveState())


def divide_panes(panes: QSplitter) -> None:
    """The default widths for the splitter's width now (list, article, side panel)."""
    first, last = panes.widget(0), panes.widget(panes.count() - 1)
    panes.setSizes(pane_sizes(panes.width(), first.minimumSizeHint().width(),
                              last.minimumSizeHint().width()))
