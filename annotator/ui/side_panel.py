"""The side panel: the label palette (entity and section labels with colour and key), a legend,
and the list of spans in the open document."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import HUMAN, Span
from annotator.ui.span_rows import SpanRowDelegate
from annotator.ui.tables import setup_rows

Index = QModelIndex | QPersistentModelIndex


_SWATCHES: dict[tuple[str, int, bool], QIcon] = {}


def swatch(colour: str, size: int = 14, dashed: bool = False) -> QIcon:
    """A small rounded colour square for palette buttons and lists (made once per colour)."""
    key = (colour, size, dashed)
    if key not in _SWATCHES:
        _SWATCHES[key] = _make_swatch(colour, size, dashed)
    return _SWATCHES[key]


def _make_swatch(colour: str, size: int, dashed: bool) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(colour)
    if dashed:
        fill.setAlphaF(0.35)
    p.setBrush(fill)
    pen = QColor(colour).darker(150)
    p.setPen(pen)
    if dashed:
        p.setPen(Qt.PenStyle.DashLine)
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pix)


def _order(span: Span) -> tuple[int, int]:
    return span.start, span.end


def _suggested(spans: list[Span]) -> int:
    """How many are suggestions (:attr:`Span.confirmed` inlined: 300,000 property calls took
    a quarter of a second)."""
    return sum(1 for s in spans if s.annotator is None and s.origin != HUMAN)


class SpanListModel(QAbstractTableModel):
    """The open document's spans, in text order: label and text; suggestions in italics.

    The view asks only for the rows on screen; what the model does per span on each edit is
    bisection on ``_starts`` (not a pass over every span), so a document with 300,000
    suggestions opens and labels as fast as a short one."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._spans: list[Span] = []
        self._starts: list[int] = []
        self._by_id: dict[int | None, Span] | None = None  # see row_of
        self._text = ""
        self._colours: dict[str, str] = {}
        self.suggested = 0

    def show(self, text: str, spans: list[Span], colours: dict[str, str]) -> None:
        """``spans`` in text order (as the store and the session keep them)."""
        self.beginResetModel()
        self._text, self._spans, self._colours = text, list(spans), colours
        self._starts = [s.start for s in self._spans]
        self._by_id = None
        self.suggested = _suggested(self._spans)
        self.endResetModel()

    def apply(self, removed: list[Span], added: list[Span]) -> None:
        """Remove and insert rows one by one: a reset would make the table re-lay out and
        repaint every row on each edit. Many changes at once (apply suggestions) reset."""
        if len(removed) + len(added) > 40:
            gone = {s.id for s in [*removed, *added]}  # an added span listed already: once
            self.show(self._text, sorted([s for s in self._spans if s.id not in gone] + added,
                                         key=_order), self._colours)
            return
        for span in removed:
            row = self._row_of_span(span)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                gone = self._spans.pop(row)
                del self._starts[row]
                if self._by_id is not None:
                    self._by_id.pop(gone.id, None)
                self.suggested -= not gone.confirmed
                self.endRemoveRows()
        for span in added:
            if self._row_of_span(span) is not None:
                continue  # already listed (the same span announced twice): never a second row
            row = bisect_left(self._starts, span.start)
            while row < len(self._spans) and _order(self._spans[row]) < _order(span):
                row += 1
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(row, span)
            self._starts.insert(row, span.start)
            if self._by_id is not None:
                self._by_id[span.id] = span
            self.suggested += not span.confirmed
            self.endInsertRows()

    def spans(self) -> list[Span]:
        return list(self._spans)

    def span(self, row: int) -> Span | None:
        return self._spans[row] if 0 <= row < len(self._spans) else None

    def row_of(self, span_id: int) -> int | None:
        """The row of the span with this id (the ids are indexed the first time it is asked,
        not on opening: a document may be opened and left without a span selected)."""
        if self._by_id is None:
            self._by_id = {s.id: s for s in self._spans}
        span = self._by_id.get(span_id)
        return self._row_of_span(span) if span is not None else None

    def _row_of_span(self, span: Span) -> int | None:
        """The row listing ``span`` (same id), found from its start by bisection."""
        row = bisect_left(self._starts, span.start)
        while row < len(self._spans) and self._starts[row] == span.start:
            if self._spans[row].id == span.id:
                return row
            row += 1
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        span = self.span(index.row())
        if span is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return span.label
            return " ".join(self._text[span.start:span.end].split())[:80]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return swatch(self._colours.get(span.label, "#bbbbbb"), dashed=not span.confirmed)
        if role == Qt.ItemDataRole.FontRole and not span.confirmed:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            who = span.annotator or "suggestion"
            return f"{span.label} {span.start}-{span.end} · {span.origin} · {who}"
        return None


