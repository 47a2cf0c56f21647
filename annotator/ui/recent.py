"""Which project ``annotator gui`` opens when it is not given one, read from the window's own
QSettings without creating a window (QtCore only, no QApplication needed).

The window records every project it opens at the front of the ``recent`` list (absolute paths),
so the first one that still exists is the last project. With none, the project is
``project.db`` in the user's data folder (``$XDG_DATA_HOME/annotator``, by default
``~/.local/share/annotator`` on Linux; Qt's GenericDataLocation elsewhere), never a file in the
current folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths

ORGANISATION = APPLICATION = "annotator"  # as annotator.ui.app.application() names the app
RECENT_KEY = "recent"
DEFAULT_NAME = "project.db"


def settings() -> QSettings:
    """The window's settings (the same file and format), usable before any QApplication. Names
    the application as :func:`annotator.ui.app.application` does, so QSettings finds its file."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    return QSettings()


def recent_projects(store: QSettings | None = None) -> list[Path]:
    """The recorded projects, most recent first (QSettings hands back a bare string for a
    one-item list in INI files)."""
    value = (store or settings()).value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [Path(str(v)) for v in value or [] if str(v)]


def last_project(store: QSettings | None = None) -> Path | None:
    """The most recent project file that still exists, or None."""
    return next((p for p in recent_projects(store) if p.is_file()), None)


def default_project() -> Path:
    """``project.db`` in the user's data folder (the folder is created; the file is not)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    folder = Path(base or Path.home() / ".local" / "share") / APPLICATION
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DEFAULT_NAME
