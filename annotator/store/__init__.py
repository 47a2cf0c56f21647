"""The only package that talks to SQLite."""

from pathlib import Path
from sqlite3 import Error as StorageError
from sqlite3 import OperationalError as StorageBusy

from annotator.store.db import INTERACTIVE_TIMEOUT_MS, Store

# What a store method raises when the file itself fails (not a database, locked by another
# writer past the busy timeout, read-only, disk full): callers above the store catch these names
# and never import sqlite3. StorageBusy (locked, read-only, full) is worth a retry.


def open_store(path: str | Path, interactive: bool = False) -> Store:
    """Open or create a project file and bring its schema up to date. ``interactive``: the
    window's connection, which waits at most ``INTERACTIVE_TIMEOUT_MS`` for the write lock."""
    if interactive:
        return Store(path, busy_timeout_ms=INTERACTIVE_TIMEOUT_MS)
    return Store(path)


__all__ = ["StorageBusy", "StorageError", "Store", "open_store"]
