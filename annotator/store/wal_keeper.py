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
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

EVERY = 2.0  # seconds between two passive checkpoints


class WalKeeper:
    """A daemon thread checkpointing ``path`` every ``every`` seconds until :meth:`stop`."""

    def __init__(self, path: str | Path, every: float = EVERY):
        self.path = str(path)
        self.every = every
        self.checkpoints = 0  # passive checkpoints that copied frames (for tests and logs)
        self._seen = (-1, -1)  # the log's frames and copied frames at the last checkpoint
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-keeper", daemon=True)

    def start(self) -> WalKeeper:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ends the thread, waiting at most ``timeout`` seconds for a checkpoint in flight."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

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
        try:
            while not self._stop.wait(self.every):
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
