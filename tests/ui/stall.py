"""How long the window's event loop stalls: a timer that should fire every few milliseconds
records the longest gap between two of its ticks while the loop runs.

Two figures, because the machine is shared: ``longest`` is the wall-clock gap (what a person
would feel), ``longest_busy`` the CPU time the GUI thread itself spent inside one gap (what our
code costs the loop). On an idle machine they agree; when other processes keep every core busy
the wall gap also holds the time the GUI thread waited for a core."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import Qt, QTimer


class StallMeter:
    """``start()``, run the event loop (``qtbot.waitSignal`` ...), ``stop()``; then
    ``longest`` is the largest gap in seconds, ``longest_busy`` the most GUI-thread CPU time
    spent within one gap, and ``ticks`` how many times it fired (proof the loop ran)."""

    def __init__(self, interval_ms: int = 4):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self.longest_busy = 0.0
        self.ticks = 0
        self._last = self._last_cpu = 0.0
        self.load = 0.0
        self.gaps: list[tuple[float, float, float]] = []  # (ended at, wall, CPU) over 50 ms
        self._start = 0.0

    def start(self) -> StallMeter:
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self._start = self._last
        self.timer.start()
        return self

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if now - self._last > 0.05:
            self.gaps.append((now - self._start, now - self._last, cpu - self._last_cpu))
        self.longest = max(self.longest, now - self._last)
        self.longest_busy = max(self.longest_busy, cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu
        self.ticks += 1

    def stop(self) -> None:
        self._tick()
        self.timer.stop()
        self.load = os.getloadavg()[0] / (os.cpu_count() or 1)

    def summary(self) -> str:
        return (f"longest stall {self.longest * 1000:.0f} ms wall, "
                f"{self.longest_busy * 1000:.0f} ms of GUI-thread CPU; {self.ticks} ticks; "
                f"load {self.load:.1f} per core; gaps over 50 ms (at s: wall/CPU ms): "
                + ", ".join(f"{t:.1f}: {w * 1000:.0f}/{c * 1000:.0f}" for t, w, c in self.gaps))
