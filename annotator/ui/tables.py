"""The one way our table views are set up: whole-row single selection, no grid, fixed row height.

Tables rather than list or tree views, because a table asks its model only about the rows on
screen (a tree asked about all 100,000 documents when shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


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
    return view.horizontalHeader()
