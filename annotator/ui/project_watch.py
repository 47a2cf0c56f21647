"""Two windows on one project: the window warns when another process has the project open, and
notices what other connections write (another window, the CLI, its own background jobs) through
SQLite's ``data_version``, a few times a second, so every view shows what the file holds."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.store.presence import Presence
from annotator.ui.controller import Controller

POLL_MS = 500


class ProjectWatch(QObject):
    """Holds this window's presence on the project and polls for writes made elsewhere."""

    others_open = Signal()  # another process had the project open when this one opened it

    def __init__(self, controller: Controller, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.presence: Presence | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def start(self, db_path: Path) -> None:
        """Take this window's place on a (newly opened) project and start watching it."""
        self.stop()
        self.presence = Presence(db_path)
        self.timer.start()
        if self.presence.others:
            self.others_open.emit()

    def poll(self) -> bool:
        """Refresh every view when another connection wrote; True when it did."""
        return self.controller.session.check_external()

    def stop(self) -> None:
        self.timer.stop()
        if self.presence is not None:
            self.presence.release()
            self.presence = None
