"""Ctrl+Q is prompt: closing the window during a job whose child process does not stop at once
(a model loading, one long spaCy call) ends the child in a fraction of a second instead of
waiting five seconds for it, and every label made before is in the file."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.child import run_in_child
from annotator.store import open_store


def stuck(pidfile: str, progress, should_stop) -> None:
    """A child in one long step that never asks should_stop (spaCy loading a model)."""
    Path(pidfile).write_text(str(os.getpid()))
    time.sleep(600)


def test_closing_during_a_stuck_job_ends_it_within_a_second_and_keeps_the_labels(
        window, qtbot, tmp_path, project):
    window.go_row(2)
    doc_id = window.controller.doc.id
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_A)  # Accept: committed at once
    pidfile = tmp_path / "pid"
    window.start_job("Pre-annotating", lambda task: run_in_child(
        stuck, {"pidfile": str(pidfile)}, should_stop=task.should_stop, hurry=task.hurry,
        name="stuck"), lambda _r: None)
    qtbot.waitUntil(pidfile.exists, timeout=30_000)  # the child is in its long step

    started = time.monotonic()
    window.close()
    took = time.monotonic() - started
    assert took < 1.5, f"closing took {took:.2f} s"
    assert window.closed
    assert multiprocessing.active_children() == []
    with open_store(project) as store:
        assert store.documents.get(doc_id).status.value == "accepted"


QUIT_SCRIPT = r"""
import os, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
from annotator.ui.app import application, leave, main_window
app = application()
window = main_window(Path(sys.argv[1]))
window.show()

def quit_():
    window.load_tokenizer().join(60)  # spaCy imported: its teardown is what took the time
    print("closing", time.time(), flush=True)
    window.actions_by_name["quit"].trigger()

QTimer.singleShot(300, quit_)
code = leave(window, app.exec())
import gc
print("frozen", gc.get_freeze_count(), flush=True)
sys.exit(code)
"""


def test_the_process_ends_promptly_after_ctrl_q_with_its_settings_written(project, tmp_path):
    """After the window closed, the interpreter's teardown of spaCy and Qt took 0.3-0.7 s more
    (its last garbage collections); the app freezes what it made first, and the settings are
    still written as the process ends."""
    import subprocess
    import sys

    settings = tmp_path / "quit-settings"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_NAME": "tester",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", QUIT_SCRIPT, str(project), str(settings)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate(timeout=120)
    ended = time.time()
    assert proc.returncode == 0, err
    closing = float(next(line for line in out.splitlines() if line.startswith("closing"))
                    .split()[1])
    print(f"the process ended {ended - closing:.2f} s after Ctrl+Q")
    # The teardown took 0.3-0.7 s here, 0.04-0.15 s with the objects frozen: the bound is the
    # person's (under a second), the frozen count shows why it holds on a busy machine too.
    assert ended - closing < 1.0, f"the process took {ended - closing:.2f} s to end"
    frozen = int(next(line for line in out.splitlines() if line.startswith("frozen")).split()[1])
    assert frozen > 100_000  # spaCy's and Qt's objects, skipped by the last collections
    written = "\n".join(p.read_text() for p in settings.rglob("*.ini"))
    assert "geometry" in written and "lastDocuments" in written, written
