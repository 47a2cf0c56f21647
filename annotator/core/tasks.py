"""The one task protocol every long job speaks: import, export, pre-annotation, training, merge.

A job is a plain function that takes a ``progress(done, total, message)`` callback and a
``should_stop()`` check, returns plain data, and raises :class:`Cancelled` when it stopped
early. ``total`` is 0 while unknown. Work committed before the stop stays committed; the
exception's ``partial`` carries the job's report of it. The CLI's progress bars and the window's
job bar both drive jobs through this, and spawned processes speak it over one queue
(:mod:`annotator.core.child`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


ShouldStop = Callable[[], bool]


class Cancelled(Exception):
    """A job stopped because ``should_stop()`` said so. ``partial`` is the job's report of what
    it committed before stopping (``None`` when it has none)."""

    def __init__(self, partial: Any = None):
        super().__init__("cancelled")
        self.partial = partial


def no_progress(done: int, total: int, message: str = "") -> None:
    """The progress callback of a job nobody watches."""


def never() -> bool:
    """The ``should_stop`` of a job nobody can cancel."""
    return False


def checkpoint(should_stop: ShouldStop, partial: Any = None) -> None:
    """Raise :class:`Cancelled` (carrying ``partial``) if the job was asked to stop."""
    if should_stop():
        raise Cancelled(partial)


def throttled(progress: Progress, interval: float = 0.05) -> Progress:
    """``progress`` called at most once per ``interval`` seconds, and always when the job is
    done (``done == total``), so a fast loop cannot flood a terminal or an event loop."""
    last = [0.0]

    def report(done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] >= interval or (total and done >= total):
            last[0] = now
            progress(done, total, message)

    return report
