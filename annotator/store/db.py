"""The project file: one SQLite database per project, opened through sqlite-utils.

:class:`Store` is composed of parts, one per kind of thing it keeps: ``store.documents``,
``store.spans``, ``store.sections``, ``store.labels``, ``store.settings`` and
``store.suggestions``. They share one connection, so a transaction may span parts. Every method
that writes is one transaction (``BEGIN IMMEDIATE``), committed before it returns, so what the UI
shows is already on disk. WAL lets readers (the document list) run while a worker writes.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from sqlite_utils import Database

from annotator.store.base import Base
from annotator.store.documents import Documents
from annotator.store.labels import Labels, Settings
from annotator.store.migrations import migrations
from annotator.store.sections import Sections
from annotator.store.spans import Spans
from annotator.store.suggestions import Suggestions

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# The window's own connection waits at most this long for the write lock: bulk writers hold it
# for about 50 ms per transaction, so a longer wait means something is wrong, and the person is
# told (and can retry) rather than left with a frozen window.
INTERACTIVE_TIMEOUT_MS = 1_000


def connect(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open (creating if needed) a project database with our pragmas, and upgrade its schema."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # for opening and migrating
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn, execute_plugins=False)  # our connection, not third-party hooks
    migrations.apply(db)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return db


class Store:
    """A project's documents, labels and settings: the only door to SQLite.

    Errors: ``sqlite3.DatabaseError`` when the file is not a database; ``KeyError`` for an
    unknown document; :class:`annotator.domain.SpanError` (and its :class:`StaleEdit`) for a label
    edit that cannot be stored; ``sqlite3.OperationalError`` ("database is locked") when another
    writer holds the file longer than the busy timeout."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.path = Path(path)
        self._base = Base(connect(self.path, busy_timeout_ms))
        self.db = self._base.db
        self.conn = self._base.conn
        self.documents = Documents(self._base)
        self.spans = Spans(self._base)
        self.sections = Sections(self._base)
        self.labels = Labels(self._base)
        self.settings = Settings(self._base)
        self.suggestions = Suggestions(self._base)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction across parts; nested calls join the outer one."""
        return self._base.transaction()

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: changes when another connection commits to the
        file (our own commits leave it alone), so a window can notice writes made elsewhere."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def schema_version(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]


__all__ = ["Store", "connect"]
