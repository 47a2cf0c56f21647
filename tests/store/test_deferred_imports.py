"""sqlite-utils' import-time work the store never needs is deferred, not lost
(annotator/store/deferred.py): its recipes (and dateutil) load at first use, and its
virtual-table pattern compiles at first use and matches as before."""

from __future__ import annotations

import re
import subprocess
import sys

from annotator.store.deferred import DeferredPattern, deferred_import_work

SCRIPT = """
import re, sys
compile_ = re.compile
import annotator.store
print("DATEUTIL", "dateutil" in sys.modules)
from sqlite_utils.utils import recipes
print("PARSED", recipes.parsedate("5th October 2019"))
print("REAL", type(sys.modules["sqlite_utils.recipes"]).__name__)
import sqlite_utils.db as db
print("USING", db._virtual_table_using_re.match(
    'CREATE VIRTUAL TABLE "docs_fts" USING FTS5 (text)').group("using"))
print("RESTORED", re.compile is compile_)
"""


def test_opening_the_store_defers_sqlite_utils_recipes_and_they_still_work(tmp_path):
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    out = proc.stdout
    assert "DATEUTIL False" in out  # not imported by opening the store
    assert "PARSED 2019-10-05" in out  # a recipe imports it when used
    assert "REAL module" in out  # and the real module then replaced the stand-in
    assert "USING FTS5" in out
    assert "RESTORED True" in out


def test_only_the_slow_pattern_is_deferred():
    slow = r"""^\s*CREATE\s+VIRTUAL\s+TABLE\s+(?P<identifier>[A-Za-z_\u0080-\uffff]+)"""
    with deferred_import_work():
        deferred = re.compile(slow, re.VERBOSE | re.IGNORECASE)
        other = re.compile(r"\d+", re.IGNORECASE)
    assert isinstance(deferred, DeferredPattern) and isinstance(other, re.Pattern)
    assert deferred.match("create virtual table Ünïcode").group("identifier") == "Ünïcode"
    assert deferred.match("CREATE TABLE x") is None
