"""Python's cycle collector paused while a bulk job (an import, a text export) runs.

Why: such a job makes a few small containers per document (a record, its meta dict, its span
tuples, the rows written), none in a reference cycle, and every 700 of them start a collection
that finds nothing. Worse, the containers of a batch stay alive while the batch is written, so
they climb to the oldest generation, whose collections then walk all of them again: in a
100,000-task JSONL import (1,000,000 spans) the collector took 1.7 of 13.8 CPU seconds (4,100
collections, 0.4 of 8.8 s for 100,000 ``.txt`` files), a tenth of a doccano export.

Only on the main thread (the command line, a child process): in the window a job may run in a
worker thread, and the window's own garbage is left to the collector as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[bool]:
    """The collector off inside the block (when ``pause``, on the main thread, and it was on),
    on again after, even when the block raises. Yields whether it paused it: a job that runs
    long may then call :func:`collect_young` between its batches."""
    if not pause or not gc.isenabled() or threading.current_thread() is not threading.main_thread():
        yield False
        return
    gc.disable()
    try:
        yield True
    finally:
        gc.enable()


def collect_young() -> None:
    """Collect the youngest generation: every container made since the last collection. A job
    with the collector paused calls this between two batches, so that cycles a reader or a
    library might make are still freed a batch at a time and memory stays bounded; what is
    still alive moves to an older generation and is not walked again. Costs a few
    milliseconds a batch of 5,000 documents."""
    gc.collect(0)
