"""The project file: one SQLite database per project, opened through sqlite-utils.

:class:`Store` is composed of parts, one per kind of thing it keeps: ``store.documents``,
``store.spans``, ``store.sections``, ``store.labels``, ``store.settings``,
``store.suggestions``, ``store.curation`` and ``store.section_pages``. They share one
connection, so a transaction may span parts. Every method
that writes is one transaction (``BEGIN IMMEDIATE``), committed before it returns, so what the UI
shows is already on disk. WAL lets readers (the document list) run while a worker writes. How a
file is recognised, created, upgraded and opened read-only is in :mod:`annotator.store.connection`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from annotator.store.base import Base
from annotator.store.confirmed import ConfirmedData
from annotator.store.connection import BUSY_TIMEOUT_MS, connect
from annotator.store.curation import Curation
from annotator.store.documents import Documents
from annotator.store.labels import Labels, Settings
from annotator.store.migrations import migrations
from annotator.store.near_dups import NearDups
from annotator.store.section_pages import SectionPages
from annotator.store.sections import Sections
from annotator.store.spans import Spans
from annotator.store.suggestions import Suggestions
from annotator.store.token_cache import TokenCache
from annotator.store.wal_keeper import WalKeeper

log = logging.getLogger(__name__)

# The window's own connection waits at most this long for the write lock: bulk writers hold it
# for about 50 ms per transaction, so a longer wait means something is wrong, and the person is
# told (and can retry) rather than left with a frozen window.
INTERACTIVE_TIMEOUT_MS = 1_000
# How long the window waits for the log's sync after its commit before it starts running its
# event loop meanwhile (seconds): a sync usually takes ~1 ms; a slow disk gets the event loop.
SYNC_QUIET_WAIT = 0.008


class Store:
    """A project's documents, labels and settings: the only door to SQLite.

    Errors: :class:`~annotator.store.connection.NotAProjectError` (a ``sqlite3.DatabaseError``)
    when the file is not an annotator project;
    :class:`~annotator.store.connection.ReadOnlyProjectError` for a write to a project opened
    read-only; ``KeyError`` for an
    unknown document; :class:`annotator.domain.SpanError` (and its :class:`StaleEdit`) for a label
    edit that cannot be stored; ``sqlite3.OperationalError`` ("database is locked") when another
    writer holds the file longer than the busy timeout."""

    def __init__(self, path: str | Path, busy_timeout_ms: int | None = None,
                 read_only: bool = False, interactive: bool = False):
        """Open ``path``, creating or upgrading it unless ``read_only``; writes then wait up to
        ``busy_timeout_ms`` (default :data:`BUSY_TIMEOUT_MS`) for the lock.

        ``read_only`` is also set when the file was made by a newer annotator or cannot be
        written; ``notice`` then says why, for the person. ``interactive``: the window's
        connection, whose writes go before background writers' next batches.
        """
        self.path = Path(path)
        opened = connect(self.path, read_only=read_only,
                         busy_timeout_ms=busy_timeout_ms or BUSY_TIMEOUT_MS)
        self.read_only = opened.read_only
        self.notice = opened.notice
        why = (opened.notice or f"{self.path}: opened read-only") if opened.read_only else None
        self._base = Base(opened.db, why, interactive)
        self._keeper: WalKeeper | None = None
        if interactive and not opened.read_only:
            # the window's thread never checkpoints and never syncs the log: a thread does
            # both (see wal_keeper)
            self._base.conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._base.conn.execute("PRAGMA synchronous = NORMAL")
            self._keeper = WalKeeper(self.path).start()
            self._base.committed = self._synced_by_keeper
        self.db = self._base.db
        self.conn = self._base.conn
        self.documents = Documents(self._base)
        self.spans = Spans(self._base)
        self.sections = Sections(self._base)
        self.labels = Labels(self._base)
        self.settings = Settings(self._base)
        self.suggestions = Suggestions(self._base)
        self.curation = Curation(self._base)
        self.near_dups = NearDups(self._base)
        self.confirmed = ConfirmedData(self._base)
        self.section_pages = SectionPages(self._base)
        self.tokens = TokenCache(self._base)

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.stop()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction across parts; nested calls join the outer one."""
        return self._base.transaction()

    def _synced_by_keeper(self) -> None:
        """After the window's commit: wait for the keeper's sync of the log, running
        :attr:`Base.lock_wait` meanwhile (the window's event loop), so the edit is on the disk
        before it is drawn and the window kept painting while the disk synced.

        The first few milliseconds are a plain wait, which wakes the moment the sync is done
        (a sync takes ~1 ms on this project's machines); polling with the event loop from the
        start added up to a millisecond and a stray repaint to every label."""
        assert self._keeper is not None
        done = self._keeper.sync_soon()
        if done.wait(SYNC_QUIET_WAIT):
            return
        while not done.wait(0.002):
            self._base.lock_wait(0)

    def set_lock_wait(self, wait: Callable[[float], None]) -> None:
        """What a write does while another connection holds the write lock, between two tries
        (``wait(seconds)``; default ``time.sleep``). The window passes one that runs its event
        loop for everything but the person's input, so it keeps painting while a label waits
        for an import's batch; the input waits in its queue until the label is committed."""
        self._base.lock_wait = wait

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: changes when another connection commits to the
        file (our own commits leave it alone), so a window can notice writes made elsewhere."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def schema_version(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]


__all__ = ["BUSY_TIMEOUT_MS", "INTERACTIVE_TIMEOUT_MS", "Store", "connect"]
