"""The left panel: filter by status and text, and the lazy document list (``documentList``).
Making a row current announces the document; the window opens it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import Status
from annotator.ui.document_list import STATUS_TEXT, DocumentListModel
from annotator.ui.tables import setup_rows


class ListPanel(QWidget):
    document_chosen = Signal(int)
    list_reset = Signal()  # after a re-count: the window puts the current document back

    def __init__(self, model: DocumentListModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("listPanel")
        self.setAccessibleName("Documents")
        self.model = model
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.setAccessibleName("Show documents with status")
        self.status.addItem("All", None)
        for status, text in STATUS_TEXT.items():
            self.status.addItem(text.capitalize(), status.value)
        self.search = QLineEdit()
        self.search.setObjectName("textFilter")
        self.search.setAccessibleName("Filter documents by text")
        self.search.setPlaceholderText("Filter (Ctrl+Shift+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Documents with these words in their title or text, in this order;"
                               " the last word may begin a longer one (lisb: Lisbon)")
        self.view = self._make_view(model)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 2, 8)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._apply_filter)
        self.status.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self._quiet = False

    def _make_view(self, model: DocumentListModel) -> QTableView:
        """A table, not a tree: QTreeView lays out every row up front (100,000 calls into the
        model), QTableView only asks for the rows on screen."""
        view = QTableView(self)
        view.setObjectName("documentList")
        view.setAccessibleName("Document list")
        view.setModel(model)
        view.setAlternatingRowColors(True)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = setup_rows(view, "Document rows", padding=10)
        header.setAccessibleName("Columns: document, status, entities")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Status and count columns just wide enough for their words, so titles get the rest.
        metrics = view.fontMetrics()
        widest_status = max(metrics.horizontalAdvance(t) for t in STATUS_TEXT.values())
        for column, width in ((1, widest_status), (2, metrics.horizontalAdvance("0000"))):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width + 14)
        # Never narrower than its header: squeezed, the title column fell below its minimum and
        # the view scrolled sideways, showing "ocume" for "Document" (at 923 px).
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        title = header.fontMetrics().horizontalAdvance(
            str(model.headerData(0, Qt.Orientation.Horizontal))) + 16
        header.setMinimumSectionSize(min(header.minimumSectionSize(), title))
        view.setMinimumWidth(title + header.sectionSize(1) + header.sectionSize(2)
                             + view.verticalScrollBar().sizeHint().width()
                             + 2 * view.frameWidth())
        model.modelReset.connect(self._on_reset)
        view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        return view

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def set_current_row(self, row: int, quiet: bool = False) -> None:
        """Make a row current (which opens its document, unless ``quiet``)."""
        self._quiet = quiet
        try:
            index = self.model.index(row, 0)
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.view.scrollTo(index)
        finally:
            self._quiet = False

    def next_unfinished_row(self, after: int, current_id: int | None) -> int | None:
        """The first row after ``after`` (wrapping round) whose document is not finished."""
        return self.model.next_unfinished_row(after, current_id)

    def stop_timers(self) -> None:
        self._debounce.stop()

    def focus_filter(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def chosen_status(self) -> Status | None:
        """The status picked in the combo box. Qt hands item data back as it pleases (PySide6
        6.11 turns a ``Status`` into a plain ``str``), so it is converted back here."""
        data = self.status.currentData()
        return None if data is None else Status(data)

    def _apply_filter(self) -> None:
        self.model.set_filter(self.chosen_status(), self.search.text())

    def _on_reset(self) -> None:
        self.list_reset.emit()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        doc_id = self.model.doc_id(current.row())
        if doc_id is not None:
            self.document_chosen.emit(doc_id)
