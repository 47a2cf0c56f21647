"""Pre-annotation in a child process, driven from a worker thread.

spaCy holds the GIL for stretches of 50-200 ms (loading the model, parsing a batch), which in a
thread of the app's own process would freeze the window for as long. In a ``spawn`` child the
window never waits for it: the child opens its own connection to the project file, commits a
batch at a time (so Cancel keeps what was done), and sends progress and the report back through
a queue. Nothing here imports Qt, so the child starts without it.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.1


class ChildFailed(Exception):
    """The child reported an error (its message is for the person) or died."""


def run_in_child(db_path: Path, model: str | None, progress: Callable[[int, int, str], None],
                 should_stop: Callable[[], bool]) -> Any:
    """Run ``preannotate_project`` in a spawned process; returns its report."""
    ctx = multiprocessing.get_context("spawn")
    messages = ctx.Queue()
    stop = ctx.Event()
    child = ctx.Process(target=_child_main, args=(str(db_path), model, messages, stop),
                        name="annotator-preannotate", daemon=True)
    child.start()
    try:
        return _follow(child, messages, stop, progress, should_stop)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.terminate()
            child.join()


def _follow(child, messages, stop, progress, should_stop) -> Any:
    while True:
        if should_stop():
            stop.set()
        try:
            kind, payload = messages.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not child.is_alive():
                raise ChildFailed(f"the pre-annotation process ended unexpectedly "
                                  f"(exit code {child.exitcode})") from None
            continue
        if kind == "progress":
            progress(*payload)
        elif kind == "done":
            return payload
        else:
            raise ChildFailed(payload)


def _child_main(db_path: str, model: str | None, messages, stop) -> None:
    """The child: every outcome goes back as a message, errors as the text a person reads."""
    try:
        from annotator.nlp.preannotate import preannotate_project
        from annotator.store import open_store

        messages.put(("progress", (0, 0, "Loading the model…")))
        with open_store(db_path) as store:
            report = preannotate_project(
                store, model,
                on_progress=lambda done, total: messages.put(
                    ("progress", (done, total, f"Pre-annotated {done} of {total} documents"))),
                should_stop=stop.is_set,
            )
        messages.put(("done", report))
    except Exception as exc:  # noqa: BLE001 - reported to the person, whatever it is
        messages.put(("error", str(exc) or type(exc).__name__))
