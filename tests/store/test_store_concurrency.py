"""Several processes opening one project file at the same moment: creating a new file and
upgrading an old one are each done once, and nobody fails (issue 10, point 5)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from project_files import old_project, race

from annotator.store.connection import APPLICATION_ID, known_migrations

TRIALS = 20
PROCESSES = 3


def assert_set_up_once(path: Path, documents: int) -> None:
    """Each migration recorded once, our application id, WAL, and every process's document."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert names == list(known_migrations()), path
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == documents
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


@pytest.mark.slow
def test_processes_creating_one_new_project_at_once_all_succeed(tmp_path):
    """Three imports started together on a file that does not exist yet (was: "database is
    locked" in 13 of 20 trials)."""
    paths = [tmp_path / f"new-{i}.db" for i in range(TRIALS)]
    assert race(paths, PROCESSES) == []
    for path in paths:
        assert_set_up_once(path, PROCESSES)


@pytest.mark.slow
def test_processes_opening_one_old_schema_project_at_once_upgrade_it_once(tmp_path):
    """Three processes opening a project of the first schema version (was: "table conflicts
    already exists" in 5 of 60 trials)."""
    paths = []
    for i in range(TRIALS):
        folder = tmp_path / str(i)
        folder.mkdir()
        paths.append(old_project(folder))
    assert race(paths, PROCESSES) == []
    for path in paths:
        assert_set_up_once(path, 6 + PROCESSES)  # the fixture's six documents, and one each
