"""Run a task in a spawned process and follow it over one queue, with the task protocol.

spaCy holds the GIL for stretches of 50-200 ms (loading a model, parsing a batch), which in a
thread of the app's own process would freeze the window for as long. In a ``spawn`` child (never
``fork``: the app runs Qt threads) the window never waits for it. The child runs
``target(**kwargs, progress=..., should_stop=...)``; its progress, its result, a
:class:`Cancelled` (with its partial report) or its error come back as messages on one queue.
Nothing here imports Qt, so the child starts without it.

A child never outlives its window: it ends itself when its parent process is gone (a window
killed by a logout's SIGTERM left a pre-annotation writing for minutes), and a child that has
not stopped :data:`CANCEL_GRACE` seconds after Cancel (a long document inside one spaCy call) is
terminated. Its transaction in flight is rolled back by SQLite; what it committed stays. When
the window closes it cannot wait that long (Ctrl+Q took 5 s during a pre-annotation): ``hurry``
says so, and the child then gets :data:`HURRY_GRACE` to stop before it is terminated.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress

POLL_SECONDS = 0.1
CANCEL_GRACE = 5.0  # seconds a child may take to stop after Cancel before it is terminated
HURRY_GRACE = 0.3  # the same when the window is closing: the person waits for it to go
ORPHAN_POLL = 0.5  # seconds between the child's looks at whether its parent is still there


class ChildFailed(Exception):
    """The child reported an error (its message is for the person) or died."""


def run_in_child(target: Callable[..., Any], kwargs: dict[str, Any], *,
                 progress: Progress = no_progress, should_stop: ShouldStop = never,
                 name: str = "annotator-task", nice: int = 0, hurry: ShouldStop = never) -> Any:
    """Run ``target`` (a module-level function, so ``spawn`` can find it) in a child process;
    returns its result, raises :class:`Cancelled` when it stopped on ``should_stop``, or
    :class:`ChildFailed`. ``nice`` lowers the child's CPU priority by that much (POSIX): a
    long job that keeps every core busy (training) then gives way to the window. ``hurry``
    (checked with ``should_stop``): stop within :data:`HURRY_GRACE`, not :data:`CANCEL_GRACE`."""
    ctx = multiprocessing.get_context("spawn")
    messages = ctx.Queue()
    stop = ctx.Event()
    child = ctx.Process(target=_child_main, args=(target, kwargs, messages, stop, nice),
                        name=name, daemon=True)
    child.start()
    try:
        return _follow(child, messages, stop, progress, should_stop, hurry)
    finally:
        child.join(timeout=HURRY_GRACE if hurry() else 30)
        if child.is_alive():
            child.terminate()
            child.join()


def _follow(child, messages, stop, progress: Progress, should_stop: ShouldStop,
            hurry: ShouldStop = never) -> Any:
    asked_at: float | None = None
    while True:
        if asked_at is None and should_stop():
            stop.set()
            asked_at = time.monotonic()
        grace = HURRY_GRACE if asked_at is not None and hurry() else CANCEL_GRACE
        try:
            kind, payload = messages.get(timeout=min(POLL_SECONDS, grace))
        except queue.Empty:
            if asked_at is not None and time.monotonic() - asked_at > grace:
                child.terminate()  # stuck in one long step: what it committed stays
                child.join()
                raise Cancelled(None) from None
            if not child.is_alive():
                raise ChildFailed(f"the {child.name} process ended unexpectedly "
                                  f"(exit code {child.exitcode})") from None
            continue
        if kind == "progress":
            progress(*payload)
        elif kind == "done":
            return payload
        elif kind == "cancelled":
            raise Cancelled(payload)
        else:
            raise ChildFailed(payload)


def _child_main(target: Callable[..., Any], kwargs: dict[str, Any], messages, stop,
                nice: int = 0) -> None:
    """The child: every outcome goes back as a message, errors as the text a person reads."""
    if nice and hasattr(os, "nice"):
        os.nice(nice)
    threading.Thread(target=_end_when_orphaned, args=(os.getppid(),), daemon=True,
                     name="orphan-watch").start()
    try:
        result = target(**kwargs,
                        progress=lambda done, total, message="": messages.put(
                            ("progress", (done, total, message))),
                        should_stop=stop.is_set)
        messages.put(("done", result))
    except Cancelled as exc:
        messages.put(("cancelled", exc.partial))
    except Exception as exc:  # noqa: BLE001 - reported to the person, whatever it is
        messages.put(("error", str(exc) or type(exc).__name__))


def _end_when_orphaned(parent: int) -> None:
    """In the child: end the process at once when ``parent`` is gone (the child was re-parented).
    A write in flight is rolled back by SQLite, as after any crash."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL)
    os._exit(3)
