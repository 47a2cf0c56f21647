"""A document's status is checked by comparisons, not by an ``IN`` list (migration
``m016_txt8_status_check``): the same five values are allowed and every other is refused, in a
new project and in one made before, whose rows stay as they were."""

from __future__ import annotations

import sqlite3

import pytest
from project_files import fingerprint, old_project

from annotator.domain import Status
from annotator.store import open_store
from annotator.store.migrations import STATUS_COMPARED, STATUS_IN_LIST

REFUSED = ["", "New", "NEW", "done", "new ", "in progress", "accepted\x00"]


def documents_sql(conn: sqlite3.Connection) -> str:
    return conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'documents'").fetchone()[0]


def insert(conn: sqlite3.Connection, doc_id: int, status: str) -> None:
    conn.execute("INSERT INTO documents (id, text, hash, status, created_at, updated_at) "
                 "VALUES (?, 'a text', ?, ?, 't', 't')", [doc_id, f"hash-{doc_id}", status])


def assert_checks_the_five_statuses(conn: sqlite3.Connection) -> None:
    for i, status in enumerate(Status):
        insert(conn, 1000 + i, status.value)
    for i, bad in enumerate(REFUSED):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            insert(conn, 2000 + i, bad)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute("UPDATE documents SET status = ? WHERE id = 1000", [bad])
    assert {s.value for s in Status} == {"new", "in_progress", "accepted", "rejected", "skipped"}


def test_a_new_project_checks_the_status_by_comparisons(store):
    sql = documents_sql(store.conn)
    assert STATUS_COMPARED in sql and STATUS_IN_LIST not in sql
    assert_checks_the_five_statuses(store.conn)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_older_project_gets_the_same_check_and_keeps_its_rows(tmp_path):
    path = old_project(tmp_path, "m015_fts6_one_column_index")
    with sqlite3.connect(path) as before:
        assert STATUS_IN_LIST in documents_sql(before)
        rows = before.execute("SELECT * FROM documents ORDER BY id").fetchall()
    before.close()
    with open_store(path) as store:
        assert STATUS_COMPARED in documents_sql(store.conn)
        assert store.conn.execute("SELECT * FROM documents ORDER BY id").fetchall() == rows
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert_checks_the_five_statuses(store.conn)


def test_a_connection_open_before_the_upgrade_reads_the_new_check(tmp_path):
    """The schema version is raised with the edit, so another connection that had read the
    old schema reads it again (its writes are checked the new way, never against stale SQL)."""
    path = old_project(tmp_path, "m015_fts6_one_column_index")
    other = sqlite3.connect(path, isolation_level=None)
    assert other.execute("SELECT count(*) FROM documents").fetchone()[0] > 0  # schema read
    with open_store(path):
        pass
    assert STATUS_COMPARED in documents_sql(other)
    with pytest.raises(sqlite3.IntegrityError, match=r"status = 'new' OR"):
        insert(other, 3000, "done")
    other.close()


def test_reading_an_older_project_read_only_leaves_its_file_unchanged(tmp_path):
    path = old_project(tmp_path, "m015_fts6_one_column_index")
    before = fingerprint(path)
    with open_store(path, read_only=True) as store:
        assert store.documents.ids()
    assert fingerprint(path) == before
