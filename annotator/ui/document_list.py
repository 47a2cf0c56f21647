"""The document list: a table model over the store that reads one page of rows at a time.

A project of 100,000 documents opens at once because only the count is read up front; rows are
fetched a page at a time when the view asks for them (the visible ones) and kept in a small cache.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotator.core.changes import Changes
from annotator.domain import Status
from annotator.store import Store

PAGE = 200
MAX_PAGES = 50
COLUMNS = ("Document", "Status", "#")  # "#": the number of entities (its header's tooltip)
COLUMN_TIPS = ("The document's title (its first line)", "Where the document stands",
               "Entities marked in the document")
STATUS_TEXT = {
    Status.NEW: "new", Status.IN_PROGRESS: "in progress", Status.ACCEPTED: "accepted",
    Status.REJECTED: "rejected", Status.SKIPPED: "skipped",
}
STATUS_COLOUR = {
    Status.ACCEPTED: "#2e8b57", Status.REJECTED: "#c0392b", Status.SKIPPED: "#8a8f98",
    Status.IN_PROGRESS: "#d68910",
}
Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    """Rows are documents in id order, filtered by status and text; ``rows_fetched`` counts the
    rows read from the store (tests use it to prove the list is lazy)."""

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.status: Status | None = None
        self.text = ""
        self.group: int | None = None  # showing one near-duplicate group (its members only)
        self._members: list[int] = []
        self._count = 0
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self.rows_fetched = 0
        self.refresh()

    # -- filtering and refreshing -----------------------------------------------------------------

    def set_filter(self, status: Status | None, text: str) -> None:
        """Show only documents with ``status`` (None: any) whose title or text contains
        ``text``. A filter the store refuses (TypeError for a status that is not a Status)
        raises before anything changes, so the list keeps working with the previous one."""
        text = text.strip()
        count = self.store.documents.count(status, text)
        self.status, self.text = status, text
        self._reset(count)

    def refresh(self) -> None:
        """Re-count and drop the cache (after an import, a filter change, a new project)."""
        if self.group is not None:
            self._members = self.store.near_dups.members(self.group)
            self._reset(len(self._members))
            return
        self._reset(self.store.documents.count(self.status, self.text))

    def set_group(self, group: int | None) -> None:
        """Show only the documents of one near-duplicate group (``None``: the filtered list)."""
        self.group = group
        self.refresh()

    def _reset(self, count: int) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = count
        self.endResetModel()

    def set_store(self, store: Store) -> None:
        self.store = store
        self.refresh()

    # -- rows --------------------------------------------------------------------------------------

    def _page(self, number: int) -> list[dict[str, Any]]:
        page = self._pages.get(number)
        if page is None:
            if self.group is not None:
                ids = self._members[number * PAGE:(number + 1) * PAGE]
                found = self.store.documents.rows_of(ids)
                page = [found[i] for i in ids if i in found]
            else:
                page = self.store.documents.page(number * PAGE, PAGE, self.status, self.text)
            _mark_groups(self.store, page)
            self.rows_fetched += len(page)
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def row_data(self, row: int) -> dict[str, Any] | None:
        if not 0 <= row < self._count:
            return None
        page = self._page(row // PAGE)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def doc_id(self, row: int) -> int | None:
        data = self.row_data(row)
        return data["id"] if data else None

    def cached_row_of(self, doc_id: int) -> int | None:
        """The row of a document if its page is in the cache (no query)."""
        for number, page in self._pages.items():
            for offset, data in enumerate(page):
                if data["id"] == doc_id:
                    return number * PAGE + offset
        return None

    def find_row(self, doc_id: int) -> int | None:
        """The row of a document, reading pages if needed (ids are in order, so bisect)."""
        row = self.cached_row_of(doc_id)
        if row is not None:
            return row
        lo, hi = 0, self._count - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            found = self.doc_id(mid)
            if found is None:
                return None
            if found == doc_id:
                return mid
            lo, hi = (mid + 1, hi) if found < doc_id else (lo, mid - 1)
        return None

    def update_document(self, doc_id: int, **changes: Any) -> None:
        """Update a cached row in place (status, entity count) without re-reading the page."""
        row = self.cached_row_of(doc_id)
        if row is None:
            return
        data = self.row_data(row)
        if data is not None:
            data.update(changes)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def apply_changes(self, changes: Changes) -> None:
        """The list refreshes itself from the change bus: new documents (or anything) re-count
        the list; label and status changes re-read just the rows on screen that they touch."""
        if changes.everything or changes.documents:
            self.refresh()
            return
        touched = changes.spans | changes.sections | changes.statuses
        cached = {data["id"]: number * PAGE + offset for number, page in self._pages.items()
                  for offset, data in enumerate(page) if data["id"] in touched}
        if not cached:
            return
        fresh = self.store.documents.rows_of(list(cached))
        for doc_id in cached:
            if doc_id in fresh:
                self.update_document(doc_id, **fresh[doc_id])

    # -- Qt model interface ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMN_TIPS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole,
                        Qt.ItemDataRole.UserRole):
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        return _cell(row, index.column(), role)


def _mark_groups(store: Store, page: list[dict[str, Any]]) -> None:
    """Give each row of a page its near-duplicate group and size (one query per page)."""
    groups = store.near_dups.sizes_of([r["id"] for r in page])
    for row in page:
        row["dup"] = groups.get(row["id"])


def _cell(row: dict[str, Any], column: int, role: int) -> Any:
    if role == Qt.ItemDataRole.UserRole:
        return row["id"]
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if column == 2 \
            else None
    status: Status = row["status"]
    if role == Qt.ItemDataRole.ForegroundRole:
        if column == 1 and status in STATUS_COLOUR:
            return QColor(STATUS_COLOUR[status])
        if status.finished and column == 0:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None
    title = row["title"] or f"Document {row['id']}"
    if column == 0:
        dup = row.get("dup")
        if dup is not None:  # a near-duplicate: "≈3" (copies in its group) before the title
            if role == Qt.ItemDataRole.DisplayRole:
                return f"≈{dup[1]}  {title}"
            return (f"#{row['id']}: {title}\nNear-duplicate group #{dup[0]} of {dup[1]} "
                    "documents (Ctrl+Shift+N lists them)")
        return title if role == Qt.ItemDataRole.DisplayRole else f"#{row['id']}: {title}"
    if column == 1:
        return STATUS_TEXT[status]
    return str(row["n_spans"])
