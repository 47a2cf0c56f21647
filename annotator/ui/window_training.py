"""The main window's entity-model training: the "Train entity model" job (a spawned child with
progress and Cancel, through :meth:`JobsMixin.start_job`), the before/after dialog, switching
to a version the person chooses, and the status-bar note of which entity model suggests.

Training writes no document. When the project switches to the new version (it measured better,
or the person chose it) the window follows with the pre-annotation job, which re-suggests the
unfinished documents with the active version; its report's
:class:`~annotator.core.changes.Changes` go on the change bus, so the open document, the list
and the counts refresh themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from annotator.store import StorageError
from annotator.ui.dialogs import show_aside
from annotator.ui.jobs import train_entities_job
from annotator.ui.status_bar import ElidedLabel
from annotator.ui.training_dialog import TrainingResultDialog, comparison_from
from annotator.ui.workers import Worker


class TrainingMixin:
    """Mixed into MainWindow (which provides db_path, store, start_job, report, _announce,
    preannotate and next_job)."""

    model_label: QLabel

    def build_model_label(self) -> QLabel:
        """The status-bar note of the active entity model and its held-back F1."""
        self.model_label = ElidedLabel()
        self.model_label.setObjectName("entityModel")
        self.model_label.setAccessibleName("Entity model")
        return self.model_label

    def show_entity_model(self) -> None:
        """Which entity model suggests, and its held-back F1 (cheap: settings and a folder
        check, no spaCy)."""
        from annotator.nlp.pipeline import DEFAULT_MODEL
        from annotator.services.ner_models import active_ner

        version, f1 = active_ner(self.store)
        stock = Path(self.store.settings.get("model") or DEFAULT_MODEL).name
        text, tip = describe_model(version, f1, stock)
        self.model_label.setText(text)
        self.model_label.setToolTip(tip)
        self.model_label.setAccessibleDescription(tip)

    def train_entities(self, use_new: bool = False, **options: Any) -> Worker | None:
        """Train in a spawned child. ``use_new`` makes the new version active whatever it
        scores; ``options`` are the service's ``TrainOptions`` fields (tests make it small)."""
        return self.start_job("Training the entity model",
                              train_entities_job(self.db_path, use_new, **options),
                              self._on_trained)

    def _on_trained(self, report: Any) -> None:
        self._announce(report)
        self.show_entity_model()
        self.report("Train entity model", report.text())
        if report.switched:  # re-suggest with the new version once this job has ended
            self.next_job = lambda: QTimer.singleShot(0, self.preannotate)
        # built on the next turn of the event loop and shown on the one after: three short
        # stalls (the refresh above, the dialog's widgets, its first paint), not one long
        QTimer.singleShot(0, lambda: self._show_training_result(report, self.db_path))

    def _show_training_result(self, report: Any, project: Path) -> None:
        if self.db_path != project:  # another project was opened meanwhile
            return
        dialog = TrainingResultDialog(self, comparison_from(report))
        # the choice is about this project's version, whatever is open when it is made
        dialog.use_requested.connect(
            lambda version: self.use_entity_model(version) if self.db_path == project else None)
        # beside the window, the keyboard left with the editor: training ends while the person
        # labels, and a modal dialog took their next keys (see annotator.ui.dialogs.show_aside)
        QTimer.singleShot(0, lambda: show_aside(dialog))

    def use_entity_model(self, version: str) -> Worker | None:
        """The person chose ``version``: make it active (one settings write on the window's
        own connection) and re-suggest the unfinished documents with it."""
        from annotator.services.ner_training import use_model

        try:
            name = use_model(self.store, version)
        except (KeyError, ValueError, OSError, StorageError) as exc:
            self.report("Entity model", f"Cannot use {version}: {exc}", warning=True)
            return None
        self.show_entity_model()
        self.show_message(f"The project now uses {name}; re-suggesting unfinished documents")
        return self.preannotate()


def describe_model(version: str | None, f1: float | None, stock: str) -> tuple[str, str]:
    """Status-bar text and tooltip: the project's own version ``ner-N`` with its F1 on the
    documents held back from its training, or the stock model when it has none."""
    if version is None:
        return (f"Entities: {stock}",
                f"Entity suggestions come from {stock}: the project has no entity model of its "
                "own yet (File > Train entity model, Ctrl+T)")
    if f1 is None:
        return f"Entities: {version}", f"Entity suggestions come from {version}"
    return (f"Entities: {version} · F1 {f1:.2f}",
            f"Entity suggestions come from {version}, the project's own model; F1 {f1:.2f} on "
            "the documents held back from its training")
