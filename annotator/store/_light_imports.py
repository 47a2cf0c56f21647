"""Import ``sqlite_utils`` without the data-science stack it would drag in.

``sqlite_utils.db`` tries ``import pandas`` and ``import numpy`` at import time, only to
recognise their value types in ``insert``/``upsert``. The store never hands it such values (it
writes through plain ``sqlite3`` rows), yet where pandas is installed that import costs about
0.5 s of CPU in every process that opens a project: a third of a 20,000-document export
(profiled with py-spy, issue 12) and a large slice of the window's start-up. So the first import
of ``sqlite_utils`` runs with both names marked absent (``sys.modules[name] = None`` makes
``import name`` raise ``ImportError``, which sqlite_utils catches), and the marks are removed
right after: any later ``import numpy`` (spaCy needs it) or ``import pandas`` works as usual.
"""

from __future__ import annotations

import sys

_OPTIONAL = ("pandas", "numpy")

if "sqlite_utils.db" not in sys.modules:
    _marked = [name for name in _OPTIONAL if name not in sys.modules]
    for _name in _marked:
        sys.modules[_name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for _name in _marked:
            if sys.modules.get(_name, 0) is None:
                del sys.modules[_name]
