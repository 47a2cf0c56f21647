"""How worker processes start: ``fork`` where it is safe, ``spawn`` elsewhere.

Shared by the pools that run spaCy work on every core (pre-annotation in
:mod:`annotator.nlp.preannotate`, token exports in :mod:`annotator.services.export_pool`). A forked
worker inherits what the caller already loaded (spaCy, a tokenizer, a model: 1-2 s of CPU a
worker saved); a spawned one imports and loads it again. Imports nothing heavy (not even
multiprocessing), so a caller can ask before deciding whether a pool is worth starting.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")


def start_method() -> str:
    """``fork`` where forking this process is safe, else ``spawn``.

    Safe means Linux (macOS frameworks break in forked children), no Python thread but this
    one (a thread holding a lock at the fork would leave it locked in the child) and no Qt
    loaded (Qt runs native threads of its own). numpy's BLAS thread pool, always there, handles
    fork itself (``pthread_atfork``), as spaCy's own ``nlp.pipe(n_process=...)`` relies on."""
    if (sys.platform.startswith("linux") and threading.active_count() == 1
            and not any(name.startswith(("PySide6", "PyQt")) for name in sys.modules)):
        return "fork"
    return "spawn"


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def in_order(submit: Callable[[T], Future], batches: Iterable[T], ahead: int) -> Iterator[Any]:
    """The results of ``submit(batch)`` for each batch, in the batches' order, with up to
    ``ahead`` batches submitted beyond the one being waited for (bounded memory, workers kept
    busy)."""
    pending: deque[Future] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def pool_map(work: Callable[[T], Any], batches: Iterable[T], workers: int, method: str,
             initializer: Callable[..., None], initargs: tuple) -> Iterator[Any]:
    """``work(batch)`` for each batch in ``workers`` processes started with ``method`` (each
    running ``initializer(*initargs)`` first), results in order, two batches a worker ahead.
    Closing the generator early cancels the batches not started and waits for the running ones.
    ``work`` must be picklable (a module-level function, or a ``functools.partial`` of one)."""
    import gc
    import multiprocessing  # here: importing this module must stay cheap
    from concurrent.futures import ProcessPoolExecutor

    if method == "fork":
        # Keep the collector off what the workers inherit (spaCy, the model, the tokenizer): a
        # full collection in a worker would walk every inherited object, and write to each,
        # copying its memory page. Frozen objects are never collected until unfrozen.
        gc.freeze()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=initializer, initargs=initargs)
    try:
        yield from in_order(partial(pool.submit, work), batches, 2 * workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if method == "fork":
            gc.unfreeze()
