"""How long the window's event loop stalls: a timer that should fire every few milliseconds
records the longest gap between two of its ticks while the loop runs."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer


class StallMeter:
    """``start()``, run the event loop (``qtbot.waitSignal`` ...), ``stop()``; then
    ``longest`` is the largest gap in seconds and ``ticks`` how many times it fired (proof the
    loop ran). A gap is a time the window could not react to a key or repaint."""

    def __init__(self, interval_ms: int = 4):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self.ticks = 0
        self._last = 0.0

    def start(self) -> StallMeter:
        self._last = time.perf_counter()
        self.timer.start()
        return self

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.ticks += 1

    def stop(self) -> None:
        self._tick()
        self.timer.stop()
