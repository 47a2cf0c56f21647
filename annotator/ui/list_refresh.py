"""Re-reading the document list off the GUI thread, for writes made elsewhere.

While an import, a pre-annotation or another window writes to the project, the window notices a
change twice a second (:mod:`annotator.ui.project_watch`) and the list must follow: how many
rows pass the filter, the rows on screen, and the "N of M finished" counts. On 100,000 documents
those queries cost the GUI thread 30-60 ms each time (the per-status ``GROUP BY`` alone 13 ms on
an idle machine, three times that on a busy one), which is the event loop's longest stall during
background work. Here they run in a thread of their own, on a read-only connection of its own:
SQLite releases the GIL while it steps, so the window keeps painting, and the GUI thread only
swaps the finished :class:`ListSnapshot` in (a model reset over pages already read).

Requests coalesce: while one snapshot is being read, later requests replace each other and the
newest is read next, so a burst of changes costs at most two reads. The thread starts with the
first request and is stopped (its connection closed in its own thread) by :meth:`stop`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.domain import Status
from annotator.store import StorageError, Store, open_store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SnapshotRequest:
    """What to read: the list's filter (``status``, ``text``), the page numbers to read whole
    (``pages``, each ``page_size`` rows: the ones on screen), and ``generation``, the model's
    count of its own changes when it asked (a snapshot older than a local edit is not used).
    ``rows``: False reads only the status counts (after the window's own status change)."""

    status: Status | None
    text: str
    pages: tuple[int, ...]
    page_size: int
    generation: int
    rows: bool = True

    def merged(self, older: SnapshotRequest | None) -> SnapshotRequest:
        """This request in place of ``older`` (not started yet): it still reads the rows when
        either asked for them."""
        if older is None or self.rows or not older.rows:
            return self
        return older


@dataclass
class ListSnapshot:
    """The list as one read found it: ``count`` rows pass the filter (-1: not read, a counts
    only request), ``pages`` maps a page
    number to its rows (dicts as ``Documents.rows_of`` gives them, plus ``dup``: the row's
    near-duplicate group and its size, or ``None``), and ``status_counts`` counts the whole
    project by status (for the status bar)."""

    request: SnapshotRequest
    count: int
    status_counts: dict[Status, int]
    pages: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def read_snapshot(store: Store, request: SnapshotRequest) -> ListSnapshot:
    """Read one snapshot through ``store`` (any connection; the refresher's own in the app)."""
    if not request.rows:
        return ListSnapshot(request, -1, store.documents.status_counts())
    query = store.documents.list_query(request.status, request.text)
    count = query.count()
    pages: dict[int, list[dict[str, Any]]] = {}
    for number in request.pages:
        if number * request.page_size >= count:
            continue
        ids = query.ids(number * request.page_size, request.page_size)
        rows = store.documents.rows_of(ids)
        page = [rows[i] for i in ids if i in rows]
        mark_groups(store, page)
        pages[number] = page
    return ListSnapshot(request, count, store.documents.status_counts(), pages)


def mark_groups(store: Store, page: list[dict[str, Any]]) -> None:
    """Give each row of a page its near-duplicate group and size (one query per page)."""
    groups = store.near_dups.sizes_of([r["id"] for r in page])
    for row in page:
        row["dup"] = groups.get(row["id"])


class ListRefresher(QObject):
    """Reads :class:`ListSnapshot` s of one project file in a background thread; ``ready`` is
    emitted on the GUI thread (queued) with each one, ``failed`` with a message when the file
    could not be read (the caller then refreshes the old way)."""

    ready = Signal(object)  # ListSnapshot
    failed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: SnapshotRequest | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.reads = 0  # snapshots read (tests: proof that requests coalesce)

    def request(self, request: SnapshotRequest) -> None:
        """Read a snapshot for ``request`` soon; replaces a request not yet started."""
        with self._lock:
            if self._stopping:
                return
            self._pending = request.merged(self._pending)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="list-refresh",
                                                daemon=True)
                self._thread.start()
            self._wake.notify()

    def busy(self) -> bool:
        """Whether a request is waiting or being read."""
        with self._lock:
            return self._pending is not None or self._reading

    _reading = False

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (before the project's store closes, on a project switch or close);
        a snapshot being read is dropped."""
        with self._lock:
            self._stopping = True
            self._pending = None
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        try:
            store = open_store(self.db_path, read_only=True)
        except (StorageError, OSError) as exc:
            log.warning("cannot open %s to read the list in the background: %s",
                        self.db_path, exc)
            with self._lock:
                self._thread = None  # the next request tries again
                self._pending = None  # this one is read the old way (see ``failed``)
            self.failed.emit(str(exc))
            return
        try:
            while (request := self._next()) is not None:
                try:
                    snapshot = read_snapshot(store, request)
                except (StorageError, KeyError) as exc:  # busy, a document gone meanwhile
                    log.info("reading the list in the background failed: %s", exc)
                    self.failed.emit(str(exc))
                    self._done()
                    continue
                self.reads += 1
                if self.stopping():
                    return
                # posted before it stops being busy: once busy() is False, the snapshot is
                # waiting in the GUI thread's queue (see DocumentListModel.refreshing)
                self.ready.emit(snapshot)
                self._done()
        finally:
            store.close()

    def stopping(self) -> bool:
        with self._lock:
            return self._stopping

    def _next(self) -> SnapshotRequest | None:
        """Wait for a request (``None``: stop)."""
        with self._lock:
            while self._pending is None and not self._stopping:
                self._wake.wait()
            if self._stopping:
                return None
            request, self._pending = self._pending, None
            self._reading = True
            return request

    def _done(self) -> None:
        """A read ended (and its outcome was posted)."""
        with self._lock:
            self._reading = False
