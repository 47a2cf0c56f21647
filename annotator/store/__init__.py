"""The only package that talks to SQLite."""

from pathlib import Path

from annotator.store.db import Store


def open_store(path: str | Path) -> Store:
    """Open or create a project file and bring its schema up to date."""
    return Store(path)


__all__ = ["Store", "open_store"]
