"""The project file: one SQLite database per project, opened through sqlite-utils.

Every method that writes is one transaction (``BEGIN IMMEDIATE``), committed before it returns, so
what the UI shows is already on disk. The connection runs in autocommit mode and transactions are
explicit; WAL lets readers (the document list) run while a worker writes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.domain import Document, Label, Status
from annotator.store.annotations import AnnotationsMixin, now
from annotator.store.bulk import BulkMixin
from annotator.store.migrations import migrations
from annotator.store.suggestions import SuggestionsMixin

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def connect(path: str | Path) -> Database:
    """Open (creating if needed) a project database with our pragmas, and upgrade its schema."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn, execute_plugins=False)  # our connection, not third-party hooks
    migrations.apply(db)
    return db


def row_to_document(row: sqlite3.Row | tuple) -> Document:
    doc_id, text, hash_, source, meta, status, created, updated = row
    return Document(doc_id, text, hash_, source, json.loads(meta), Status(status), created, updated)


DOC_COLUMNS = "id, text, hash, source, meta, status, created_at, updated_at"


class Store(AnnotationsMixin, BulkMixin, SuggestionsMixin):
    """A project's documents, labels and settings. The only door to SQLite.

    The span and section operations live in :mod:`annotator.store.annotations` and are mixed in so
    that callers see one object, while each module stays small.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = connect(self.path)
        self.conn = self.db.conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested calls join the outer one through a savepoint."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- documents -------------------------------------------------------------------------------

    def document(self, doc_id: int) -> Document:
        row = self.conn.execute(f"SELECT {DOC_COLUMNS} FROM documents WHERE id = ?", [doc_id])
        found = row.fetchone()
        if found is None:
            raise KeyError(f"no document {doc_id}")
        return row_to_document(found)

    def document_ids(self, statuses: list[Status] | None = None) -> list[int]:
        where, params = _status_filter(statuses)
        rows = self.conn.execute(f"SELECT id FROM documents {where} ORDER BY id", params)
        return [r[0] for r in rows]

    def iter_documents(
        self, statuses: list[Status] | None = None, batch_size: int = 500
    ) -> Iterator[list[Document]]:
        """Documents in id order, a batch at a time, so exports never hold the project in memory."""
        where, params = _status_filter(statuses)
        where = f"{where} AND id > ?" if where else "WHERE id > ?"
        last = 0
        while True:
            rows = self.conn.execute(
                f"SELECT {DOC_COLUMNS} FROM documents {where} ORDER BY id LIMIT ?",
                [*params, last, batch_size],
            ).fetchall()
            if not rows:
                return
            yield [row_to_document(r) for r in rows]
            last = rows[-1][0]

    def count_documents(self, status: Status | None = None, text: str = "") -> int:
        where, params = _list_filter(status, text)
        return self.conn.execute(f"SELECT count(*) FROM documents {where}", params).fetchone()[0]

    def list_documents(
        self, offset: int, limit: int, status: Status | None = None, text: str = ""
    ) -> list[dict[str, Any]]:
        """One page of the document list: id, title, status and entity count; never the text."""
        where, params = _list_filter(status, text)
        rows = self.conn.execute(
            f"""SELECT d.id, d.title, d.status,
                   (SELECT count(*) FROM spans s WHERE s.doc_id = d.id) AS n_spans
               FROM documents d {where} ORDER BY d.id LIMIT ? OFFSET ?""",
            [*params, limit, offset],
        )
        return [
            {"id": r[0], "title": r[1], "status": Status(r[2]), "n_spans": r[3]} for r in rows
        ]

    def status_counts(self) -> dict[Status, int]:
        rows = self.conn.execute("SELECT status, count(*) FROM documents GROUP BY status")
        counts = {s: 0 for s in Status}
        counts.update({Status(s): n for s, n in rows})
        return counts

    def set_status(self, doc_id: int, status: Status, annotator: str | None = None) -> None:
        """Change a document's status. Accepting confirms its remaining suggestions in the name
        of ``annotator``, so they count as a person's labels from then on."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET status = ?, updated_at = ? WHERE id = ?",
                [status.value, now(), doc_id],
            )
            if status == Status.ACCEPTED and annotator:
                for table in ("spans", "sections"):
                    conn.execute(
                        f"UPDATE {table} SET annotator = ? WHERE doc_id = ? AND annotator IS NULL",
                        [annotator, doc_id],
                    )

    def touch(self, conn: sqlite3.Connection, doc_id: int) -> None:
        """Mark a document as being worked on after an edit (new becomes in progress)."""
        conn.execute(
            """UPDATE documents SET updated_at = ?,
                   status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END
               WHERE id = ?""",
            [now(), doc_id],
        )

    # -- labels and settings --------------------------------------------------------------------

    def labels(self, kind: str) -> list[Label]:
        rows = self.conn.execute(
            "SELECT name, kind, color, key, position FROM labels WHERE kind = ? ORDER BY position",
            [kind],
        )
        return [Label(*r) for r in rows]

    def label_names(self, kind: str) -> list[str]:
        return [label.name for label in self.labels(kind)]

    def add_label(self, kind: str, name: str, color: str, key: str = "") -> None:
        with self.transaction() as conn:
            position = conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM labels WHERE kind = ?", [kind]
            ).fetchone()[0]
            conn.execute(
                "INSERT OR REPLACE INTO labels (kind, name, color, key, position) "
                "VALUES (?, ?, ?, ?, ?)",
                [kind, name, color, key, position],
            )

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value]
            )

    def label_counts(self, table: str) -> list[tuple[str, int, int]]:
        """``(label, count, confirmed count)`` for ``spans`` or ``sections``, most used first."""
        if table not in ("spans", "sections"):
            raise ValueError(table)
        rows = self.conn.execute(
            f"SELECT label, count(*), sum(annotator IS NOT NULL OR source = 'human') "
            f"FROM {table} GROUP BY label ORDER BY count(*) DESC"
        )
        return [tuple(r) for r in rows]

    def schema_version(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]


def _status_filter(statuses: list[Status] | None) -> tuple[str, list[Any]]:
    if not statuses:
        return "", []
    marks = ", ".join("?" for _ in statuses)
    return f"WHERE status IN ({marks})", [s.value for s in statuses]


def _list_filter(status: Status | None, text: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if status is not None:
        clauses.append("status = ?")
        params.append(status.value)
    if text:
        clauses.append("(title LIKE ? OR text LIKE ?)")
        params += [f"%{text}%", f"%{text}%"]
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
