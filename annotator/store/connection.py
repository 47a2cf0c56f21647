"""Opening a project file: is it ours, which schema, may we write, and doing it safely when several
processes open it at the same moment.

A project file is recognised before anything is written to it:

- ``PRAGMA application_id`` is :data:`APPLICATION_ID` (set when we create a file, and on the first
  writable open of a project made before we set it);
- or the application id is 0 and ``_sqlite_migrations`` records our migration set (an older
  annotator made it);
- or the file is empty (0 bytes, or a database with no tables): it becomes a new project.

Anything else (a browser's history, another app's database, a file that is not SQLite) is refused
with :class:`NotAProjectError` and left byte for byte as it was: it is read through a ``mode=ro``
connection and no pragma that writes (``journal_mode``) runs first.

A project whose schema has migrations this version does not know was made by a newer annotator; it
opens read-only with a :attr:`ProjectConnection.notice` saying so, so an older app never writes
into it. Creation and upgrades run in one ``BEGIN IMMEDIATE`` transaction that re-reads the schema
once it holds the write lock, so of several processes opening the same new or old file at once,
one does the work and the others find it done.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from annotator.store.migrations import migrations

log = logging.getLogger(__name__)

APPLICATION_ID = 0x414E4F54  # "ANOT": bytes 68-71 of the file header, readable by any tool
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_TABLE = "_sqlite_migrations"
FIRST_MIGRATION = "m001_initial"

T = TypeVar("T")


class NotAProjectError(sqlite3.DatabaseError):
    """The file is not an annotator project (or not SQLite at all); it was not changed."""


class ReadOnlyProjectError(sqlite3.OperationalError):
    """A write to a project that was opened read-only; the message says why it is read-only."""


class FileState(StrEnum):
    """What opening a file finds, before anything is written."""

    NEW = "new"  # empty: becomes a project
    OLDER = "older"  # ours, but migrations are pending or the application id is not set yet
    CURRENT = "current"  # ours, up to date
    NEWER = "newer"  # ours, with migrations this version does not know


@dataclass(frozen=True)
class Schema:
    """What a database file holds, read without writing: its application id, how many schema
    objects other than the migrations table it has, and which of our migrations it records."""

    application_id: int
    objects: int
    applied: tuple[str, ...]
    other_sets: bool  # _sqlite_migrations rows of another application's migration set

    @property
    def unknown(self) -> list[str]:
        return [name for name in self.applied if name not in known_migrations()]

    @property
    def pending(self) -> list[str]:
        done = set(self.applied)
        return [name for name in known_migrations() if name not in done]

    def state(self, path: Path) -> FileState:
        """Classify the file; raises :class:`NotAProjectError` for anything that is not ours."""
        ours = self.application_id == APPLICATION_ID or (
            self.application_id == 0 and FIRST_MIGRATION in self.applied)
        if not ours:
            if self.application_id == 0 and self.objects == 0 and not self.other_sets:
                return FileState.NEW
            raise NotAProjectError(
                f"{path}: not an annotator project (application id {self.application_id:#010x}, "
                f"{self.objects} tables and indexes, none of ours); it was left unchanged")
        if self.unknown:
            return FileState.NEWER
        if self.pending or self.application_id != APPLICATION_ID:
            return FileState.OLDER
        return FileState.CURRENT


@cache
def known_migrations() -> tuple[str, ...]:
    """The names of this version's migrations, in order (all are pending on an empty database)."""
    return tuple(m.name for m in migrations.pending(Database(memory=True, execute_plugins=False)))


@dataclass
class ProjectConnection:
    """An open project: the sqlite-utils database, whether it may be written, and why not.

    ``notice`` is empty when the project is writable; otherwise it is a sentence for the person
    (a newer annotator made the file, the file or its folder is read-only, ...).
    """

    db: Database
    state: FileState
    read_only: bool = False
    notice: str = ""

    def close(self) -> None:
        self.db.conn.close()


def read_schema(conn: sqlite3.Connection, path: Path) -> Schema:
    """Read the application id and our migration records; never writes.

    Raises :class:`NotAProjectError` when the file is not a SQLite database at all, and
    ``sqlite3`` errors of other kinds (busy, cannot open, corrupt) as they are.
    """
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        objects = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE tbl_name != ?", [MIGRATIONS_TABLE]
        ).fetchone()[0]
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]
        ).fetchone()
        rows = conn.execute(
            f"SELECT migration_set, name FROM {MIGRATIONS_TABLE} ORDER BY rowid"
        ).fetchall() if has_table else []
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_NOTADB:
            raise  # busy, cannot open, corrupt: a reason of its own, not "not ours"
        raise NotAProjectError(f"{path}: not an annotator project ({exc}); it was left "
                               "unchanged") from exc
    applied = tuple(name for set_name, name in rows if set_name == migrations.name)
    return Schema(app_id, objects, applied, any(s != migrations.name for s, _ in rows))


