"""Analyse pre-annotation batches on a Dask distributed cluster.

A corpus of millions of scraped articles takes days to pre-annotate on one machine; a cluster of
workers analyses batches side by side while the one writer (the process that owns the project
file) stores the results as they come back. Only plain data crosses the network: a batch of
``Item`` tuples goes out, a list of :class:`~annotator.nlp.preannotate.Analysis` comes back, never
a spaCy ``Doc`` and never a database handle.

Each worker process loads the model once, on its first batch, and keeps it (a module-level cache
keyed by the run, behind a lock, so a worker with several threads still loads it
once). Workers need the ``annotator`` package and the model installed (or the model folder at the
same path); nothing is shipped to them but the batches.

A worker that dies mid-batch loses nothing: the scheduler runs its batch again on another worker
(Dask's own retry of tasks on lost workers), and the writer stores a batch only when its result
arrives, in one transaction with its "done" marks (see :mod:`annotator.store.suggestions`).
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from typing import Any

from annotator.nlp.preannotate import Analysis, Analyzer, Item, analyse

log = logging.getLogger(__name__)

# How many batches each worker thread has queued ahead of the writer: enough to hide the
# network round trip and the writer's commit, few enough that a cancel wastes little work.
AHEAD_PER_THREAD = 2


class ClusterError(RuntimeError):
    """The Dask scheduler at the given address cannot be reached (or Dask is not installed)."""


_LOCK = threading.Lock()
_LOADED: dict[tuple, Analyzer] = {}


def _plain(setup: Analyzer) -> Analyzer:
    """``setup`` without its loaded pipeline: every setting, nothing heavy to send."""
    return dataclasses.replace(setup, nlp=None)


# What goes to the workers: (a key naming this run's settings, the settings)
Job = tuple[str, Analyzer]


def worker_analyzer(job: Job) -> Analyzer:
    """The loaded analyser for a run's settings in this (worker) process: loaded on first use,
    then reused for every later batch of the run (and of later runs with the same key)."""
    key, setup = job
    with _LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = dataclasses.replace(setup, nlp=None, origin="")
            loaded.load()
            _LOADED.clear()  # one pipeline per worker: a long-lived worker serves run after run
            _LOADED[key] = loaded
            log.info("worker loaded %s", loaded.origin)
        return loaded


def analyse_remote(job: Job, items: list[Item]) -> list[Analysis]:
    """What a Dask worker runs for one batch (module-level, so workers import it by name)."""
    return analyse(worker_analyzer(job), items)


def worker_origin(job: Job) -> str:
    """The ``model:NAME@VERSION`` this worker loads for the run (loading it now)."""
    return worker_analyzer(job).origin


def check_workers(client: Any, job: Job, want: str) -> None:
    """Load the model on every worker now and check each loads the version the writer keys the
    run by (``want``): a worker with another version would store suggestions under the
    wrong run. Raises :class:`ClusterError` naming the worker, or when there are no workers."""
    workers = list(client.scheduler_info(n_workers=-1)["workers"])
    if not workers:
        raise ClusterError("the Dask cluster has no workers")
    probes = {w: client.submit(worker_origin, job, workers=[w], allow_other_workers=False,
                               pure=False) for w in workers}
    for worker, probe in probes.items():
        origin = probe.result()
        if origin != want:
            raise ClusterError(f"worker {worker} loads {origin}, not {want}: install "
                               "the same model version on every worker")


def connect(address: str, timeout: float = 10.0) -> Any:
    """A ``distributed.Client`` for the scheduler at ``address`` (``tcp://HOST:8786``).

    Raises :class:`ClusterError` naming the address when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise ClusterError("Dask is not installed: pip install 'dask[distributed]'") from exc
    reachable(address, timeout)
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def reachable(address: str, timeout: float = 10.0) -> None:
    """Fail at once, naming the address, when nothing listens there (a Client would retry until
    its timeout). Only plain ``tcp://HOST:PORT`` addresses are checked; others go to Dask."""
    scheme, _, rest = address.rpartition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("", "tcp") or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)),
                                 timeout=timeout).close()
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def cluster_batches(setup: Analyzer, batches: Iterator[list[Item]],
                    address: str) -> Iterator[list[Analysis]]:
    """Analyses of each batch, computed on the cluster at ``address``, yielded as they finish.

    Keeps ``AHEAD_PER_THREAD`` batches queued per worker thread. Closing the generator (the
    caller stopped) cancels the batches not yet returned and closes the client."""
    client = connect(address)
    try:
        from distributed import as_completed

        job: Job = (uuid.uuid4().hex, _plain(setup))
        check_workers(client, job, setup.origin)
        [remote_job] = client.scatter([job], broadcast=True)
        threads = sum(client.nthreads().values()) or 1
        limit = AHEAD_PER_THREAD * threads
        source = iter(batches)
        running = as_completed(loop=client.loop)
        queued: deque = deque()

        def submit_next() -> bool:
            batch = next(source, None)
            if batch is None:
                return False
            future = client.submit(analyse_remote, remote_job, batch, pure=False)
            running.add(future)
            queued.append(future)
            return True

        while len(queued) < limit and submit_next():
            pass
        for future in running:
            queued.remove(future)
            result = future.result()
            submit_next()
            yield result
    finally:
        for future in list(locals().get("queued", ())):
            future.cancel()
        client.close()
