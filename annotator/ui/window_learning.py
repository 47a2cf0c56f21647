"""The main window's section learning: "Train sections" on demand, a retrain by itself in the
background after every few newly accepted documents, and a status bar label saying which model
made the open document's section suggestions and how it scored on the person's own held-back
pages.

Training runs in a spawned process (:func:`annotator.core.child.run_in_child`) through the
window's one job at a time (:class:`~annotator.ui.window_jobs.JobsMixin`), with progress and
Cancel in the job bar; the window never waits for it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer

from annotator.core.changes import Changes
from annotator.core.tasks import Cancelled
from annotator.domain import Status, count
from annotator.services.section_retrain import CHILD_NICENESS
from annotator.ui.status_bar import ElidedLabel
from annotator.ui.workers import Worker

log = logging.getLogger(__name__)

TITLE = "Training sections"
RETRAIN_DELAY_MS = 1000  # after the accept that makes a retrain due (its repaint is done)
SPAWN_AFTER_S = 0.15  # after the job bar appears


def train_sections_job(db_path: Path):
    """The job: train, save and apply the project's next section model in a child process."""

    def run(task: Worker) -> Any:
        from annotator.core.child import run_in_child
        from annotator.services.section_child import train_in_child

        # Let the window draw the job bar before the process starts: starting one holds the
        # interpreter for tens of milliseconds, and the two together were one long stall.
        time.sleep(SPAWN_AFTER_S)
        if task.should_stop():  # the window closed meanwhile: start no process to stop again
            raise Cancelled(None)
        if sys.platform.startswith("linux"):
            # On Linux a nice value belongs to the thread (this worker, not the window's
            # thread) and the processes it starts inherit it: the child's start-up (an
            # interpreter and its imports) then yields the CPU to the window on a busy machine.
            os.nice(CHILD_NICENESS)
        return run_in_child(train_in_child, {"db_path": str(db_path)},
                            progress=task.progress, should_stop=task.should_stop, hurry=task.hurry,
                            name="section training")

    return run


def describe_section_model(store: Any, doc_id: int | None) -> tuple[str, str]:
    """``(label text, tooltip)`` for the status bar: the model whose suggestions the document
    shows (the most common origin of its unconfirmed sections), else the project's active
    model; with its held-back score when it has one."""
    from annotator.services.model_versions import ModelVersions
    from annotator.services.section_retrain import KIND

    versions = ModelVersions(store, KIND)
    origins = store.section_pages.section_origins(doc_id) if doc_id is not None else {}
    machine = {o: n for o, n in origins.items() if o == "rules" or o.startswith("model:sections")}
    if machine:
        origin = max(machine, key=lambda o: (machine[o], o))
        number = ModelVersions.number_in(KIND, origin)
        lead = "Sections by"
    else:
        number = versions.active()
        origin = versions.origin(number) if number is not None else ""
        lead = "Section model:"
    if number is None:
        name = "rules" if origin == "rules" else "base model"
        return (f"{lead} {name}",
                "No section model of this project yet: Train sections (Ctrl+Shift+T) learns "
                "one from the pages you confirmed")
    record = versions.record(number) or {}
    score = record.get("score")
    scored = f"held-back body F1 {score:.2f}" if isinstance(score, (int, float)) else "not scored"
    base = record.get("base_score")
    pages, sites = record.get("pages"), record.get("sites")
    tip = (f"Section model {number} of this project, trained on "
           f"{count(pages, 'confirmed page') if isinstance(pages, int) else '? confirmed pages'}"
           f" of {count(sites, 'site') if isinstance(sites, int) else '? sites'}. ")
    if isinstance(score, (int, float)):
        tip += (f"Body F1 {score:.3f} on {record.get('held_back', '?')} of your confirmed pages "
                "it did not train on")
        tip += f" (the base model: {base:.3f})." if isinstance(base, (int, float)) else "."
    else:
        tip += "Not scored: no site has two confirmed pages yet."
    return f"{lead} model {number} · {scored}", tip


class LearningMixin:
    """Mixed into MainWindow (which provides store, controller, start_job, worker, report...)."""

    _retrain_tried_at: int = -1  # accepted count at the last automatic attempt

    def _build_learning(self) -> None:
        self.section_model_label = ElidedLabel()
        self.section_model_label.setObjectName("sectionModel")
        self.section_model_label.setAccessibleName("Section suggestions")
        self.section_model_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.section_model_label)

    def _wire_learning(self) -> None:
        c = self.controller
        c.document_opened.connect(lambda _doc_id: self.update_section_model())
        c.sections_changed.connect(self._on_learning_sections_changed)
        c.status_changed.connect(self._on_learning_status_changed)

    def train_sections(self, auto: bool = False) -> Worker | None:
        """Start a training run (``auto``: the background retrain; when another job is running
        it follows that job instead of being refused)."""
        if auto and self.worker is not None:
            if self.next_job is None:
                self.next_job = lambda: self.train_sections(auto=True)
            return None
        return self.start_job(TITLE, train_sections_job(self.db_path), self._on_sections_trained)

    def update_section_model(self) -> None:
        doc = self.controller.doc
        try:
            text, tip = describe_section_model(self.store, doc.id if doc else None)
        except Exception as exc:  # noqa: BLE001 - a label must never break the window
            log.warning("cannot describe the section model: %s", exc)
            text, tip = "", ""
        self.section_model_label.setText(text)
        self.section_model_label.setToolTip(tip)

    def _on_sections_trained(self, report: Any) -> None:
        self.show_message(report.text())
        self.last_report = f"{report.text()}\n{report.details()}"
        self._announce(report)
        self.update_section_model()

    def _on_learning_sections_changed(self, doc_id: int) -> None:
        doc = self.controller.doc
        if doc is not None and doc.id == doc_id:
            self.update_section_model()

    def _on_learning_status_changed(self, doc_id: int, status: Status) -> None:
        if status == Status.ACCEPTED:
            self.retrain_if_due()

    def retrain_if_due(self) -> None:
        """The background retrain: when enough documents were accepted since the active
        section model was trained (project setting ``sections_retrain_every``, default 3).
        Tried once per accepted count, so a run that fails is not repeated at every key."""
        from annotator.services.section_retrain import retrain_due

        if self.store.read_only:
            return None
        accepted = self.store.section_pages.count_accepted()
        if accepted == self._retrain_tried_at or not retrain_due(self.store):
            return None
        self._retrain_tried_at = accepted
        log.info("retraining the section model in the background (%d accepted)", accepted)
        # After the accept has shown the next document: starting a process right away would
        # add its cost to that repaint in one stall.
        QTimer.singleShot(RETRAIN_DELAY_MS, self, lambda: self.train_sections(auto=True))
        return None

    def _learning_changes(self, changes: Changes) -> None:
        """After a job or another window: the open document's suggestions may be new."""
        if changes.everything or changes.sections:
            self.update_section_model()
