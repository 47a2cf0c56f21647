"""Opening a file: only annotator projects are written to; newer projects and read-only verbs
never are (issue 10, point 6)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from project_files import browser_history, fingerprint, old_project

from annotator.cli import main
from annotator.domain import NewDocument, Span, Status
from annotator.store import NotAProjectError, ReadOnlyProjectError, open_store
from annotator.store.connection import APPLICATION_ID, known_migrations


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(path.name + "-*"))


def header(path: Path) -> tuple[int, int]:
    """(application id, write version: 2 means WAL) from the file header."""
    raw = path.read_bytes()[:100]
    return int.from_bytes(raw[68:72], "big"), raw[18]


def test_a_new_project_carries_our_application_id_and_wal(tmp_path):
    path = tmp_path / "new.db"
    with open_store(path) as store:
        assert not store.read_only and store.notice == ""
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.schema_version() == list(known_migrations())
    assert header(path) == (APPLICATION_ID, 2)


def test_an_empty_file_becomes_a_project(tmp_path):
    path = tmp_path / "touched.db"
    path.touch()
    with open_store(path) as store:
        assert store.schema_version() == list(known_migrations())


@pytest.mark.parametrize("journal, app_id", [("delete", 0), ("wal", 0), ("delete", 0x47504B47)])
@pytest.mark.parametrize("read_only", [False, True])
def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path, journal, app_id,
                                                                 read_only):
    """A browser's history (or a GeoPackage, id 'GPKG') is not switched to WAL, gets no tables."""
    path = browser_history(tmp_path / "places.sqlite", journal, app_id)
    before = fingerprint(path)
    with pytest.raises(NotAProjectError, match="not an annotator project.*left unchanged") as exc:
        open_store(path, read_only=read_only)
    assert str(path) in str(exc.value)
    assert fingerprint(path) == before
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"moz_places", "moz_historyvisits"}


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20)
    before = fingerprint(path)
    for read_only in (False, True):
        with pytest.raises(NotAProjectError, match="notes.db: not an annotator project"):
            open_store(path, read_only=read_only)
    assert fingerprint(path) == before and sidecars(path) == []


def test_another_apps_sqlite_utils_migrations_are_not_taken_for_ours(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
                 "name TEXT, applied_at TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('photos', 'm001_initial', 'x')")
    conn.close()
    before = fingerprint(path)
    with pytest.raises(NotAProjectError):
        open_store(path)
    assert fingerprint(path) == before


@pytest.mark.parametrize("verb", [["stats"], ["export", "--format", "doccano", "--out", "-"],
                                  ["import"]])
def test_cli_refuses_a_foreign_file_with_a_clear_error(tmp_path, verb):
    path = browser_history(tmp_path / "places.sqlite")
    before = fingerprint(path)
    (tmp_path / "a.txt").write_text("Some text.\n")
    extra = [str(tmp_path / "a.txt")] if verb == ["import"] else []
    result = run(*verb, "--db", str(path), *extra)
    assert result.exit_code == 1
    assert f"Error: {path}: not an annotator project" in result.output
    assert fingerprint(path) == before


def test_our_project_from_before_application_ids_is_recognised_and_given_one(old_m001):
    assert header(old_m001)[0] == 0
    with open_store(old_m001) as store:
        assert store.schema_version() == list(known_migrations())
        assert not store.read_only
    assert header(old_m001)[0] == APPLICATION_ID


def make_newer(path: Path) -> None:
    """A project as a future annotator leaves it: a migration this version does not know."""
    with open_store(path) as store:
        store.documents.add([NewDocument("Ana Souza visited Lisbon.", "a.txt")])
        with store.transaction() as conn:
            conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                         "VALUES ('annotator', 'm999_from_the_future', 'x')")
            conn.execute("CREATE TABLE future_things (id INTEGER PRIMARY KEY)")


def test_a_project_from_a_newer_version_opens_read_only_and_is_never_written(tmp_path):
    path = tmp_path / "newer.db"
    make_newer(path)
    before = fingerprint(path)
    with open_store(path) as store:
        assert store.read_only
        assert "newer annotator" in store.notice and "m999_from_the_future" in store.notice
        assert store.documents.get(1).text == "Ana Souza visited Lisbon."
        with pytest.raises(ReadOnlyProjectError, match="newer annotator"):
            store.spans.add(1, Span(0, 9, "PERSON"))
        with pytest.raises(ReadOnlyProjectError):
            store.documents.set_status(1, Status.ACCEPTED)
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
            store.conn.execute("DELETE FROM spans")  # even raw SQL cannot write
    assert fingerprint(path) == before


def test_cli_write_verbs_refuse_a_newer_project_and_read_verbs_say_why(tmp_path):
    path = tmp_path / "newer.db"
    make_newer(path)
    before = fingerprint(path)
    (tmp_path / "b.txt").write_text("Other text.\n")
    result = run("import", "--db", str(path), str(tmp_path / "b.txt"))
    assert result.exit_code == 1 and "made by a newer annotator" in result.output
    result = run("stats", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert "1 document," in result.stdout and "newer annotator" in result.stderr
    assert fingerprint(path) == before


def test_stats_and_export_on_an_old_project_leave_it_byte_for_byte(tmp_path):
    """Read-only verbs read an older schema through an upgraded private copy, never the file."""
    path = old_project(tmp_path, "m002_preannotation_runs")
    before = fingerprint(path)
    result = run("stats", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert "6 documents, 2 finished" in result.stdout
    out = tmp_path / "out.jsonl"
    result = run("export", "--db", str(path), "--format", "doccano", "--all", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 6
    assert fingerprint(path) == before and header(path)[0] == 0


def test_a_read_only_store_of_an_old_project_reads_everything_and_writes_nothing(old_m001):
    before = fingerprint(old_m001)
    with open_store(old_m001, read_only=True) as store:
        assert store.read_only
        assert store.schema_version() == list(known_migrations())
        assert len(store.documents.ids()) == 6
        with pytest.raises(ReadOnlyProjectError):
            store.settings.set("lang", "en")
    assert fingerprint(old_m001) == before


def test_a_read_only_open_of_a_missing_file_creates_nothing(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(FileNotFoundError, match="missing.db: no such project file"):
        open_store(path, read_only=True)
    assert not path.exists()


def test_read_only_verbs_see_edits_another_process_has_committed(tmp_path):
    """A read-only connection reads the WAL, so an export while the window is open is current."""
    path = tmp_path / "p.db"
    with open_store(path) as writer:
        doc = writer.documents.add([NewDocument("Ana Souza visited Lisbon.", "a.txt")]).added[0]
        writer.documents.set_status(doc, Status.ACCEPTED)
        result = run("export", "--db", str(path), "--format", "doccano", "--out", "-")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout.splitlines()[0])["text"] == "Ana Souza visited Lisbon."