def connect(path: str | Path, *, read_only: bool = False,
            busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> ProjectConnection:
    """Open a project file, creating or upgrading it unless ``read_only``. Opening waits up to
    :data:`BUSY_TIMEOUT_MS` for another process's lock; later statements wait ``busy_timeout_ms``.

    Read-only opens never write: they use a ``mode=ro`` connection, or ``immutable=1`` when even
    that cannot open (read-only media or folder), and an older schema is upgraded in a private
    temporary copy. A writable open of a file made by a newer annotator, or of a file or folder
    that cannot be written, falls back to read-only with a :attr:`ProjectConnection.notice`.

    Raises :class:`NotAProjectError` for a file that is not a project, ``FileNotFoundError`` for a
    read-only open of a missing file, and ``sqlite3.OperationalError`` when the file stays locked
    for longer than :data:`BUSY_TIMEOUT_MS`.
    """
    opened = _connect(Path(path), read_only)
    opened.db.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return opened


def _connect(path: Path, read_only: bool) -> ProjectConnection:
    if read_only:
        return _open_read_only(path)
    if path.exists() and path.stat().st_size > 0:
        conn, schema, _notes = _read_only_connection(path)  # nothing has written to it yet
        conn.close()
        state = schema.state(path)  # refuses a file that is not ours
        if state == FileState.NEWER or not _writable(path):
            # the notice is logged once, in _open_read_only, and said once by the caller (it was
            # also logged here as a warning: three copies in the terminal of `annotator gui`)
            return _open_read_only(path, "" if state == FileState.NEWER else _unwritable_note(path))
    return _open_writable(path)


def _unwritable_note(path: Path) -> str:
    """What happened, what it means and what to do, in plain words (the path for the log)."""
    return (f"This project file ({path}) is read-only: labels cannot be saved. Open a copy, or "
            "fix the file's (or its folder's) permissions.")


def _writable(path: Path) -> bool:
    """The file and its folder (WAL and shared-memory files live beside it) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _open_writable(path: Path) -> ProjectConnection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # FULL: a commit is on disk (WAL fsynced) before the label is drawn as saved, even
        # across a power cut; NORMAL could lose the last edits (issue 10, point 7).
        conn.execute("PRAGMA synchronous = FULL")
        db = Database(conn, execute_plugins=False)  # our connection, not third-party hooks
        state = _prepare(db, path)
        if state == FileState.NEWER:  # another process upgraded it past us meanwhile
            conn.close()
            return _connect(path, read_only=False)
    except BaseException:
        conn.close()
        raise
    return ProjectConnection(db, FileState.CURRENT)


def _prepare(db: Database, path: Path) -> FileState:
    """Create or upgrade the schema under the write lock, re-checking what is already done.

    Several processes may get here at once on a new or old file: ``BEGIN IMMEDIATE`` lets one in
    at a time (the others wait up to the busy timeout), and whoever comes second finds the
    migrations applied and writes nothing.
    """
    conn = db.conn
    state = _retry_busy(lambda: read_schema(conn, path)).state(path)  # refuses a foreign file
    if state == FileState.NEWER:
        return state
    # WAL before the first write, so creating never leaves a hot rollback journal behind a crash
    # (a reader could not open the file read-only then); a no-op on a project in WAL already.
    _retry_busy(lambda: _set_wal(conn))
    if state == FileState.CURRENT:
        return state
    conn.execute("BEGIN IMMEDIATE")
    try:
        state = read_schema(conn, path).state(path)
        if state in (FileState.NEW, FileState.OLDER):
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrations.apply(db)  # joins our transaction: each migration is a savepoint
            log.info("%s: %s project brought to schema %s", path, state.value,
                     known_migrations()[-1])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return state


def _set_wal(conn: sqlite3.Connection) -> None:
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise sqlite3.OperationalError(f"could not switch to WAL (journal mode {mode})")


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _retry_busy(step: Callable[[], T]) -> T:
    """Run ``step`` again while SQLite reports the file busy, up to the busy timeout.

    Some steps (changing the journal mode, reading during another connection's recovery) get
    SQLITE_BUSY without SQLite's busy handler waiting for them.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _read_only_connection(path: Path) -> tuple[sqlite3.Connection, Schema, list[str]]:
    """A connection that cannot write (``mode=ro``, else ``immutable=1`` for read-only media),
    the file's schema, and a note when it had to be immutable."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such project file")
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn, _retry_busy(lambda: read_schema(conn, path)), []
    except sqlite3.OperationalError as exc:  # e.g. WAL on media where -shm cannot be made
        conn.close()
        if _is_busy(exc):
            raise
        immutable = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None,
                                    check_same_thread=False)
        try:
            return immutable, read_schema(immutable, path), [_immutable_note(path, exc)]
        except BaseException:
            immutable.close()
            raise
    except BaseException:
        conn.close()
        raise


def _open_read_only(path: Path, why: str = "") -> ProjectConnection:
    """Open for reading only; an older schema is read through an upgraded temporary copy.

    ``why`` starts the notice (the reason a writable open fell back to this)."""
    conn, schema, notes = _read_only_connection(path)
    try:
        state = schema.state(path)
        if state == FileState.NEWER:
            notes.insert(0, _newer_note(path, schema))
        elif schema.pending:
            conn = _upgraded_copy(conn, path)
        conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    notice = " ".join([why, *notes]).strip()
    if notice:  # info: the caller tells the person (the CLI's note, the window's box)
        log.info("%s", notice)
    return ProjectConnection(Database(conn, execute_plugins=False), state, True, notice)


def _newer_note(path: Path, schema: Schema) -> str:
    return (f"{path} was made by a newer annotator (schema {', '.join(schema.unknown)} is "
            "unknown to this version); opened read-only so that nothing in it is changed. "
            "Update annotator to edit it.")


def _immutable_note(path: Path, exc: Exception) -> str:
    note = f"{path}: opened as immutable (could not open read-only: {exc})."
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        note += f" Changes still in {wal.name} are not seen."
    return note


def _upgraded_copy(conn: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """A private temporary copy of an older project, upgraded to our schema, so that read-only
    verbs work on old projects without writing to them. SQLite deletes it on close."""
    copy = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    conn.backup(copy)
    conn.close()
    copy.execute("PRAGMA foreign_keys = ON")
    copy.execute("BEGIN")
    migrations.apply(Database(copy, execute_plugins=False))
    copy.execute("COMMIT")
    log.info("%s: older schema, upgraded in a temporary copy for reading", path)
    return copy
