"""The main window's background work: projects, import (menus and drag and drop), pre-annotation
and export. Each job runs in a :class:`~annotator.ui.workers.Worker` with progress and Cancel;
when it ends (or is cancelled) the :class:`~annotator.core.changes.Changes` its report carries go
on the change bus, where every view refreshes itself, and the outcome is reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.changes import Changes
from annotator.domain import count
from annotator.ui.dialogs import ExportDialog, default_export_path, show_aside
from annotator.ui.file_dialogs import safe_file_dialog
from annotator.ui.jobs import WindowImport, export_job, preannotate_job, window_import_job
from annotator.ui.workers import Worker, stop_all

JOB_ACTIONS = ("import", "import-folder", "preannotate", "export", "new-project", "open-project",
               "train-entities", "train-sections")
# What writes to the project: off while it is open read-only (a newer schema, a file that cannot
# be written), with the label keys; reading, moving and exporting stay on.
# Undo and redo follow this too (MainWindow._follow_undo_stack).
WRITE_ACTIONS = ("import", "import-folder", "preannotate", "train-entities", "train-sections",
                 "delete-span", "apply-suggestions", "accept", "reject", "skip", "keep-edit",
                 *(f"take-{n}" for n in range(1, 10)), "copy-labels")
PROJECT_FILTER = "Annotator projects (*.db *.sqlite);;All files (*)"


# Every suffix annotator.io.importer reads (tests/ui/test_jobs.py checks they agree; the io
# layer itself is not imported here, to keep the window's start-up short).
IMPORT_FILTER = ("Articles (*.txt *.text *.md *.jsonl *.ndjson *.jsonlines *.jl *.doccano "
                 "*.prodigy *.json *.html *.htm *.xhtml);;All files (*)")


class JobsMixin:
    """Mixed into MainWindow (which provides store, controller, list_model, job_bar...)."""

    worker: Worker | None = None
    last_report: str = ""
    next_job: Callable[[], Any] | None = None  # started when the running job has finished

    # -- choosing files (non-blocking dialogs: the window keeps running) -----------------------

    def _file_dialog(self, title: str, mode: QFileDialog.FileMode, on_done: Callable,
                     save: bool = False, name_filter: str = "") -> QFileDialog:
        dialog = safe_file_dialog(self, title, name_filter=name_filter)
        dialog.setFileMode(mode)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("db")
        dialog.filesSelected.connect(on_done)
        dialog.open()
        return dialog

    def ask_new_project(self) -> None:
        self._file_dialog("New project", QFileDialog.FileMode.AnyFile,
                          lambda files: files and self.open_project(Path(files[0])),
                          save=True, name_filter=PROJECT_FILTER)

    def ask_open_project(self) -> None:
        self._file_dialog("Open project", QFileDialog.FileMode.ExistingFile,
                          lambda files: files and self.open_project(Path(files[0])),
                          name_filter=PROJECT_FILTER)

    def ask_import_files(self) -> None:
        self._file_dialog("Import files", QFileDialog.FileMode.ExistingFiles,
                          lambda files: self.import_paths([Path(f) for f in files]),
                          name_filter=IMPORT_FILTER)

    def ask_import_folder(self) -> None:
        self._file_dialog("Import folder", QFileDialog.FileMode.Directory,
                          lambda files: self.import_paths([Path(f) for f in files]))

    def ask_export(self) -> ExportDialog:
        """The export dialog, filled with this project's last export (format, file, which
        documents), as the person left it."""
        dialog = ExportDialog(self, default_export_path(self.db_path))
        key = f"last_export/{self.db_path.resolve()}"
        try:
            dialog.restore(*json.loads(str(self.settings.value(key, ""))))
        except (ValueError, TypeError):  # none yet, or written by something else
            pass

        def chosen() -> None:
            out, fmt, everything = dialog.choice()
            self.settings.setValue(key, json.dumps([str(out), fmt, everything]))
            self.export_to(out, fmt, everything)

        dialog.accepted.connect(chosen)
        dialog.open()
        return dialog

    # -- jobs ------------------------------------------------------------------------------------

    def import_paths(self, paths: list[Path], annotator: str | None = None) -> Worker | None:
        """Import in the background; ``annotator`` (``annotator gui --annotator``) names who
        confirmed the labels of tasks a file marks as accepted or rejected."""
        if not paths:
            return None
        return self.start_job("Importing", window_import_job(self.db_path, paths, annotator),
                              self._on_imported)

    def preannotate(self, trust_model: bool = False) -> Worker | None:
        """Pre-annotate; a model folder the project file names outside the project's folder
        is loaded only once the person said yes (remembered per folder)."""
        from annotator.services.preannotation import model_to_confirm

        folder = model_to_confirm(self.store)
        trusted = [str(p) for p in self.settings.value("trusted_models", []) or []]
        if folder is not None and not trust_model and str(folder) not in trusted:
            self._ask_trust_model(folder)
            return None
        return self.start_job("Pre-annotating",
                              preannotate_job(self.db_path, trust_model=folder is not None),
                              self._on_preannotated)

    def _ask_trust_model(self, folder: Path) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Load this model?",
                          f"This project asks to pre-annotate with the model folder\n{folder}\n"
                          "which lies outside the project's folder. A model folder can hold "
                          "code: load it only if you trust where it came from.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("trustModelBox")

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Yes:
                trusted = [str(p) for p in self.settings.value("trusted_models", []) or []]
                self.settings.setValue("trusted_models", [*trusted, str(folder)])
                self.preannotate(trust_model=True)

        box.finished.connect(answered)
        box.open()
        return box

    def export_to(self, out: Path, fmt: str = "prodigy",
                  include_all: bool = False) -> Worker | None:
        return self.start_job("Exporting", export_job(self.db_path, fmt, Path(out), include_all),
                              self._on_exported)

    def start_job(self, title: str, fn: Callable[[Worker], Any],
                  on_success: Callable[[Any], None]) -> Worker | None:
        """Run ``fn`` off the GUI thread; one job at a time."""
        if self.worker is not None:
            self.show_message(f"Wait for “{self.worker.title}” to finish, or cancel it")
            return None
        worker = Worker(title, fn, self)
        # Lambdas, not bound methods: PySide6 registers a QObject's method connected for the
        # first time as a new slot of its class, and the window's changed meta-object makes Qt
        # polish the whole window again at the next show (a full repaint: 30-50 ms of GUI CPU
        # as the first job of each kind started).
        worker.succeeded.connect(lambda result: on_success(result))
        worker.failed.connect(lambda error: self.report(title, f"{title} failed: {error}",
                                                        warning=True))
        worker.cancelled.connect(lambda partial: self._on_cancelled(title, partial))
        worker.finished.connect(lambda: self._on_job_finished())
        self.worker = worker
        self._set_jobs_enabled(False)
        self.job_bar.follow(worker)
        return worker.start()

    def stop_jobs(self) -> None:
        """Cancel and wait (on close or project switch); what the job would have reported
        afterwards no longer applies, so its signals are cut first. The project remembers that
        a job was stopped, and says so when it is opened next (:meth:`say_stopped_job`). In a
        hurry: a child process that does not stop at once (loading a model, inside one long
        spaCy call) is terminated after a fraction of a second instead of five; SQLite rolls
        back its write in flight, and what it committed stays."""
        if self.worker is not None:
            self.settings.setValue(self._stopped_key(), self.worker.title)
            for signal in (self.worker.succeeded, self.worker.failed, self.worker.cancelled):
                signal.disconnect()
        stop_all(hurry=True)

    def _stopped_key(self) -> str:
        return f"stopped_job/{self.db_path.resolve()}"

    def say_stopped_job(self) -> None:
        """A job this project's window stopped as it closed (quit during an import): say what
        was kept and how to finish, once."""
        title = self.settings.value(self._stopped_key(), "")
        if not title:
            return
        self.settings.remove(self._stopped_key())
        again = {"Importing": " Import the same files again to add the rest: what is already "
                              "in is skipped.",
                 "Pre-annotating": " Pre-annotate again to do the rest."}.get(str(title), "")
        self.report(str(title), f"“{title}” was stopped when the window closed (or opened "
                                f"another project); everything it committed is kept.{again}")

    def _set_jobs_enabled(self, enabled: bool) -> None:
        for name in JOB_ACTIONS:
            self.actions_by_name[name].setEnabled(enabled)
        self.show_writable()

    def show_writable(self) -> None:
        """Write actions and label keys off while the project is read-only (each used to offer
        itself, then fail with a "Not saved" box; Pre-annotate first loaded the model)."""
        writable = not self.store.read_only
        for name in WRITE_ACTIONS:
            if name not in JOB_ACTIONS or self.worker is None:  # else off while a job runs
                self.actions_by_name[name].setEnabled(writable)
        for action in self.label_actions + self.section_actions:
            action.setEnabled(writable)
        self.follow_undo_stack()

    def _on_job_finished(self) -> None:
        self.worker = None
        self._set_jobs_enabled(True)
        follow, self.next_job = self.next_job, None
        if follow is not None:
            follow()

    def _on_cancelled(self, title: str, partial: Any) -> None:
        self.report(title, f"{title} cancelled; what was done before stays.")
        self._announce(partial)

    def _on_imported(self, result: WindowImport) -> None:
        report = result.report
        notes = len(report.problems) - len(report.rejected)
        text = (f"Imported {count(report.added, 'document')} from {count(report.files, 'file')}; "
                f"{len(report.duplicates)} already in the project; "
                f"{count(len(report.rejected), 'problem')}"
                + (f"; {count(notes, 'note')}." if notes else "."))
        details = "\n".join(p.shown() for p in report.problems)
        self.report("Import", text, details, warning=bool(report.rejected))
        self._announce(report)
        if result.preannotate:  # read in the worker: nothing here touches the file
            self.next_job = self.preannotate  # as `make run` and `import --preannotate` do

    def _on_exported(self, report) -> None:
        self.report("Export", report.text(), "\n".join(str(m) for m in report.misaligned))

    def _on_preannotated(self, report) -> None:
        problems = "\n".join(str(p) for p in report.problems)
        self.report("Pre-annotate", report.text(), problems)
        self._announce(report)

    def _announce(self, report: Any) -> None:
        """The worker wrote through its own connection: put what it changed on the bus (a
        cancelled job without a report may have changed anything)."""
        changes = getattr(report, "changes", None)
        self.controller.emit_changes(replace(changes, elsewhere=True) if changes is not None
                                     else Changes.all("cancelled job", elsewhere=True))

    def report(self, title: str, text: str, details: str = "", warning: bool = False) -> None:
        """Status bar for the summary; a box beside the window, which leaves the keyboard where
        it is, when there are problems to read."""
        self.last_report = text + (f"\n{details}" if details else "")
        self.show_message(text)
        if not (warning or details):
            return
        box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
                          title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("reportBox")
        if details:
            box.setDetailedText(details)
        show_aside(box)  # mostly a job's outcome: the keys stay with the editor

    # -- drag and drop -----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)
