"""A person's write goes before the next batch of a background writer.

SQLite has one write lock and no queue: whoever tries ``BEGIN IMMEDIATE`` at the right moment
wins. A bulk writer in another process (an import, a pre-annotation, near-duplicate grouping)
takes the lock again a few milliseconds after each commit, so a label pressed in the window
could lose the race several batches in a row, and the window froze for as long (150–300 ms
measured during a 1,000,000-span import).

So the two sides agree through a file beside the project, ``PROJECT.db-open`` (the window's
presence file, :mod:`annotator.store.presence`, whose locks this never touches):

- the window's connection, when its first try for the lock finds it taken, sets the file's
  modification time to now (:meth:`PersonFirst.waiting`);
- every other connection, before it begins a write transaction, waits while that time is less
  than :data:`GRACE` seconds old (:meth:`PersonFirst.give_way`).

The person then waits for at most the one batch that holds the lock, and a second action right
after the first (a label, then an undo) finds the lock free. One ``stat`` per transaction is the
whole cost to a bulk writer; with no window open the file is not there and nothing waits.

A batch written inside :meth:`PersonFirst.yielding` gives the lock back as soon as the window
asks for it: SQLite's progress handler looks at the flag every :data:`CHECK_EVERY` seconds while
a statement runs and stops the statement when the window asked after the transaction began;
then :class:`PersonAsked` rolls the transaction back, and the writer writes the batch again after
the window's write, once (:meth:`annotator.store.base.Base.giving_way`). The
person waits a few milliseconds, not for the rest of the batch and its commit (a ``COMMIT``
itself is never stopped).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.store.presence import held_open

log = logging.getLogger(__name__)

GRACE = 0.1  # seconds background writers stay off the lock after the window asked for it
LONGEST = 1.0  # seconds one give_way may wait at most (a clock change cannot stop a writer)
# A file's modification time comes from the kernel's coarse clock (one timer tick, 1-10 ms,
# behind time.time()): an ask made just after a writer's BEGIN may carry a slightly older time.
COARSE = 0.01
CHECK_EVERY = 0.002  # seconds between two looks at the flag while a statement runs
PROGRESS_STEPS = 2_000  # SQLite virtual-machine steps between two calls of the progress handler


class PersonAsked(Exception):
    """Raised by a bulk writer inside its transaction to roll it back because the window asked
    for the write lock meanwhile (:meth:`PersonFirst.asked_since`); the writer catches it and
    writes the same rows again after the window's write."""


class PersonFirst:
    """The waiting flag of the project at ``project`` (None: an in-memory database, no flag).
    ``interactive``: this connection is the window's, which raises the flag; every other one
    gives way to it."""

    def __init__(self, project: str | Path | None, interactive: bool):
        self.project = None if project in (None, "") else Path(project)
        self.path = None if self.project is None else Path(f"{project}-open")
        self.interactive = interactive
        self._gave_way = False  # the last transaction gave way: the next one goes at once
        self._present = True  # the flag file was there at the last look (see _mtime)
        self._flag = "" if self.path is None else str(self.path)  # no Path conversion per look

    def waiting(self) -> None:
        """The window wants the write lock and found it taken: mark the moment. A folder that
        cannot be written only loses the priority, never the write."""
        if self.path is None or not self.interactive:
            return
        try:
            os.utime(self.path)
        except FileNotFoundError:
            try:
                self.path.touch()
            except OSError:
                pass
        except OSError:
            pass

    def asked_since(self, since: float) -> bool:
        """Whether the window asked for the write lock at or after ``since`` (``time.time()``
        seconds, less :data:`COARSE`): a bulk writer asks this with the moment its transaction
        began, before it commits. Never for the window's own connection nor without a flag."""
        if self.path is None or self.interactive:
            return False
        mtime = self._mtime()
        return mtime is not None and mtime >= since - COARSE

    def _mtime(self) -> float | None:
        """The flag file's modification time, ``None`` without one. One system call either
        way, and no exception while the file stays absent (a bulk writer with no window open
        asks every :data:`CHECK_EVERY` seconds; building a ``FileNotFoundError`` each time was
        about 1 % of an import's CPU): after an absent look, ``os.access`` (a bool) says
        whether to ``stat`` at all."""
        if not self._present and not os.access(self._flag, os.F_OK):
            return None
        try:
            mtime = os.stat(self._flag).st_mtime
        except OSError:
            self._present = False
            return None
        self._present = True
        return mtime

    @contextmanager
    def yielding(self, conn: sqlite3.Connection, since: float) -> Iterator[None]:
        """Inside a bulk writer's transaction that began at ``since`` (``time.time()``): raises
        :class:`PersonAsked` when the window asks for the lock meanwhile, from within a running
        statement (the progress handler stops it; SQLite raises "interrupted") or at the end of
        the block. The caller lets it roll the transaction back. The writer's next transaction
        then waits for the window's write (:meth:`give_way`), even right after one that waited:
        going at once, it took the lock back before the window's next try for it (the window
        tries every 2 ms, and waits for a core on a busy machine), and the window waited for
        that transaction too (up to 0.5 s with the import at a low CPU priority). Nothing for
        the window's own connection or without a flag file."""
        if self.path is None or self.interactive:
            yield
            return
        state = {"next": time.monotonic() + CHECK_EVERY, "asked": False}

        def look() -> int:
            now = time.monotonic()
            if now >= state["next"]:
                state["next"] = now + CHECK_EVERY
                state["asked"] = self.asked_since(since)
            return int(state["asked"])

        conn.set_progress_handler(look, PROGRESS_STEPS)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if state["asked"]:
                self._gave_way = False  # the next try waits for the window's write
                raise PersonAsked from exc
            raise
        finally:
            conn.set_progress_handler(None, 0)
        if self.asked_since(since):
            self._gave_way = False
            raise PersonAsked

    def watched(self) -> bool:
        """Whether a window (another process) holds the project open now
        (:func:`annotator.store.presence.held_open`); never for an in-memory database."""
        return self.project is not None and held_open(self.project)

    def give_way(self) -> float:
        """Wait (at most :data:`LONGEST` seconds) while the window asked for the lock less than
        :data:`GRACE` seconds ago; returns the seconds waited. The window's own connection
        never waits here, and a transaction right after one that gave way does not either."""
        if self.path is None or self.interactive:
            return 0.0
        if self._gave_way:  # every other transaction at most: a person labelling without
            self._gave_way = False  # a pause slows a bulk writer, never stops it
            return 0.0
        started = time.monotonic()
        waited = 0.0
        while True:
            mtime = self._mtime()
            if mtime is None:
                return waited
            age = time.time() - mtime
            if age >= GRACE or age < 0 or waited >= LONGEST:
                if waited:
                    self._gave_way = True
                    log.debug("gave the write lock to the window for %.3f s", waited)
                return waited
            time.sleep(min(GRACE - age, LONGEST - waited) + 0.001)
            waited = time.monotonic() - started
