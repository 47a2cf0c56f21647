"""How worker processes start: ``fork`` where it is safe, ``spawn`` elsewhere.

Shared by the pools that run spaCy work on every core (pre-annotation in
:mod:`annotator.nlp.preannotate`, token exports in :mod:`annotator.services.export_pool`). A forked
worker inherits what the caller already loaded (spaCy, a tokenizer, a model: 1-2 s of CPU a
worker saved); a spawned one imports and loads it again. Imports nothing heavy, so a caller can
ask before deciding whether a pool is worth starting.
"""

from __future__ import annotations

import os
import sys
import threading


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
