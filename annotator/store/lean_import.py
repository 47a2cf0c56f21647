"""sqlite-utils without pandas and numpy: a second or more off every start of the app.

sqlite-utils imports pandas and numpy at its own import whenever they are installed, only so that
rows inserted through its table API may hold their scalar types. The store never does that: it
binds plain Python values on the connection and uses sqlite-utils for its ``Database`` wrapper and
migrations only. Yet where pandas is installed (it often is, beside other tools) importing it
costs 0.5-3 s of the window's start-up and ~40 MB of memory. So sqlite-utils is imported once here
with those two hidden; anything imported later (spaCy brings numpy) imports them normally.
"""

from __future__ import annotations

import sys
import threading

HIDDEN = ("pandas", "numpy")
_lock = threading.Lock()


def import_sqlite_utils() -> None:
    """Import ``sqlite_utils`` with pandas and numpy hidden, unless something imported them
    already (then sqlite-utils sees them as usual). Safe to call more than once."""
    with _lock:
        if "sqlite_utils.db" in sys.modules:
            return
        hidden = [name for name in HIDDEN if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
        try:
            from annotator.store.deferred import deferred_import_work

            with deferred_import_work():  # import-time work the store never needs
                import sqlite_utils.db  # noqa: F401
        finally:
            for name in hidden:
                if sys.modules.get(name) is None:
                    del sys.modules[name]
