"""The application: QApplication set-up, theme, and the entry points the CLI and tests use.

``main_window(db_path)`` returns the ready window (project open, first document shown);
``run(db_path)`` shows it, asks who you are if nobody said (see
:mod:`annotator.ui.annotator_name`; ``main_window`` never asks, for scripts and tests), and runs
the event loop; ``project_to_open()`` says which project ``annotator gui`` opens when given none,
``last_document(db_path)`` the document it reopens there.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.ui import recent
from annotator.ui.annotator_name import ask_annotator_name_once
from annotator.ui.main_window import MainWindow
from annotator.ui.theme import RESOURCES, apply_theme

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The QApplication (created once), named so QSettings has a home, themed from settings."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName("annotator")
    app.setApplicationName("annotator")
    app.setApplicationDisplayName("Annotator")
    icon = RESOURCES / "icon.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    dark = QSettings().value("dark", False) in (True, "true")
    apply_theme(app, dark)
    return app


def main_window(db_path: str | Path, annotator: str | None = None) -> MainWindow:
    """The ready main window on a project file (created if it does not exist). ``annotator``:
    who labels (default: ``ANNOTATOR_NAME``, else the name the app kept, else the login name)."""
    application()
    return MainWindow(Path(db_path), annotator=annotator)


def show_window(db_path: str | Path, annotator: str | None = None,
                to_import: Sequence[Path] = ()) -> MainWindow:
    """What :func:`run` shows: the window, and the question of who you are when no name was
    given, set or kept (a non-blocking dialog). ``to_import``: files and folders the window
    imports at once, as its own Import does (in the background with the job bar, its problems
    in the window, then pre-annotation when the project has it on)."""
    window = main_window(db_path, annotator)
    window.show()
    ask_annotator_name_once(window)
    if to_import:
        window.import_paths(list(to_import), annotator=annotator)
    return window


def run(db_path: str | Path, annotator: str | None = None,
        to_import: Sequence[Path] = ()) -> int:
    """Show the window and run until it closes (see :func:`leave` for what follows)."""
    app = application()
    window = show_window(db_path, annotator, to_import)
    return leave(window, app.exec())


def leave(window: MainWindow, code: int) -> int:
    """After the event loop: the window has closed (its ``closeEvent`` stopped the jobs and
    their child processes, remembered the document and the layout, and closed the project;
    every label was committed when it was made). What was left of a Ctrl+Q was the interpreter
    tearing down: its last garbage collections walked every object spaCy, numpy and Qt had
    made, 0.3-0.7 s. Frozen, those objects are skipped (``gc.freeze``), and the process ends in
    ~0.05 s; exit handlers and destructors still run, so nothing is cut short (not
    ``os._exit``). Returns ``code``."""
    if not window.closed:  # something else ended the event loop
        window.close()
    gc.freeze()
    return code


def project_to_open() -> tuple[Path, bool]:
    """``(path, True)`` for the last project the window had open, else ``(project.db in the
    user's data folder, False)``; reads the settings only, before any window (see
    :mod:`annotator.ui.recent`)."""
    last = recent.last_project()
    return (last, True) if last is not None else (recent.default_project(), False)


def last_document(db_path: str | Path) -> int | None:
    """The id of the document last open in a project (None if never opened here); the window
    reopens it by itself."""
    return recent.last_document(Path(db_path))
