"""What every part of the store shares: the connection and the one way to write.

Each part (:mod:`documents`, :mod:`spans`, :mod:`sections`, :mod:`labels`, :mod:`suggestions`)
holds the same :class:`Base`, so a transaction that spans parts (accepting a document confirms its
suggestions) is still one transaction.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlite_utils import Database

from annotator.store.connection import ReadOnlyProjectError
from annotator.store.person_first import PersonAsked, PersonFirst
from annotator.store.wal_keeper import fsync_log

log = logging.getLogger(__name__)
T = TypeVar("T")


def now() -> str:
    """Timestamps in UTC, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def marks(items: Sequence[Any]) -> str:
    """``?, ?, ?`` for an ``IN`` list of ``items``."""
    return ", ".join("?" for _ in items)


def chunks(items: Sequence[Any], size: int = 500) -> list[list[Any]]:
    """``items`` in lists of at most ``size``: the pieces an ``IN (...)`` query takes, kept
    well under SQLite's limit on bound parameters."""
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def _nothing() -> None:
    pass


class Base:
    """The open connection (autocommit; transactions are explicit) and its sqlite-utils view."""

    def __init__(self, db: Database, read_only: str | None = None, interactive: bool = False):
        """``read_only``: why the project may not be written (then every write raises
        :class:`~annotator.store.connection.ReadOnlyProjectError` with it); None when it may.
        ``interactive``: the window's connection, whose writes go before a background writer's
        next batch (:mod:`annotator.store.person_first`)."""
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.read_only = read_only
        main_file = next((r[2] for r in self.conn.execute("PRAGMA database_list")
                          if r[1] == "main"), "")
        self.person = PersonFirst(main_file or None, interactive)
        self.last_wait = 0.0  # seconds the last write transaction waited to begin
        # what a write does between two tries for a lock another connection holds (seconds);
        # the window passes one that keeps its event loop running (see Store.set_lock_wait)
        self.lock_wait: Callable[[float], None] = time.sleep
        # called after each COMMIT, the lock released: the window's connection and bulk
        # writers sync the log there (see annotator.store.wal_keeper)
        self.committed: Callable[[], None] = _nothing
        self.last_sync = 0.0  # seconds the last transaction's sync after COMMIT took
        self.project = main_file or None
        self._timeout_ms: int | None = None  # the busy timeout while _begin has set it to 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), committed when the block ends and rolled
        back if it raises; nested calls join the outer one through a savepoint."""
        if self.read_only is not None:
            raise ReadOnlyProjectError(self.read_only or "the project was opened read-only")
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self.conn
            return
        waiting_since = time.perf_counter()
        self.person.give_way()
        self._begin()
        self.last_wait = time.perf_counter() - waiting_since
        try:
            yield self.conn
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk, I/O): a second
            # ROLLBACK would fail and hide the real error.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        synced_from = time.perf_counter()
        self.committed()
        self.last_sync = time.perf_counter() - synced_from

    def giving_way(self, write: Callable[[sqlite3.Connection], T]) -> T:
        """A bulk writer's transaction (an import's batch, a pre-annotation's) that gives the
        write lock to the window as soon as it asks (:meth:`PersonFirst.yielding`): the
        transaction rolls back and ``write(conn)`` runs again, in a new one, after the window's
        write. Only once: a person labelling without a pause slows a bulk writer, never stops
        it. ``write`` must be safe to run twice (what it changes outside the database is put
        back by itself); returns what its committed run returned."""
        try:
            return self.try_giving_way(write)
        except PersonAsked:
            log.debug("a bulk write rolled back for the window")
        with self.transaction() as conn:
            return write(conn)

    def try_giving_way(self, write: Callable[[sqlite3.Connection], T]) -> T:
        """One try of :meth:`giving_way`: ``write(conn)`` in a transaction that rolls back as
        soon as the window asks for the lock, then raises :class:`PersonAsked`; what to write
        next is the caller's choice (an import's batch writes half of it again)."""
        with self.transaction() as conn, self.person.yielding(conn, time.time()):
            return write(conn)

    @contextmanager
    def syncing_after_commit(self) -> Iterator[None]:
        """Bulk writes (an import's batches): each commit releases the lock without syncing
        (``synchronous = NORMAL``), then syncs the log before the transaction returns. What
        the caller is told is saved is on the disk, as under FULL, but the lock is not held
        while the disk syncs, so a person's label waits less for each batch. The window's
        connection already does this through its keeper; an in-memory project needs none."""
        if self.project is None or self.committed is not _nothing:
            yield
            return
        project = self.project

        def sync() -> None:
            fsync_log(project)

        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.committed = sync
        try:
            yield
        finally:
            self.committed = _nothing
            self.conn.execute("PRAGMA synchronous = FULL")

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, retried every 2 ms for as long as the connection's busy timeout.

        SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms), so a
        bulk writer that commits every 50 ms and takes the lock again a few ms later (an import,
        a pre-annotation) won nearly every race, and a person's label waited for seconds. Trying
        often catches the gap between two of its batches; the window's connection also asks
        background writers to stay off the lock meanwhile (:mod:`person_first`).

        Between tries it calls :attr:`lock_wait` (default ``time.sleep``). Whatever that runs
        may write too (a job's result handled by the window's event loop): such a write tries
        the lock the same way, under the same deadline, and the outer try goes on after it."""
        outermost = self._timeout_ms is None  # else a write started while another waits
        timeout_ms = (self.conn.execute("PRAGMA busy_timeout").fetchone()[0] if outermost
                      else self._timeout_ms)
        if timeout_ms <= 0:
            self.conn.execute("BEGIN IMMEDIATE")
            return
        deadline = time.monotonic() + timeout_ms / 1000
        if outermost:
            self.conn.execute("PRAGMA busy_timeout = 0")
            self._timeout_ms = timeout_ms
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() >= deadline:
                        raise
                    self.person.waiting()
                    self.lock_wait(0.002)
        finally:
            if outermost:
                self._timeout_ms = None
                self.conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")

    def touch(self, conn: sqlite3.Connection, doc_id: int) -> None:
        """Mark a document as being worked on after an edit (new becomes in progress)."""
        conn.execute(
            """UPDATE documents SET updated_at = ?, revision = revision + 1,
                   status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END
               WHERE id = ?""",
            [now(), doc_id],
        )

    def bump(self, conn: sqlite3.Connection, doc_ids: list[int]) -> None:
        """Raise the revision of documents whose labels a machine changed (no status change)."""
        conn.executemany("UPDATE documents SET revision = revision + 1 WHERE id = ?",
                         [(i,) for i in doc_ids])

    def text_of(self, doc_id: int) -> str:
        """A document's text; ``KeyError`` when there is no such document."""
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id}")
        return row[0]

    def label_names(self, kind: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT name FROM labels WHERE kind = ? ORDER BY position", [str(kind)]
        )
        return [r[0] for r in rows]
