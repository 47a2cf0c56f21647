"""The window's view settings (zoom, dark palette, restored layout) and what it loads in the
background once shown (spaCy's tokenizer, then the services its jobs import): a mixin of
:class:`annotator.ui.main_window.MainWindow`, which owns the widgets these use."""

from __future__ import annotations

import gc
import importlib
import logging
import threading

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator.core.tokens import load_tokenizer
from annotator.ui.dialogs import ShortcutsDialog, show_aside
from annotator.ui.theme import set_dark
from annotator.ui.window_layout import restore_layout
from annotator.ui.window_menus import restyle_toolbar

log = logging.getLogger(__name__)


READ_ONLY_REFUSAL = "Not saved: this project is read-only"


class _DismissKeys(QObject):
    """Closes ``box`` when Esc or Enter is pressed in ``window`` while the box shows: the box
    is shown aside, without the keyboard, and could otherwise only be closed by a click."""

    KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def __init__(self, box: QMessageBox, window: QWidget):
        super().__init__(box)
        self.box, self.window = box, window

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if (not isinstance(event, QKeyEvent) or event.key() not in self.KEYS
                or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                or not self.box.isVisible() or QApplication.activeWindow() is not self.window):
            return False
        if kind == QEvent.Type.ShortcutOverride:  # the key comes as a key press, not a shortcut
            event.accept()
            return True
        self.box.done(QMessageBox.StandardButton.Ok)
        return True


class ViewMixin:
    """Zoom, palette, shortcuts and warnings of the window, and its background loading."""

    # -- view --------------------------------------------------------------------------------------

    def zoom(self, steps: int) -> None:
        if steps == 0:
            steps = round(self._base_font - self.editor.font().pointSizeF())
        self.editor.zoom(steps)
        self.settings.setValue("zoom", self.editor.font().pointSizeF())

    def toggle_dark(self) -> None:
        dark = self.actions_by_name["dark"].isChecked()
        set_dark(dark)
        restyle_toolbar(self)
        self.settings.setValue("dark", dark)
        self.editor.viewport().update()

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def show_refused(self, text: str) -> None:
        """An edit that was not made ("Not saved (reloaded; ...)", "Undo not possible: ..."),
        which the session also posts as a message: above the article too, where a running
        job's bar cannot squeeze it out (see ``doc_notice``)."""
        self.show_notice(text)

    def show_shortcuts(self) -> None:
        actions = [*self.actions_by_name.values(), *self.label_actions, *self.section_actions]
        dialog = ShortcutsDialog(self, actions)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- settings and closing ------------------------------------------------------------------

    def _restore_settings(self) -> None:
        self._default_panes = not restore_layout(self, self.splitter, self.settings)
        size = float(self.settings.value("zoom", 0) or 0)
        if size:
            self.editor.zoom(round(size - self.editor.font().pointSizeF()))
        self.actions_by_name["dark"].setChecked(self.settings.value("dark", False) in
                                                (True, "true"))

    def _on_write_failed(self, text: str) -> None:
        """One box (reused, never stacked) says that nothing was saved and why. On a project
        opened read-only the read-only box and badge said why already: one short line, not a
        second box nesting the first one's words (a tester saw that after Skip)."""
        if self.store.read_only:
            self.show_message(READ_ONLY_REFUSAL)
            self.show_refused(READ_ONLY_REFUSAL)
            return
        self.statusBar().showMessage(text, 6000)
        self._warning_box("writeFailedBox", "Not saved", text).open()

    def say_read_only(self, notice: str) -> QMessageBox:
        """Say once, in one box beside the window, that the project is read-only and what to
        do (the store's notice); the title keeps saying "(read-only)". Not also in the status
        bar: the same words in two places (and in the terminal twice) read as three problems.
        The box leaves the keyboard with the window, so Esc or Enter there closes it."""
        box = self._warning_box("readOnlyBox", "Read-only project", notice)
        self.last_report = notice
        show_aside(box)
        keys = _DismissKeys(box, self)
        QApplication.instance().installEventFilter(keys)
        box.finished.connect(lambda _result: QApplication.instance().removeEventFilter(keys))
        return box

    def _warning_box(self, name: str, title: str, text: str) -> QMessageBox:
        """The window's warning box of this object name, made once and reused (never stacked),
        showing ``text``."""
        box = self.findChild(QMessageBox, name)
        if box is None:
            box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName(name)
        box.setText(text)
        return box

    def _warn_open_elsewhere(self) -> None:
        self.report("Open elsewhere", f"{self.db_path.name} is also open in another window.",
                    "Both can label. Each window shows what the other saves within a second, "
                    "and an edit made on a view that the other window changed is refused and "
                    "the document reloaded.", warning=True)

    tokenizer_loader: threading.Thread | None = None

    def load_tokenizer(self, lang: str = "en") -> threading.Thread:
        """Load the tokenizer that snaps selections to words off the GUI thread, after the window
        is on screen: importing spaCy takes 1-2 s, which the first label key would otherwise
        wait for (or the start-up, had it loaded first). A key pressed before it is ready waits
        for it. A daemon thread, not a job: closing the window never waits for it. ``lang``:
        the project's language (its ``lang`` setting)."""
        if self.tokenizer_loader is None:
            self.tokenizer_loader = threading.Thread(target=_load_in_background, args=(lang,),
                                                     name="load-tokenizer", daemon=True)
            self.tokenizer_loader.start()
        return self.tokenizer_loader


# What the window's own process imports when a job starts or ends, imported at idle once the
# window shows instead: the job's worker thread imports the service to hand its function to the
# child, and unpickles the child's report (which imports the report's module). Importing them
# then, while the person waits, held the GIL in long stretches: the first training start
# stalled the event loop 150-270 ms on a quiet machine with only ~45 ms of GUI-thread CPU.
PRELOAD = (
    "annotator.services.preannotation",  # its section rules compile ~50 patterns: 1 s
    "annotator.core.child",
    "multiprocessing.popen_spawn_posix",
    "multiprocessing.queues",
    "annotator.services.importing",
    "annotator.services.near_duplicates",  # the import's report carries its GroupingReport
    "annotator.services.ner_training",
    "annotator.services.ner_models",
    "annotator.services.section_child",
)


def _load_in_background(lang: str) -> None:
    """The tokenizer, then the services the window's jobs import (:data:`PRELOAD`). A failure
    is logged; the label key or the action meets it again and reports it."""
    try:
        load_tokenizer(lang)
        for name in PRELOAD:
            importlib.import_module(name)
    except Exception:  # noqa: BLE001 - logged here, reported where it is met again
        log.warning("loading in the background failed", exc_info=True)
    freeze_loaded()


def freeze_loaded() -> None:
    """Leave what the window has loaded so far out of every later cycle collection.

    Python's collector walks every object of the oldest generation in each full collection,
    and does one whenever a quarter more objects have grown old, whichever thread allocates:
    in the window that was often a job's worker thread, holding the GIL for the whole walk
    while the GUI thread waited (no CPU of its own). Once spaCy's tokenizer, Qt's wrappers and
    the modules are loaded, a walk took 85-97 ms: the window's longest stall while labels were
    pressed during an import (bench/gui_project.py, 93-126 ms on a quiet machine). Frozen
    (``gc.freeze``), those objects are never walked again and a full collection covers only
    what was made since. A young collection first, so that short-lived cycles of the loading
    are freed rather than kept; the window unfreezes them when it closes (:func:`thaw`)."""
    gc.collect(1)
    gc.freeze()


def thaw() -> None:
    """The window closed: its objects go back to the collector (a window opened again in the
    same process freezes what it loads anew)."""
    gc.unfreeze()
