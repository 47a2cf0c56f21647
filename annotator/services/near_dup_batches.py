"""Run the near-duplicate job's batches in this process or in spawned worker processes, the
results coming back in batch order (used by :mod:`annotator.services.near_duplicates`).

Why processes: counting prose lines and signing bodies are CPU-bound Python and numpy (about 50
of the 60 s of CPU that 100,000 documents take); threads would queue on the GIL. Each worker
opens the project read-only and reads its batch's texts itself, so no text goes through a pipe;
it sends back a small result (line counts, signature bytes). The caller stays the one writer: it
stores each result as it arrives, in batch order, so what is committed after any batch is what
the one-process run commits after that batch, and the groups come out identical.

``spawn``, never ``fork`` (the window runs Qt threads). A daemonic process may not start
children (the window's job child is one, see :mod:`annotator.core.child`): there, and for a
small job or a project without a file, the batches run here, one after the other.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from annotator.nlp.processes import cpu_count, in_order
from annotator.store import Store, open_store

log = logging.getLogger(__name__)

T = TypeVar("T")
BatchJob = Callable[[Store, list[int]], Any]  # (a store to read, document ids) -> result

PARALLEL_MIN_DOCS = 4000  # fewer documents than this: starting workers costs more than it saves
MAX_WORKERS = 8


def worker_count(store: Store, documents: int, requested: int | None = None) -> int:
    """How many processes should work on ``documents`` documents: ``requested`` if given
    (None: one per core when there are at least :data:`PARALLEL_MIN_DOCS`), but 1 where no
    worker can start (a daemonic process, a project without a file)."""
    wanted = requested if requested is not None else (
        min(cpu_count(), MAX_WORKERS) if documents >= PARALLEL_MIN_DOCS else 1)
    if wanted <= 1:
        return 1
    if multiprocessing.current_process().daemon:
        log.info("near-duplicates: in a daemonic process, so in one process")
        return 1
    if not Path(store.path).is_file():
        return 1
    return wanted


class BatchRunner:
    """``map(job, batches)`` runs ``job(store, ids)`` for each batch of document ids, here
    (``workers`` 1) or in a pool of ``workers`` spawned processes started at the first map and
    kept for the next; use it as a context manager so the pool is shut down. Leaving the
    ``with`` block on an exception (a stop) cancels the batches not started and does not wait
    for the ones running (they only read)."""

    def __init__(self, store: Store, workers: int = 1):
        self.store = store
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> BatchRunner:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=exc_type is None, cancel_futures=True)
            self._pool = None

    def map(self, job: BatchJob, batches: Iterable[list[int]]) -> Iterator[Any]:
        """The results of ``job`` on each batch, in order, a few batches computed ahead."""
        if self.workers <= 1:
            for ids in batches:
                yield job(self.store, ids)
            return
        yield from in_order(lambda ids: self._started().submit(_run, job, ids), batches,
                            2 * self.workers)

    def spread(self, function: Callable[..., T], calls: list[tuple]) -> list[T]:
        """``[function(*args) for args in calls]``, the first call in this process while the
        others run in the workers (for a few large computations, e.g. one per view)."""
        if self.workers <= 1 or len(calls) < 2:
            return [function(*args) for args in calls]
        others = [self._started().submit(function, *args) for args in calls[1:]]
        return [function(*calls[0]), *(f.result() for f in others)]

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_open_project, initargs=(str(self.store.path),))
        return self._pool


def batches_of(ids: list[int], size: int) -> list[list[int]]:
    """``ids`` cut into lists of ``size``."""
    return [ids[i:i + size] for i in range(0, len(ids), size)]


_STORE: Store | None = None  # a worker's read-only connection to the project


def _open_project(path: str) -> None:
    global _STORE
    _STORE = open_store(path, read_only=True)


def _run(job: BatchJob, ids: list[int]) -> Any:
    assert _STORE is not None, "worker not initialised"
    return job(_STORE, ids)
