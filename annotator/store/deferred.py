"""Work sqlite-utils does at its import that the store never needs, deferred to first use.

Measured on the command line (CPU, median of 30 starts, 2-core box): importing ``sqlite_utils.db``
costs ~0.12 s above ``sqlite3``, ``json`` and ``click``; two parts of that serve features the store
does not use, and :func:`deferred_import_work` puts them off until something uses them:

- ``sqlite_utils.recipes`` with ``dateutil.parser`` (~0.04 s): the conversions of sqlite-utils' own
  command line (``r.parsedate(...)``), imported at module level, used only by that command line.
  The module gets a stand-in that imports the real one at its first attribute access, so a
  recipe still works, later. (It is a leaf module: nothing is imported from inside it.)
- one regular expression (~0.02-0.05 s): the case-insensitive ``CREATE VIRTUAL TABLE`` pattern
  with a ``\\u0080-\\uffff`` class, which ``re`` expands character by character at compile time.
  It becomes a pattern object that compiles on its first use (``Table.virtual_table_using``).

Together about 0.055 s off every start of the command line and of the window.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
import types
from collections.abc import Iterator
from typing import Any

DEFERRED_MODULES = ("sqlite_utils.recipes",)


class DeferredModule(types.ModuleType):
    """Stands in ``sys.modules`` for a module until an attribute of it is read; then the real
    module is imported (replacing this one in ``sys.modules``) and the attribute comes from it."""

    def __getattr__(self, attr: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


class DeferredPattern:
    """A compiled pattern made at its first use: ``match``, ``search`` ... as ``re.Pattern``."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, attr)


def _slow_to_compile(pattern: Any, flags: int) -> bool:
    """sqlite-utils' virtual-table pattern (see the module docstring)."""
    return (isinstance(pattern, str) and bool(flags & re.VERBOSE) and bool(flags & re.IGNORECASE)
            and "VIRTUAL" in pattern and "\\uffff" in pattern)


@contextlib.contextmanager
def deferred_import_work() -> Iterator[None]:
    """Around ``import sqlite_utils.db``: the modules of :data:`DEFERRED_MODULES` not yet
    imported get a :class:`DeferredModule`, and the slow pattern a :class:`DeferredPattern`.
    ``re.compile`` is itself again on exit (callers hold the import lock of
    :mod:`annotator.store.lean_import`; any other pattern compiles as always meanwhile)."""
    for name in DEFERRED_MODULES:
        if name not in sys.modules:
            sys.modules[name] = DeferredModule(name)
    compile_ = re.compile

    def compile_later(pattern: Any, flags: int = 0) -> Any:
        if _slow_to_compile(pattern, flags):
            return DeferredPattern(pattern, flags)
        return compile_(pattern, flags)

    re.compile = compile_later  # type: ignore[assignment]
    try:
        yield
    finally:
        re.compile = compile_