class SidePanel(QWidget):
    span_activated = Signal(object)  # Span

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.setAccessibleName("Labels and spans")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(8)
        self.entity_grid = self._section_box("Entities", "entityPalette")
        self.section_grid = self._section_box("Sections", "sectionPalette")
        legend = QLabel(
            "Faint with a dashed outline and <i>LABEL?</i>: a suggestion, until you confirm it "
            "(its key again), apply suggestions or accept. Dimmed blocks are boilerplate.")
        legend.setObjectName("legend")
        legend.setWordWrap(True)
        legend.setAccessibleName("Legend")
        self._layout.addWidget(legend)
        self._pending: list[tuple[list[Span], list[Span]]] = []
        self._selected_id = -1
        self._refresh = QTimer(self, singleShot=True, interval=120)
        self._refresh.timeout.connect(self.flush)
        self.spans_title = self._title("Spans")
        # Its text changes with every edit: never let that re-lay out the panel.
        self.spans_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.span_model = SpanListModel(self)
        self.span_list = self._make_span_list()
        self._layout.addWidget(self.span_list, 1)

    def _make_span_list(self) -> QTableView:
        view = QTableView(self)  # a table asks only for the rows on screen
        view.setObjectName("spanList")
        view.setAccessibleName("Spans in this document")
        view.setModel(self.span_model)
        view.setItemDelegate(SpanRowDelegate(view))  # Qt's took 5 ms to repaint 20 rows
        columns = setup_rows(view, "Span rows", padding=6)
        columns.setAccessibleName("Columns: label, text")
        columns.hide()
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        columns.resizeSection(0, 96)
        columns.setStretchLastSection(True)
        view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        view.clicked.connect(self._on_span_clicked)
        return view

    def _title(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("panelTitle")
        label.setAccessibleName(text)
        self._layout.addWidget(label)
        return label

    def _section_box(self, title: str, name: str) -> QGridLayout:
        self._title(title)
        box = QWidget(self)
        box.setObjectName(name)
        box.setAccessibleName(f"{title} palette")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(2)  # a key sits next to its label; column 2 keeps pairs apart
        grid.setColumnMinimumWidth(2, 8)
        grid.setVerticalSpacing(3)
        self._layout.addWidget(box)
        return grid

    def set_palette(self, entity: list[QAction], section: list[QAction]) -> None:
        """One button per label action (click = the key), with its key shown beside it."""
        for grid, actions in ((self.entity_grid, entity), (self.section_grid, section)):
            while grid.count():
                item = grid.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            for row, action in enumerate(actions):
                button = QToolButton()
                button.setDefaultAction(action)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                button.setAutoRaise(True)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setAccessibleName(f"Label {action.iconText()}")
                key = QLabel(action.shortcut().toString())
                key.setObjectName("keyCap")
                key.setAccessibleName(f"Key for {action.iconText()}")
                col = (row % 2) * 3 if grid is self.entity_grid else 0
                line = row // 2 if grid is self.entity_grid else row
                grid.addWidget(button, line, col)
                grid.addWidget(key, line, col + 1, Qt.AlignmentFlag.AlignLeft)
            grid.setColumnStretch(5, 1)

    def show_spans(self, text: str, spans: list[Span], colours: dict[str, str]) -> None:
        """Another document: its spans from the top (a table keeps its scroll position across
        a model reset, which showed the new list at the old document's place)."""
        self._pending.clear()
        self._refresh.stop()
        self.span_model.show(text, spans, colours)
        self.span_list.scrollToTop()
        self._update_title()

    def update_spans(self, removed: list[Span], added: list[Span]) -> None:
        """Edits reach the list a moment later, several at once: the span in the text is the
        feedback a person waits for, and re-laying out a 1,000-row table costs more than the
        edit itself. A burst of edits costs one refresh."""
        self._pending.append((removed, added))
        self._refresh.start()

    def stop_timers(self) -> None:
        self._refresh.stop()
        self._pending.clear()

    def flush(self) -> None:
        """Apply the edits waiting for the list (also called by tests and before reading)."""
        self._refresh.stop()
        pending, self._pending = self._pending, []
        for removed, added in pending:
            self.span_model.apply(removed, added)
        if pending:
            self._update_title()
            self.select_span(self._selected_id)

    def _update_title(self) -> None:
        model = self.span_model
        self.spans_title.setText(f"Spans · {model.rowCount()} ({model.suggested} suggested)")

    def select_span(self, span_id: int) -> None:
        self._selected_id = span_id
        if self._pending:
            return  # done when the pending edits are applied
        row = self.span_model.row_of(span_id) if span_id >= 0 else None
        if row is None:
            self.span_list.clearSelection()
            return
        index = self.span_model.index(row, 0)
        self.span_list.setCurrentIndex(index)
        self.span_list.scrollTo(index)

    def _on_span_clicked(self, index: QModelIndex) -> None:
        span = self.span_model.span(index.row())
        if span is not None:
            self.span_activated.emit(span)
