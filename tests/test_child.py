"""A spawned job child never outlives its window, and Cancel always ends it: a child stuck in
one long step is terminated after a grace (a very long document inside one spaCy call kept
writing after Cancel), and a child whose parent died ends itself (a window killed by a logout's
SIGTERM left its pre-annotation writing for minutes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core import child as child_module
from annotator.core.child import run_in_child
from annotator.core.tasks import Cancelled

ROOT = Path(__file__).resolve().parent.parent


def stuck(pidfile: str, progress, should_stop) -> None:
    """A job in one long step: it never asks should_stop."""
    Path(pidfile).write_text(str(os.getpid()))
    time.sleep(600)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_a_child_that_does_not_stop_is_terminated_after_the_grace(tmp_path, monkeypatch):
    monkeypatch.setattr(child_module, "CANCEL_GRACE", 0.5)
    pidfile = tmp_path / "pid"
    asked = []

    def should_stop() -> bool:  # Cancel pressed once the child is working
        asked.append(pidfile.exists())
        return pidfile.exists()

    started = time.monotonic()
    with pytest.raises(Cancelled) as stopped:
        run_in_child(stuck, {"pidfile": str(pidfile)}, should_stop=should_stop)
    assert stopped.value.partial is None  # nothing to report: it was stopped from outside
    assert time.monotonic() - started < 60
    assert not alive(int(pidfile.read_text()))


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_child_ends_itself_when_its_parent_is_killed(tmp_path):
    pidfile = tmp_path / "pid"
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; sys.path[:0] = sys.argv[2:]\n"
         "from annotator.core.child import run_in_child\n"
         "from test_child import stuck\n"
         "run_in_child(stuck, {'pidfile': sys.argv[1]})",
         str(pidfile), str(ROOT), str(ROOT / "tests")])
    try:
        deadline = time.monotonic() + 60
        while not pidfile.exists() or not pidfile.read_text():
            assert time.monotonic() < deadline and parent.poll() is None
            time.sleep(0.05)
        worker = int(pidfile.read_text())
        parent.send_signal(signal.SIGKILL)  # no clean-up of any kind in the parent
        parent.wait()
        deadline = time.monotonic() + 10
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(worker)
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_hurried_cancel_ends_a_stuck_child_in_a_fraction_of_a_second(tmp_path):
    """Closing the window hurries: the child gets HURRY_GRACE, not CANCEL_GRACE (5 s), to stop
    before it is terminated (Ctrl+Q during a model load took over 5 s)."""
    pidfile = tmp_path / "pid"
    asked_at: list[float] = []

    def should_stop() -> bool:
        if pidfile.exists() and not asked_at:
            asked_at.append(time.monotonic())
        return bool(asked_at)

    with pytest.raises(Cancelled):
        run_in_child(stuck, {"pidfile": str(pidfile)}, should_stop=should_stop,
                     hurry=lambda: True)
    took = time.monotonic() - asked_at[0]
    assert took < child_module.CANCEL_GRACE / 2, took
    assert not alive(int(pidfile.read_text()))

