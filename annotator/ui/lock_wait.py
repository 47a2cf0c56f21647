"""The window keeps painting while a person's edit waits for another writer's lock.

A label pressed during an import waits for the import's batch to commit (up to ~150 ms measured
with 1,000,000 spans on a busy disk). Before, that wait was a sleep on the GUI thread: nothing
painted, progress bars froze, and the window stalled for as long. Now the store calls
:class:`EventPump` between its tries for the lock (:meth:`annotator.store.Store.set_lock_wait`):
it runs the event loop for everything but the person's input (``ExcludeUserInputEvents``), so
the window repaints and jobs' progress arrives, while keys and clicks pressed meanwhile stay in
Qt's queue and are handled, in order, after the edit is committed. The edit itself is still one
transaction, committed before the window shows it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEventLoop, QThread

_NO_INPUT = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents


class EventPump:
    """``pump(seconds)``: run the GUI thread's pending events except user input, then sleep
    ``seconds``. Called from a worker thread, or again from inside an event it is running (a
    job's result that writes too), it only sleeps: the events of one wait are run once."""

    def __init__(self) -> None:
        self.busy = False  # inside a pump: the window must not close the store now

    def __call__(self, seconds: float) -> None:
        app = QCoreApplication.instance()
        if (self.busy or app is None or QThread.currentThread() is not app.thread()):
            time.sleep(seconds)
            return
        self.busy = True
        try:
            QCoreApplication.processEvents(_NO_INPUT)
        finally:
            self.busy = False
        time.sleep(seconds)
