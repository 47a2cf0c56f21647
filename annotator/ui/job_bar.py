"""The status-bar strip that shows a background job: what it does, a progress bar, Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from annotator.ui.workers import Worker


class JobBar(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("jobBar")
        self.setAccessibleName("Background job")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setAccessibleName("Job status")
        self.bar = QProgressBar()
        self.bar.setObjectName("jobProgress")
        self.bar.setAccessibleName("Job progress")
        self.bar.setFixedWidth(180)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("jobCancel")
        self.cancel_button.setAccessibleName("Cancel the job")
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.worker: Worker | None = None
        self.cancel_button.clicked.connect(self._on_cancel)
        self.hide()

    def follow(self, worker: Worker) -> None:
        self.worker = worker
        self.label.setText(worker.title + "…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        # lambdas: a bound method connected for the first time changes this class's
        # meta-object, and Qt then polishes the window again (see JobsMixin.start_job)
        worker.progressed.connect(lambda done, total, message:
                                  self._on_progressed(done, total, message))
        worker.finished.connect(lambda: self._on_finished(worker))
        self.show()

    def _on_progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if message:
            self.label.setText(message)

    def _on_cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.label.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _on_finished(self, worker: Worker) -> None:
        """Hidden when the job it follows ends; not when an earlier one does: the window may
        start the next job (pre-annotation after an import) from that job's own ``finished``,
        before this bar hears of it, and the bar then follows the new one."""
        if worker is self.worker:
            self.worker = None
            self.hide()
