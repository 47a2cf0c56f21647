"""Helpers for the tests of opening project files: fixture projects of past schema versions,
foreign SQLite files, and a byte-for-byte fingerprint to prove a file was left alone.

Imported by the tests of this folder as ``project_files`` (pytest puts the folder on the path)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"


def fingerprint(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def old_project(tmp_path: Path, version: str = "m001_initial") -> Path:
    """A copy of the committed fixture project of a past schema version (application id 0)."""
    target = tmp_path / f"old-{version}.db"
    shutil.copyfile(SCHEMAS / f"{version}.db", target)
    return target


def browser_history(path: Path, journal: str = "delete", app_id: int = 0) -> Path:
    """A SQLite file shaped like a browser's history: someone else's tables, their journal mode,
    their application id (0 for most apps)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    if app_id:
        conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT)")
    conn.execute("CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, place_id INTEGER)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO moz_places (url, title) VALUES (?, ?)",
                     [(f"https://example.org/{i}", f"Page {i}") for i in range(50)])
    conn.execute("COMMIT")
    conn.close()
    return path


def open_and_add(paths: list[str], barrier, results, index: int) -> None:
    """A process that, for each path, waits for the others and then opens the project at the same
    moment as they do and adds one document of its own (what ``annotator import`` does).

    Runs under ``spawn``: everything is imported before the first barrier, so only the opening
    races. Puts ``(path, index, error or "")`` on ``results`` for each path."""
    from annotator.domain import NewDocument
    from annotator.store import open_store

    for path in paths:
        barrier.wait(timeout=120)
        try:
            with open_store(path) as store:
                store.documents.add([NewDocument(f"Process {index} was here.", f"p{index}.txt")])
            results.put((path, index, ""))
        except Exception as exc:  # reported to the test, which fails on any
            results.put((path, index, f"{type(exc).__name__}: {exc}"))


def race(paths: list[Path], processes: int) -> list[str]:
    """Open every path from ``processes`` spawned processes at once; the errors they met."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    names = [str(p) for p in paths]
    workers = [ctx.Process(target=open_and_add, args=(names, barrier, results, i))
               for i in range(processes)]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=120) for _ in range(len(paths) * processes)]
    for w in workers:
        w.join(timeout=60)
    return [f"{path} (process {i}): {error}" for path, i, error in outcomes if error]
