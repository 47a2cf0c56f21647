"""The one way our table views are set up: whole-row single selection, no grid, fixed row height.

Tables rather than list or tree views, because a table asks its model only about the rows on
screen (a tree asked about all 100,000 documents when shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyleFactory, QTableView


def setup_rows(view: QTableView, rows_name: str, padding: int) -> QHeaderView:
    """Rows of one line each, selected whole and one at a time; returns the column header."""
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    rows = view.verticalHeader()
    rows.setAccessibleName(rows_name)
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + padding)
    use_native_style(view)
    return view.horizontalHeader()


def use_native_style(view: QTableView) -> None:
    """Paint the table with Qt's own Fusion, not the app's style (``theme.AppStyle``).

    AppStyle is Fusion with a Python ``pixelMetric`` (for the toolbar's overflow button), and
    every cell a table paints asks the style's pixel metrics about three times: 288 calls into
    Python for each page of the document list, about 1 ms of the GUI thread per page scrolled
    (12 % of it). Fusion draws a table exactly as AppStyle does (AppStyle changes nothing a
    table uses); the app's stylesheet and palette still apply."""
    style = QStyleFactory.create("Fusion")
    style.setParent(view)  # lives as long as the view
    view.setStyle(style)
