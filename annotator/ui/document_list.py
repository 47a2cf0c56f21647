"""The document list: a table model over the store that reads one page of rows at a time.

A project of 100,000 documents opens at once because only the count is read up front; rows are
fetched a page at a time when the view asks for them (the visible ones) and kept in a small cache.
Each page is found from the nearest page read before it (its first row and id: an anchor), so
scrolling reads the next 200 ids from an index wherever the list is; finding a document's row and
the next unfinished document are single queries (:class:`annotator.store.listing.ListQuery`).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotator.core.changes import Changes
from annotator.domain import Status
from annotator.store import Store
from annotator.ui.list_refresh import ListRefresher, ListSnapshot, SnapshotRequest, mark_groups

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

DISPLAY, TOOLTIP, FOREGROUND, ALIGNMENT, USER = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.UserRole))
_ROLES = frozenset((DISPLAY, TOOLTIP, FOREGROUND, ALIGNMENT, USER))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_COLOURS = {status: QColor(colour) for status, colour in STATUS_COLOUR.items()}


class DocumentListModel(QAbstractTableModel):
    """Rows are documents in id order, filtered by status and text; ``rows_fetched`` counts the
    rows read from the store (tests use it to prove the list is lazy)."""

    counts_read = Signal(object)  # dict[Status, int]: the project's status counts, read later

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.status: Status | None = None
        self.text = ""
        self._query = store.documents.list_query()
        self.group: int | None = None  # showing one near-duplicate group (its members only)
        self._members: list[int] = []
        self._count = 0
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._anchors: dict[int, int] = {}  # page number -> id of its first row
        self.rows_fetched = 0
        # writes made elsewhere are re-read in the background when the window gives the model a
        # refresher (see use_refresher); ``generation`` counts the model's own changes, so a
        # snapshot read before one of them is never shown
        self.refresher: ListRefresher | None = None
        self.generation = 0
        self._status_counts: dict[Status, int] | None = None
        self.refresh()

    def use_refresher(self, refresher: ListRefresher | None) -> None:
        """Re-read the list off the GUI thread after writes made elsewhere (``None``: on it,
        as before). The window gives one per project file."""
        if self.refresher is not None:
            self.refresher.ready.disconnect(self._on_snapshot)
            self.refresher.failed.disconnect(self._on_snapshot_failed)
        self.refresher = refresher
        if refresher is not None:
            refresher.ready.connect(self._on_snapshot)
            refresher.failed.connect(self._on_snapshot_failed)

    # -- filtering and refreshing -----------------------------------------------------------------

    def set_filter(self, status: Status | None, text: str) -> None:
        """Show only documents with ``status`` (None: any) whose title or text has the words
        of ``text`` (see :mod:`annotator.store.listing`). A filter the store refuses (TypeError
        for a status that is not a Status) raises before anything changes, so the list keeps
        working with the previous one."""
        text = text.strip()
        query = self.store.documents.list_query(status, text)
        count = query.count()
        self.status, self.text, self._query = status, text, query
        self._reset(count)

    def refresh(self) -> None:
        """Re-count and drop the cache (after an import, a filter change, a new project)."""
        if self.group is not None:
            self._members = self.store.near_dups.members(self.group)
            self._reset(len(self._members))
            return
        self._query = self.store.documents.list_query(self.status, self.text)
        self._reset(self._query.count())

    def set_group(self, group: int | None) -> None:
        """Show only the documents of one near-duplicate group (``None``: the filtered list)."""
        self.group = group
        self.refresh()

    def _reset(self, count: int) -> None:
        self.generation += 1
        self._status_counts = None
        self.beginResetModel()
        self._pages.clear()
        self._anchors.clear()
        self._count = count
        self.endResetModel()

    # -- refreshing in the background ------------------------------------------------------------

    def refresh_later(self, rows: bool = True) -> None:
        """Re-read the list (``rows``; else only the status counts) in the background; the
        model resets when the snapshot arrives, with the pages on screen already read. Without
        a refresher, or showing a near-duplicate group, it refreshes now."""
        if self.refresher is None or (rows and self.group is not None):
            if rows:
                self.refresh()
            else:
                self.counts_read.emit(self.store.documents.status_counts())
            return
        # every cached page when they are few (then rows that did not move need no reset),
        # else the two read last: the rows on screen
        cached = list(self._pages)
        on_screen = tuple(sorted(cached if len(cached) <= 4 else cached[-2:])) or (0,)
        self.refresher.request(SnapshotRequest(self.status, self.text, on_screen, PAGE,
                                               self.generation, rows))

    def refreshing(self) -> bool:
        """Whether a background read is asked for or being read: when False, what it read is
        shown, or waits in the event queue (one ``processEvents`` shows it). Tests wait for
        this after a job."""
        return self.refresher is not None and self.refresher.busy()

    def take_status_counts(self) -> dict[Status, int] | None:
        """The status counts that came with the snapshot just shown (once), else ``None``."""
        counts, self._status_counts = self._status_counts, None
        return counts

    def _on_snapshot(self, snapshot: ListSnapshot) -> None:
        if self.refresher is None:  # read before the window let go of its project: dropped
            return
        request = snapshot.request
        if not request.rows:
            self.counts_read.emit(snapshot.status_counts)
            return
        if (request.generation != self.generation or self.group is not None
                or (request.status, request.text) != (self.status, self.text)):
            if self.group is None:  # the list changed here meanwhile: read it again
                self.refresh_later()
            return
        for page in snapshot.pages.values():
            self.rows_fetched += len(page)
        if not self._update_in_place(snapshot):
            self._reset_to(snapshot)

    def _update_in_place(self, snapshot: ListSnapshot) -> bool:
        """When every cached page was read again and holds the same documents in the same
        rows (an import adding at the end, a job changing labels), change only what changed:
        rows added or removed after them, and the rows whose status or count moved. Nothing
        is reset, so the view repaints those rows alone and keeps its current row. False when
        that cannot be known (rows moved): the caller resets."""
        fresh = snapshot.pages
        if not set(self._pages) <= set(fresh) or self._count == 0 < snapshot.count:
            return False  # an empty list filled is reset: the window then opens a document
        for number, page in self._pages.items():
            if [r["id"] for r in page] != [r["id"] for r in fresh[number]]:
                return False
        changed = [number * PAGE + offset for number, page in self._pages.items()
                   for offset, (was, now) in enumerate(zip(page, fresh[number], strict=True))
                   if was != now]
        for number in self._pages:
            self._pages[number] = fresh[number]
        if snapshot.count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, snapshot.count - 1)
            self._count = snapshot.count
            self.endInsertRows()
        elif snapshot.count < self._count:
            self.beginRemoveRows(QModelIndex(), snapshot.count, self._count - 1)
            self._count = snapshot.count
            self.endRemoveRows()
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0),
                                  self.index(max(changed), len(COLUMNS) - 1))
        self.counts_read.emit(snapshot.status_counts)
        return True

    def _reset_to(self, snapshot: ListSnapshot) -> None:
        """A model reset to the snapshot, its pages already read (the view reads no row)."""
        self.beginResetModel()
        self._pages.clear()
        self._anchors.clear()
        for number, page in sorted(snapshot.pages.items()):
            self._pages[number] = page
            if page:
                self._anchors[number] = page[0]["id"]
        self._count = snapshot.count
        self._status_counts = snapshot.status_counts
        self.endResetModel()
        self._status_counts = None

    def _on_snapshot_failed(self, _message: str) -> None:
        if self.refresher is not None:  # else the project is closed (or another one opens)
            self.refresh()  # the file could not be read in the background: read it here

    def set_store(self, store: Store) -> None:
        self.store = store
        self.refresh()

    # -- rows --------------------------------------------------------------------------------------

    def _page(self, number: int) -> list[dict[str, Any]]:
        page = self._pages.get(number)
        if page is None:
            if self.group is not None:
                ids = self._members[number * PAGE:(number + 1) * PAGE]
            else:
                below = max((n for n in self._anchors if n <= number), default=None)
                anchor = (below * PAGE, self._anchors[below]) if below is not None else None
                ids = self._query.ids(number * PAGE, PAGE, anchor)
            rows = self.store.documents.rows_of(ids)
            page = [rows[i] for i in ids if i in rows]
            mark_groups(self.store, page)
            self.rows_fetched += len(page)
            self._pages[number] = page
            if page:
                self._anchors[number] = page[0]["id"]
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
        """The row of a document (one counting query unless its page is cached); ``None`` when
        the filter leaves it out."""
        row = self.cached_row_of(doc_id)
        if row is not None:
            return row
        row = self._query.row_of(doc_id)
        return row if row is not None and row < self._count else None

    def next_unfinished_row(self, after: int, current_id: int | None) -> int | None:
        """The first row after ``after`` (wrapping round) whose document is not finished and is
        not ``current_id``: one query in the store, then its row."""
        after_id = self.doc_id(after) if after >= 0 else None
        found = self._query.next_unfinished(after_id or 0, skip=current_id)
        return None if found is None else self.find_row(found)

    def update_document(self, doc_id: int, **changes: Any) -> None:
        """Update a cached row in place (status, entity count) without re-reading the page."""
        row = self.cached_row_of(doc_id)
        if row is None:
            return
        data = self.row_data(row)
        if data is not None:
            self.generation += 1
            data.update(changes)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def apply_changes(self, changes: Changes) -> None:
        """The list refreshes itself from the change bus: new documents (or anything) re-count
        the list; label and status changes re-read just the rows on screen that they touch.
        What another connection wrote (a job as it ends, another window: ``changes.elsewhere``)
        is re-read in the background: at the end of an import of 100,000 documents the count,
        the status counts and the page on screen read here, just after its last commit, were
        the window's longest stall (49-63 ms, stall8)."""
        if changes.everything or changes.documents:
            if changes.elsewhere:
                self.refresh_later()
            else:
                self.refresh()
            return
        cached = {data["id"]: number * PAGE + offset for number, page in self._pages.items()
                  for offset, data in enumerate(page) if changes.touches_row(data["id"])}
        if not cached:
            return
        if changes.elsewhere and self.refresher is not None and self.group is None:
            self.refresh_later()  # the rows on screen, re-read and changed in place
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

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Called for every cell and role at each paint (~1,400 calls for a screenful): roles are
        # compared as plain ints, and the roles we leave to the view return at once.
        if role not in _ROLES or not index.isValid():
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        return _cell(row, index.column(), role)


def _cell(row: dict[str, Any], column: int, role: int) -> Any:
    if role == USER:
        return row["id"]
    if role == ALIGNMENT:
        return _RIGHT if column == 2 else None
    status: Status = row["status"]
    if role == FOREGROUND:
        if column == 1 and status in _COLOURS:
            return _COLOURS[status]
        if column == 0 and status.finished:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None
    title = row["title"] or f"Document {row['id']}"
    if column == 0:
        dup = row.get("dup")
        if dup is not None:  # a near-duplicate: "≈3" (copies in its group) before the title
            if role == DISPLAY:
                return f"≈{dup[1]}  {title}"
            return (f"#{row['id']}: {title}\nNear-duplicate group #{dup[0]} of {dup[1]} "
                    "documents (Ctrl+Shift+N lists them)")
        return title if role == DISPLAY else f"#{row['id']}: {title}"
    if column == 1:
        return STATUS_TEXT[status]
    return str(row["n_spans"])
