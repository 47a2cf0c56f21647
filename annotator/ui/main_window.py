"""The main window: it assembles the document list, the annotation view and the side panel,
builds the actions and menus, and wires signals. It computes nothing itself: edits go to the
controller, background work to :mod:`annotator.ui.jobs`, and each view refreshes itself from
the controller's change signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Changes
from annotator.domain import Status
from annotator.store import StorageError, Store, open_store
from annotator.ui import near_dups
from annotator.ui.actions import label_action, make_action
from annotator.ui.annotator_name import ask_annotator_name, known_annotator, show_annotator
from annotator.ui.controller import Controller
from annotator.ui.curation_bar import CurationBar
from annotator.ui.document_list import DocumentListModel
from annotator.ui.editor import AnnotationView
from annotator.ui.find_bar import FindBar
from annotator.ui.job_bar import JobBar
from annotator.ui.labels_dialog import open_labels_dialog, unbind_clashing_keys
from annotator.ui.list_panel import ListPanel
from annotator.ui.list_refresh import ListRefresher
from annotator.ui.lock_wait import EventPump
from annotator.ui.project_watch import ProjectWatch
from annotator.ui.recent import (
    last_document,
    recent_projects,
    remember_document,
    remember_project,
)
from annotator.ui.side_panel import SidePanel
from annotator.ui.status_bar import ElidedLabel, ElidingStatusBar
from annotator.ui.window_curation import CurationMixin
from annotator.ui.window_jobs import JobsMixin
from annotator.ui.window_layout import PANE_STRETCH, divide_panes, save_layout
from annotator.ui.window_learning import LearningMixin
from annotator.ui.window_menus import build_menus, build_toolbar
from annotator.ui.window_training import TrainingMixin
from annotator.ui.window_view import ViewMixin, thaw

log = logging.getLogger(__name__)
REMEMBER_AFTER_MS = 500  # see MainWindow._remember_timer
NOTICE_MS = 12_000  # how long a refused edit's notice stays above the article


class MainWindow(LearningMixin, TrainingMixin, CurationMixin, JobsMixin, ViewMixin,
                 QMainWindow):
    def __init__(self, db_path: Path, settings: QSettings | None = None,
                 annotator: str | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setAccessibleName("Annotator")
        self.settings = settings or QSettings()
        self.db_path = Path(db_path)
        self.store: Store = open_store(self.db_path, interactive=True)
        self.lock_pump = EventPump()  # the window paints while an edit waits for the lock
        self.given_annotator = annotator  # --annotator; see annotator.ui.annotator_name
        self.controller = Controller(self.store, known_annotator(annotator, self.settings),
                                     parent=self)
        self.list_model = DocumentListModel(self.store, self)
        self.watch = ProjectWatch(self.controller, self)
        self._build_widgets()
        self._build_actions()
        build_menus(self)
        build_toolbar(self)
        self._wire()
        self.setAcceptDrops(True)
        self._reopen: int | None = None
        self.closed = False  # closeEvent has saved everything and closed the project
        # The document to reopen next time is written to the settings a moment after it is
        # opened, not while a key press waits for it to show (a settings read and write and a
        # path resolution cost ~1-10 ms per document on a busy machine).
        self._remember: tuple[Path, int] | None = None
        self._remember_timer = QTimer(self, singleShot=True, interval=REMEMBER_AFTER_MS)
        self._remember_timer.timeout.connect(self._remember_document)
        self._restore_settings()
        self._project_opened()

    # -- assembly ----------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.list_panel = ListPanel(self.list_model, self)
        self.doc_list = self.list_panel.view
        self.editor = AnnotationView(self)
        self._base_font = self.editor.font().pointSizeF()
        self.doc_header = QLabel()
        self.doc_header.setObjectName("docHeader")
        self.doc_header.setAccessibleName("Document")
        self.doc_header.setTextFormat(Qt.TextFormat.PlainText)
        # Wrapped, and never wider than its pane: the empty state's one long line set the
        # window's minimum width and grew a 1024-px window to 1050 px (tester5 #6).
        self.doc_header.setWordWrap(True)
        self.doc_header.setMinimumWidth(1)
        # A refused edit (a job changed the document; the file refused the write) said so only
        # in the status bar, where a running job's bar left ~40 px for it: "Not saved" showed
        # as nothing or "Pre-an…" (tester5 #3). It is also said here, right above the text
        # the person is looking at, until they move to another document or a while passes.
        self.doc_notice = QLabel()
        self.doc_notice.setObjectName("docNotice")
        self.doc_notice.setAccessibleName("Not saved")
        self.doc_notice.setTextFormat(Qt.TextFormat.PlainText)
        self.doc_notice.setWordWrap(True)
        self.doc_notice.setMinimumWidth(1)
        self.doc_notice.hide()
        self._notice_doc: int | None = None
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice_timer.timeout.connect(self.clear_notice)
        centre = QWidget(self)
        centre.setObjectName("centre")
        centre.setAccessibleName("Article")
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.find_bar = FindBar(self.editor, centre)
        self.curation_bar = CurationBar(centre)
        column.addWidget(self.doc_header)
        column.addWidget(self.doc_notice)
        column.addWidget(self.curation_bar)
        column.addWidget(self.editor, 1)
        column.addWidget(self.find_bar)
        self.side = SidePanel(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setAccessibleName("Main areas")
        for widget, stretch in zip((self.list_panel, centre, self.side), PANE_STRETCH,
                                   strict=True):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.indexOf(widget), stretch)
        self.setCentralWidget(self.splitter)
        self.setStatusBar(ElidingStatusBar(self))  # texts shrink with "…", not cut off
        self.counts = ElidedLabel()
        self.counts.setObjectName("finishedCount")
        self.counts.setAccessibleName("Documents finished")
        self.job_bar = JobBar(self)
        self.read_only_badge = QLabel("Read-only")  # the box says why, once; this stays
        self.read_only_badge.setObjectName("readOnlyBadge")
        self.read_only_badge.setAccessibleName("Project is read-only")
        self.read_only_badge.hide()
        self.statusBar().addPermanentWidget(self.read_only_badge)
        self.statusBar().addPermanentWidget(self.job_bar)
        self.statusBar().addPermanentWidget(self.build_model_label())
        self.statusBar().addPermanentWidget(self.counts)
        self._build_learning()

    def _build_actions(self) -> None:
        a: dict[str, QAction] = {}
        slots = {
            "new-project": self.ask_new_project, "open-project": self.ask_open_project,
            "import": self.ask_import_files, "import-folder": self.ask_import_folder,
            "preannotate": self.preannotate, "train-entities": self.train_entities,
            "train-sections": self.train_sections,
            "export": self.ask_export, "quit": self.close,
            "delete-span": self._on_document(self.delete_span),
            "apply-suggestions": self._on_document(self.controller.apply_suggestions),
            "accept": lambda: self.say_no_document() or self.finish(Status.ACCEPTED),
            "reject": lambda: self.say_no_document() or self.finish(Status.REJECTED),
            "skip": lambda: self.say_no_document() or self.finish(Status.SKIPPED),
            "next": lambda: self.go_row(self.list_panel.current_row() + 1),
            "previous": lambda: self.go_row(self.list_panel.current_row() - 1),
            "next-unfinished": self._on_document(self.go_next_unfinished, opened=False),
            "zoom-in": lambda: self.zoom(1), "zoom-out": lambda: self.zoom(-1),
            "zoom-reset": lambda: self.zoom(0), "dark": self.toggle_dark,
            "find": self.list_panel.focus_filter, "shortcuts": self.show_shortcuts,
            "find-in-article": self.find_bar.open_bar, "find-next": self.find_bar.next,
            "find-previous": self.find_bar.previous,
            "labels": lambda: open_labels_dialog(self),
            "annotator-name": lambda: ask_annotator_name(self),
            **{name: slot if name == "agreement" else
               self._on_document(slot, opened=name.startswith("take-") or name == "keep-edit")
               for name, slot in self.curation_slots().items()},
            "near-duplicates": lambda: near_dups.toggle_group(self),
            "copy-labels": self._on_document(lambda: near_dups.copy_to_near_duplicates(self)),
        }
        for name, slot in slots.items():
            a[name] = make_action(self, name, slot)
        # Undo opens the document its edit was made on: not while the list shows nothing, or
        # it reopened a document the filter hides and every key then changed it (tester5 #5).
        a["undo"] = make_action(self, "undo", self._on_document(self.controller.undo))
        a["redo"] = make_action(self, "redo", self._on_document(self.controller.redo))
        self._follow_undo_stack(a["undo"], a["redo"])
        a["dark"].setCheckable(True)
        self.actions_by_name = a
        show_annotator(self)
        self.label_actions: list[QAction] = []
        self.section_actions: list[QAction] = []

    def _follow_undo_stack(self, undo: QAction, redo: QAction) -> None:
        """Enabled when there is something to undo; what it would undo goes in the tooltip and
        status tip, not the text, so the toolbar never changes width (no relayout per edit)."""
        stack = self.controller.undo_stack

        def follow() -> None:
            writable = not self.store.read_only  # off on a read-only project, as every write
            undo.setEnabled(stack.can_undo and writable)
            redo.setEnabled(stack.can_redo and writable)
            undo.setStatusTip(f"Undo {stack.undo_text}".strip())
            redo.setStatusTip(f"Redo {stack.redo_text}".strip())

        follow()
        self.follow_undo_stack = follow
        self.controller.undo_state_changed.connect(follow)

    def _build_label_actions(self) -> None:
        """The label set lives in the project file, so these are rebuilt per project."""
        self._labels_built = self._label_set()
        for action in self.label_actions + self.section_actions:
            self.removeAction(action)
            action.setObjectName("")  # findChild("label:X") must not find it until it is gone
            action.setShortcut(QKeySequence())  # nor its key clash with its successor's
            action.deleteLater()
        self.label_actions = [label_action(self, lab, self.label_selection)
                              for lab in self.store.labels.of("entity")]
        self.section_actions = [label_action(self, lab, self.tag_sections)
                                for lab in self.store.labels.of("section")]
        labels = self.label_actions + self.section_actions
        for note in unbind_clashing_keys(labels, self.actions_by_name.values()):
            self.show_message(note)
        self.side.set_palette(self.label_actions, self.section_actions)
        self.editor.set_label_colours(
            {lab.name: lab.colour for lab in self.store.labels.of("entity")},
            {lab.name: lab.colour for lab in self.store.labels.of("section")},
        )
        build_menus(self)
        self.show_writable()

    def _label_set(self) -> tuple:
        """The project's labels as the palette and menus show them (names, colours, keys)."""
        return (tuple(self.store.labels.of("entity")), tuple(self.store.labels.of("section")))

    def _wire(self) -> None:
        c = self.controller
        c.document_opened.connect(self._on_document_opened)
        c.spans_changed.connect(self._on_spans_changed)
        c.sections_changed.connect(self._on_sections_changed)
        c.status_changed.connect(self._on_status_changed)
        c.message_posted.connect(self.show_message)
        c.changed.connect(self.list_model.apply_changes)
        self.list_model.counts_read.connect(self._show_counts)
        c.changed.connect(self._on_changes)
        self.watch.others_open.connect(self._warn_open_elsewhere)
        c.write_failed.connect(self._on_write_failed)
        c.edit_refused.connect(self.show_refused)
        self.list_panel.document_chosen.connect(self._on_document_chosen)
        self.list_panel.list_reset.connect(self._on_list_reset)
        self.editor.span_selected.connect(self.side.select_span)
        self.editor.resize_requested.connect(self._on_resize_requested)
        self.side.span_activated.connect(self._on_span_activated)
        self._wire_learning()

    # -- projects ------------------------------------------------------------------------------

    def _project_opened(self) -> None:
        self.store.set_lock_wait(self.lock_pump)
        self.setWindowTitle(f"{self.db_path.name} — Annotator")
        self.setWindowFilePath(str(self.db_path))
        self._build_label_actions()
        self.count_disagreements()
        self._reopen = last_document(self.db_path, self.settings)
        self.list_model.use_refresher(ListRefresher(self.db_path, self))
        self.list_model.set_store(self.store)
        self.show_entity_model()
        self._remember_recent(self.db_path)
        self.watch.start(self.db_path)
        self._set_jobs_enabled(self.worker is None)  # and the write actions, per project
        self.say_stopped_job()
        self.read_only_badge.setVisible(bool(self.store.notice))
        self.read_only_badge.setToolTip(self.store.notice)
        if self.store.notice:  # opened read-only: newer schema, or the file cannot be written
            self.setWindowTitle(f"{self.db_path.name} (read-only) — Annotator")
            self.say_read_only(self.store.notice)

    def open_project(self, path: Path) -> bool:
        """Switch to another project file (created if new). Everything is saved already; a file
        that is not a project is reported and the current project stays open."""
        try:
            store = open_store(Path(path), interactive=True)
        except (StorageError, OSError) as exc:
            self.report("Open project", f"Cannot open {path}: {exc}", warning=True)
            return False
        self._remember_document()
        self.stop_jobs()
        self.stop_counting()
        self._stop_refresher()
        self.controller.set_store(store)
        self.store.close()
        self.db_path = Path(path)
        self.store = store
        self._project_opened()
        return True

    def _remember_recent(self, path: Path) -> None:
        remember_project(path, self.settings)
        build_menus(self)

    def recent_projects(self) -> list[str]:
        """Absolute paths of the recent projects, the most recent first."""
        return [str(p) for p in recent_projects(self.settings)]

    # -- documents and navigation ------------------------------------------------------------------

    def go_row(self, row: int) -> None:
        if 0 <= row < self.list_model.rowCount():
            self.list_panel.set_current_row(row)

    def go_next_unfinished(self) -> None:
        current = self.controller.doc.id if self.controller.doc else None
        row = self.list_panel.next_unfinished_row(self.list_panel.current_row(), current)
        if row is None:
            self.show_message("Every document in the list is finished")
            return
        self.go_row(row)

    def finish(self, status: Status) -> None:
        """Accept, reject or skip, then move on to the next unfinished document. When the
        status was not saved (a job changed the document since it was shown, so it is shown
        again as the file holds it; or the file refused the write) the document stays open:
        moving on would leave it unfinished without the person knowing."""
        if self.controller.doc is None:
            return
        if self.controller.set_status(status):
            self.go_next_unfinished()

    def _on_list_reset(self) -> None:
        """After an import, a filter or a new project: keep the open document if it is in the
        list, else open the first one."""
        self._update_counts()
        doc = self.controller.doc
        row = self.list_model.find_row(doc.id) if doc is not None else None
        if row is not None:
            self.list_panel.set_current_row(row, quiet=True)
            return
        reopen, self._reopen = self._reopen, None  # a project's last document, once
        row = self.list_model.find_row(reopen) if reopen is not None and doc is None else None
        if row is not None:
            self.go_row(row)
        elif self.list_model.rowCount() > 0:
            self.go_row(0)
        else:
            self._close_for_empty_list()

    def _on_document_chosen(self, doc_id: int) -> None:
        if self.controller.doc is None or self.controller.doc.id != doc_id:
            self.controller.open_document(doc_id)

    def _on_document_opened(self, doc_id: int) -> None:
        c = self.controller
        assert c.doc is not None
        if doc_id != self._notice_doc:  # a refused edit re-reads its own document: kept
            self.clear_notice()
        self.editor.show_document(c.doc.text, c.spans, c.sections)
        self.side.show_spans(c.doc.text, c.spans, self.editor.entity_colours())
        self.find_bar.text_changed()
        self._update_header()
        self.refresh_curation(opened=True)
        self._remember = (self.db_path, doc_id)
        self._remember_timer.start()
        if self.list_model.doc_id(self.list_panel.current_row()) != doc_id:
            row = self.list_model.find_row(doc_id)
            if row is not None:
                self.list_panel.set_current_row(row, quiet=True)
        if not isinstance(QApplication.focusWidget(), QLineEdit):
            # not while the person types a filter whose first match just opened: the rest of
            # their letters would run as label and workflow keys (one accepted a document)
            self.editor.setFocus()

    def _remember_document(self) -> None:
        """Write down the document to reopen (see ``_remember_timer``); also on closing and on
        switching projects, so nothing waiting is lost."""
        self._remember_timer.stop()
        if self._remember is not None:
            remember_document(*self._remember, self.settings)
            self._remember = None

    def _close_for_empty_list(self) -> None:
        """The list shows nothing (a filter matched no document, or the project is empty): the
        document still in the editor is closed, so Accept and the label keys cannot change a
        document the list no longer shows. Clearing the filter opens it again."""
        doc = self.controller.doc
        if doc is not None:
            self._reopen = doc.id
            self.controller.close_document()
        self._show_empty()

    def show_notice(self, text: str) -> None:
        """Say above the article that the edit just made was not saved (see ``doc_notice``)."""
        doc = self.controller.doc
        self._notice_doc = doc.id if doc is not None else None
        self.doc_notice.setText(f"⚠  {text}")
        self.doc_notice.setToolTip(text)
        self.doc_notice.show()
        self._notice_timer.start()

    def clear_notice(self) -> None:
        self._notice_timer.stop()
        self._notice_doc = None
        self.doc_notice.hide()

    def _show_empty(self) -> None:
        self.clear_notice()
        self.editor.show_document("", [], [])
        self.side.show_spans("", [], {})
        self.refresh_curation(opened=True)
        self.update_section_model()
        self.doc_header.setText(self._empty_text())

    def _empty_text(self) -> str:
        if self.list_model.status is not None or self.list_model.text:
            return ("No document matches the filter: clear it to label again "
                    "(the keys do nothing meanwhile)")
        return "No documents yet: File > Import, or drop files here"

    def say_no_document(self, opened: bool = True) -> bool:
        """True, after saying so, when there is no document for a key to act on: the list shows
        none (a filter that matches nothing), or (``opened``) none is open. The first holds even
        if some path opened a document meanwhile: a key must never change or open a document
        the list hides."""
        if self.list_model.rowCount() == 0:
            self.show_message("No document in the list")
            return True
        if opened and self.controller.doc is None:
            self.show_message("No document is open")
            return True
        return False

    def _on_document(self, slot: Callable[[], object],
                     opened: bool = True) -> Callable[[], None]:
        """``slot``, run only when :meth:`say_no_document` finds a document to act on."""
        def guarded() -> None:
            if not self.say_no_document(opened):
                slot()
        return guarded

    def _update_header(self) -> None:
        doc = self.controller.doc
        if doc is None:
            return
        source = Path(doc.source).name if doc.source else ""
        status = doc.status.value.replace("_", " ")
        self.doc_header.setText(f"#{doc.id}  ·  {status}  ·  {source}")

    def _update_counts(self) -> None:
        """"N of M finished": from the list's snapshot when it just brought them, else read."""
        counts = self.list_model.take_status_counts()
        self._show_counts(counts if counts is not None else self.store.documents.status_counts())

    def _show_counts(self, counts: dict[Status, int]) -> None:
        total = sum(counts.values())
        finished = sum(n for s, n in counts.items() if s.finished)
        self.counts.setText(f"{finished} of {total} finished")

    # -- edits -------------------------------------------------------------------------------------

    def label_selection(self, label: str) -> None:
        if self.say_no_document():
            return
        start, end = self.editor.selection_range()
        stored = self.controller.label_range(start, end, label, snap=self.editor.snap)
        if stored:
            self.editor.select_range(stored[0].end, stored[0].end)

    def tag_sections(self, label: str) -> None:
        if self.say_no_document():
            return
        start, end = self.editor.selection_range()
        self.controller.tag_sections(start, end, label)

    def delete_span(self) -> None:
        span = self.editor.selected_span() or self.controller.span_at(self.editor.cursor_offset())
        if span is not None:
            self.controller.delete_span(span)

    def _on_resize_requested(self, span_id: int, side: str, direction: int) -> None:
        if self.say_no_document():
            return
        stored = self.controller.resize_span(span_id, side, direction)
        if stored:
            self.editor.select_range(stored[0].start, stored[0].start)

    def _on_span_activated(self, span) -> None:
        self.editor.reveal_span(span)
        self.editor.setFocus()

    def _on_spans_changed(self, doc_id: int, removed: list, added: list) -> None:
        c = self.controller
        if c.doc is None or c.doc.id != doc_id:
            return
        self.editor.apply_span_changes(removed, added)
        self.side.update_spans(removed, added)
        self._update_header()
        self.refresh_curation()

    def _on_sections_changed(self, doc_id: int) -> None:
        c = self.controller
        if c.doc is not None and c.doc.id == doc_id:
            self.editor.show_sections(c.sections)
            self._update_header()
            self.refresh_curation()

    def _on_status_changed(self, doc_id: int, status: Status) -> None:
        self._update_header()

    def _on_changes(self, changes: Changes) -> None:
        """Whatever changed the project (an edit, a job, another window): counts and the label
        set follow; the list and the open document follow on their own."""
        # "everything" (another window or a job wrote) includes labels: rebuild the actions,
        # menus and palette (~30 ms) only when the label set really differs
        if changes.labels and self._label_set() != self._labels_built:
            self._build_label_actions()
            c = self.controller
            if c.doc is not None:  # the span list's colours (Labels > Edit labels)
                self.side.show_spans(c.doc.text, c.spans, self.editor.entity_colours())
        if changes.statuses and not (changes.everything or changes.documents):
            # otherwise the list was re-counted and its reset did this; counted in the
            # background (a GROUP BY over every document: ~15 ms on 100,000, more under load)
            self.list_model.refresh_later(rows=False)
        if changes.everything:  # a merge, another process: count the disagreements again
            self.count_disagreements()
            self.refresh_curation()
            self.show_entity_model()  # a model trained or switched elsewhere (the CLI, a job)
        self._learning_changes(changes)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time, with no saved layout: divide the width the window really has. Once
        shown, spaCy's tokenizer loads in the background (see :meth:`load_tokenizer`)."""
        if self._default_panes:
            self._default_panes = False
            divide_panes(self.splitter)
        if self.tokenizer_loader is None:
            lang = self.store.settings.get("lang", "en") or "en"  # the store may close first
            QTimer.singleShot(0, lambda: self.load_tokenizer(lang))
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.lock_pump.busy:  # an edit is waiting for the lock: close once it is saved
            event.ignore()
            QTimer.singleShot(20, self.close)
            return
        self._remember_document()
        self.watch.stop()
        self.stop_jobs()
        self.list_panel.stop_timers()  # nothing may touch the store once it is closed
        self.stop_counting()
        self._stop_refresher()
        self.side.stop_timers()
        save_layout(self, self.splitter, self.settings)
        self.store.close()
        thaw()  # what the window froze once it had loaded (see window_view.freeze_loaded)
        self.closed = True  # see annotator.ui.app.leave
        super().closeEvent(event)

    def _stop_refresher(self) -> None:
        """The list's background reader of the project being closed: stopped, its connection
        closed, and nothing it read is shown."""
        refresher = self.list_model.refresher
        if refresher is not None:
            self.list_model.use_refresher(None)
            refresher.stop()
            refresher.deleteLater()
