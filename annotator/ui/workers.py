"""One helper to run slow work off the GUI thread: import, pre-annotation, export.

The work is a plain function ``fn(task) -> result`` that hands ``task.progress`` and
``task.should_stop`` to a service task (:mod:`annotator.core.tasks`); it opens its own store (its
own SQLite connection) and returns plain data, or raises the task protocol's ``Cancelled``.
Signals arrive on the GUI thread, queued.
Progress is throttled so a fast loop cannot flood the event loop. Every live worker is
registered, so the window can cancel them on close and tests can prove none is left running.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from annotator.core.tasks import Cancelled

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals
_LIVE: set[Worker] = set()


class Worker(QObject):
    """A running (or finished) piece of background work. Lives on the GUI thread; its thread
    emits its signals, which Qt queues to the GUI thread."""

    progressed = Signal(int, int, str)  # done, total (0: unknown), message
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(object)  # the partial report of what was committed (or None)
    finished = Signal()  # always last, after one of the three above

    def __init__(self, title: str, fn: Callable[[Worker], Any], parent: QObject | None = None):
        super().__init__(parent)
        self.title = title
        self.fn = fn
        self._stop = threading.Event()
        self._hurry = threading.Event()  # the window is closing: stop now, not in a while
        self._last_progress = 0.0
        self.result: Any = None
        self.error: str | None = None
        self.thread = _Thread(self)
        self.thread.finished.connect(self._on_thread_finished)

    def start(self) -> Worker:
        _LIVE.add(self)
        self.thread.start()
        return self

    def cancel(self, hurry: bool = False) -> None:
        """Ask the work to stop; ``hurry``: the window is closing, so a child process gets a
        fraction of a second to stop before it is terminated (see annotator.core.child)."""
        if hurry:
            self._hurry.set()
        self._stop.set()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    def hurry(self) -> bool:
        return self._hurry.is_set()

    def progress(self, done: int, total: int = 0, message: str = "", force: bool = False) -> None:
        """Report progress (from the worker thread); at most one signal per 50 ms."""
        now = time.monotonic()
        if force or now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self.progressed.emit(done, total, message)

    def wait(self, ms: int = 10_000) -> bool:
        return self.thread.wait(ms)

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def _on_thread_finished(self) -> None:
        _LIVE.discard(self)
        self.finished.emit()


class _Thread(QThread):
    def __init__(self, worker: Worker):
        super().__init__()
        self.worker = worker

    def run(self) -> None:
        worker = self.worker
        try:
            worker.result = worker.fn(worker)
        except Cancelled as exc:
            worker.cancelled.emit(exc.partial)
        except Exception as exc:  # shown to the person; the app carries on
            log.warning("%s failed:\n%s", worker.title, traceback.format_exc())
            worker.error = str(exc) or type(exc).__name__
            worker.failed.emit(worker.error)
        else:
            worker.succeeded.emit(worker.result)


def live_workers() -> list[Worker]:
    """Workers whose thread has not finished yet."""
    return [w for w in _LIVE if w.is_running()]


def stop_all(timeout_ms: int = 10_000, hurry: bool = False) -> bool:
    """Cancel every live worker and wait for its thread; True when all stopped. ``hurry``: the
    window is closing (see :meth:`Worker.cancel`)."""
    workers = list(_LIVE)
    for worker in workers:
        worker.cancel(hurry)
    return all(worker.wait(timeout_ms) for worker in workers)
