"""The only package that talks to SQLite."""

from pathlib import Path
from sqlite3 import Error as StorageError
from sqlite3 import OperationalError as StorageBusy

from annotator.store.lean_import import import_sqlite_utils

import_sqlite_utils()  # before anything below imports it (see lean_import)

from annotator.store.connection import NotAProjectError, ReadOnlyProjectError  # noqa: E402
from annotator.store.db import INTERACTIVE_TIMEOUT_MS, Store  # noqa: E402

# What a store method raises when the file itself fails (not a database, locked by another
# writer past the busy timeout, read-only, disk full): callers above the store catch these names
# and never import sqlite3. StorageBusy (locked, read-only, full) is worth a retry.
# NotAProjectError (a StorageError) refuses a file that is not ours, before anything is written;
# ReadOnlyProjectError (a StorageBusy) is a write to a project opened read-only.


def open_store(path: str | Path, interactive: bool = False, read_only: bool = False) -> Store:
    """Open or create a project file and bring its schema up to date. ``interactive``: the
    window's connection, which waits at most ``INTERACTIVE_TIMEOUT_MS`` for the write lock and
    goes before background writers' next batches (:mod:`annotator.store.person_first`).
    ``read_only``: nothing is ever written, not even a schema upgrade (``stats``, ``export``);
    a project made by a newer annotator, or that cannot be written, is opened read-only anyway
    and ``Store.notice`` says why. Raises :class:`NotAProjectError` for a file that is not an
    annotator project."""
    timeout = INTERACTIVE_TIMEOUT_MS if interactive else None
    return Store(path, busy_timeout_ms=timeout, read_only=read_only, interactive=interactive)


__all__ = ["NotAProjectError", "ReadOnlyProjectError", "StorageBusy", "StorageError", "Store",
           "open_store"]
