"""An edit shown as saved survives an OS crash or power cut: each commit reaches the disk before
it returns (``synchronous=FULL``; issue 10, point 7). What that costs per label is measured in
``bench/gui.py``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.domain import NewDocument
from annotator.store import open_store

EDITS = 40
EDITOR = """
import sys
from annotator.domain import Span
from annotator.store import open_store

with open_store(sys.argv[1], interactive=sys.argv[3] == "window") as store:
    for i in range(int(sys.argv[2])):
        store.spans.add(1, Span(2 * i, 2 * i + 1, "PERSON"))
"""


def count_syncs(tmp_path: Path, project: Path, edits: int, window: bool = False) -> int:
    """fsync and fdatasync calls made by a process (all its threads) that makes ``edits``
    single edits; ``window``: through the window's connection."""
    log = tmp_path / "strace.log"
    result = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", str(log),
         sys.executable, "-c", EDITOR, str(project), str(edits),
         "window" if window else "session"],
        capture_output=True, text=True, timeout=120)
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr
    return sum(1 for line in log.read_text().splitlines() if "sync(" in line)


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_every_edit_is_synced_to_disk_before_it_returns(tmp_path):
    """Was: 13 fdatasyncs for 949 acknowledged edits (synchronous=NORMAL syncs only at
    checkpoints, so a power cut could undo labels already drawn as saved)."""
    project = tmp_path / "p.db"
    with open_store(project) as store:
        store.documents.add([NewDocument("w " * 100, "w.txt")])
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert count_syncs(tmp_path, project, EDITS) >= EDITS
    with open_store(project) as store:
        assert len(store.spans.of(1)) == EDITS


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_every_window_edit_is_synced_before_it_returns_by_its_keeper(tmp_path):
    """The window's connection commits under NORMAL (the lock is not held while the disk
    syncs) and its keeper thread fsyncs the log before the write returns: still a sync per
    edit."""
    project = tmp_path / "p.db"
    with open_store(project) as store:
        store.documents.add([NewDocument("w " * 100, "w.txt")])
    assert count_syncs(tmp_path, project, EDITS, window=True) >= EDITS
    with open_store(project) as store:
        assert len(store.spans.of(1)) == EDITS
