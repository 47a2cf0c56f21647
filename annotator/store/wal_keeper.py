"""The window never copies the write-ahead log into the project file on its own thread.

In WAL mode SQLite copies the log back into the file (a checkpoint) at the end of whichever
commit finds the log past ``wal_autocheckpoint`` pages (1,000 by default, 4 MB). During an
import in another process that commit was often a person's label: it then copied megabytes and
synced the file before the window could draw the label. Imports let the log grow further
(:data:`annotator.store.documents.BULK_CHECKPOINT_PAGES`), which made such a label slower still.

So the window's connection checkpoints nothing (``wal_autocheckpoint = 0``), and a
:class:`WalKeeper` thread, on its own connection, runs a ``PASSIVE`` checkpoint every
:data:`EVERY` seconds: it takes no lock that a writer or a reader waits for, copies what no
reader still needs, and does nothing when the log is already copied. SQLite releases the GIL
while it copies and syncs, so the window keeps turning.

The keeper also syncs the log for the window. A commit under ``synchronous = FULL`` syncs the log
while it still holds the write lock; during an import that sync waited behind the importer's
writes to the disk, 25-65 ms on the GUI thread for each label (half the window's longest
stall). So the window's connection commits with ``synchronous = NORMAL``, which releases the
lock without syncing, then asks the keeper to ``fsync`` the log (:meth:`WalKeeper.sync_soon`)
and runs its event loop (everything but the person's input) until that is done: the label is on
the disk before it is drawn, as under FULL, and the window kept painting meanwhile. A bulk
writer does the same on its own thread (:func:`fsync_log` after each batch's commit, see
``Base.syncing_after_commit``): its batches hold the lock for their writes only, so a label
waits less for them.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

EVERY = 2.0  # seconds between two passive checkpoints


def fsync_log(project: str | Path) -> bool:
    """``fsync`` the write-ahead log of ``project``: every commit written to it so far is then
    on the disk. False when there is no log (never written, or removed by the last close).
    Raises ``OSError`` when the disk refuses the sync."""
    try:
        fd = os.open(f"{project}-wal", os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


class WalKeeper:
    """A daemon thread checkpointing ``path`` every ``every`` seconds until :meth:`stop`, and
    syncing its log whenever :meth:`sync_soon` asks."""

    def __init__(self, path: str | Path, every: float = EVERY):
        self.path = str(path)
        self.every = every
        self.checkpoints = 0  # passive checkpoints that copied frames (for tests and logs)
        self._seen = (-1, -1)  # the log's frames and copied frames at the last checkpoint
        self.syncs = 0  # fsyncs of the log made for sync_soon
        self._stop = threading.Event()
        self._wake = threading.Event()  # a sync asked for, or stop
        self._waiting: list[threading.Event] = []  # commits not synced yet: set once they are
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="wal-keeper", daemon=True)

    def start(self) -> WalKeeper:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ends the thread, waiting at most ``timeout`` seconds for a checkpoint in flight."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._waiting:  # the window's last commit, if the thread missed it
            self.sync_log()

    def sync_soon(self) -> threading.Event:
        """The window's connection committed without syncing: sync the log on the thread. The
        event is set once the sync covering that commit is done (or failed: then logged)."""
        done = threading.Event()
        with self._lock:
            self._waiting.append(done)
        if not self._thread.is_alive():  # stopped, or never started: sync here
            self.sync_log()
            return done
        self._wake.set()
        return done

    def sync_log(self) -> None:
        """Sync the log now, then wake whoever waits for a sync asked before it began."""
        with self._lock:
            waiting, self._waiting = self._waiting, []
        try:
            if fsync_log(self.path):
                self.syncs += 1
        except OSError:
            log.warning("cannot sync the log of %s", self.path, exc_info=True)
        finally:
            for done in waiting:
                done.set()

    def checkpoint(self, conn: sqlite3.Connection) -> int:
        """One passive checkpoint; returns the log's frames it could not copy yet (a reader
        still needs them, or a writer is appending)."""
        busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if copied > 0 and (logged, copied) != self._seen:
            self.checkpoints += 1
        self._seen = (logged, copied)
        return max(logged - copied, 0)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        due = time.monotonic() + self.every
        try:
            while not self._stop.is_set():
                self._wake.wait(max(0.0, due - time.monotonic()))
                self._wake.clear()
                if self._stop.is_set():
                    break
                if self._waiting:
                    self.sync_log()
                if time.monotonic() < due:
                    continue
                due = time.monotonic() + self.every
                if conn is None:
                    conn = sqlite3.connect(self.path, isolation_level=None,
                                           check_same_thread=False)
                    conn.execute("PRAGMA busy_timeout = 0")
                try:
                    self.checkpoint(conn)
                except sqlite3.Error as exc:  # locked, the file gone: the next turn tries again
                    log.debug("passive checkpoint of %s skipped: %s", self.path, exc)
        except sqlite3.Error:
            log.warning("cannot checkpoint %s in the background", self.path, exc_info=True)
        finally:
            if conn is not None:
                conn.close()
            if self._waiting:  # the thread ends (stop, or an error): nobody waits forever
                self.sync_log()
