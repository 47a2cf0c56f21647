"""Picking up where you left off, read from and written to the window's own QSettings (QtCore
only: ``annotator gui`` asks before any QApplication exists).

- The window records every project it opens at the front of the ``recent`` list (absolute
  paths), so the first one that still exists is the last project. With none, the project is
  ``project.db`` in the user's data folder (``$XDG_DATA_HOME/annotator``, by default
  ``~/.local/share/annotator`` on Linux; Qt's GenericDataLocation elsewhere), never a file in
  the current folder.
- It keeps the document last open in each project, and reopens it.
- File > Open recent names each project by as much of its folder as tells it apart.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths

log = logging.getLogger(__name__)

ORGANISATION = APPLICATION = "annotator"  # as annotator.ui.app.application() names the app
RECENT_KEY = "recent"
LAST_DOCUMENTS_KEY = "lastDocuments"
DEFAULT_NAME = "project.db"
MAX_RECENT = 8
MAX_REMEMBERED = 50  # projects whose last document is kept


def settings() -> QSettings:
    """The window's settings (the same file and format), usable before any QApplication. Names
    the application as :func:`annotator.ui.app.application` does, so QSettings finds its file."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    return QSettings()


# -- recent projects -------------------------------------------------------------------------------


def recent_projects(store: QSettings | None = None) -> list[Path]:
    """The recorded projects, most recent first, missing files too (QSettings hands back a
    bare string for a one-item list in INI files)."""
    value = (store or settings()).value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [Path(str(v)) for v in value or [] if str(v)]


def remember_project(path: Path, store: QSettings | None = None) -> list[Path]:
    """Put ``path`` (made absolute) first among the recent projects; returns the new list."""
    store = store or settings()
    resolved = Path(path).resolve()
    recent = [resolved, *(p for p in recent_projects(store) if p != resolved)][:MAX_RECENT]
    store.setValue(RECENT_KEY, [str(p) for p in recent])
    return recent


def last_project(store: QSettings | None = None) -> Path | None:
    """The most recent project file that still exists, or None."""
    return next((p for p in recent_projects(store) if p.is_file()), None)


def default_project() -> Path:
    """``project.db`` in the user's data folder (the folder is created; the file is not)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    folder = Path(base or Path.home() / ".local" / "share") / APPLICATION
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DEFAULT_NAME


# -- the last document of each project ------------------------------------------------------------


def _last_documents(store: QSettings) -> dict[str, int]:
    raw = store.value(LAST_DOCUMENTS_KEY, "")
    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        log.warning("ignoring unreadable %s setting", LAST_DOCUMENTS_KEY)
        return {}
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def remember_document(db_path: Path, doc_id: int, store: QSettings | None = None) -> None:
    """Keep ``doc_id`` as the document to reopen in the project ``db_path``."""
    store = store or settings()
    key = str(Path(db_path).resolve())
    documents = _last_documents(store)
    documents.pop(key, None)
    documents = {key: doc_id, **documents}  # most recent first; the oldest are dropped
    store.setValue(LAST_DOCUMENTS_KEY,
                   json.dumps(dict(list(documents.items())[:MAX_REMEMBERED])))


def last_document(db_path: Path, store: QSettings | None = None) -> int | None:
    """The id of the document last open in the project ``db_path`` (None if never opened
    here). The document may have been deleted since; the window checks."""
    return _last_documents(store or settings()).get(str(Path(db_path).resolve()))


# -- naming them in the menu ---------------------------------------------------------------------


def recent_labels(paths: list[Path]) -> list[str]:
    """Menu text for each recent project: its file name and as much of its folder as tells it
    apart from the others (``p.db — …/work/a`` beside ``p.db — …/home/a``); the home folder
    is written ``~``. The full path goes in the tooltip."""
    depth = [1] * len(paths)
    while True:
        same: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
        for i, (path, d) in enumerate(zip(paths, depth, strict=True)):
            same[path.name, _folder_parts(path)[1][-d:]].append(i)  # "/a" clashes with "…/a"
        grew = False
        for indices in (found for found in same.values() if len(found) > 1):
            for i in indices:
                if depth[i] < len(_folder_parts(paths[i])[1]):
                    depth[i] += 1
                    grew = True
        if not grew:
            return [f"{p.name} — {_folder(p, d)}" for p, d in zip(paths, depth, strict=True)]


def _folder_parts(path: Path) -> tuple[str, tuple[str, ...]]:
    """(root as shown, folder names below it) of the folder holding ``path``."""
    folder = path.parent
    try:
        return "~", folder.relative_to(Path.home()).parts
    except ValueError:
        return folder.anchor or "", folder.parts[1:] if folder.anchor else folder.parts


def _folder(path: Path, depth: int) -> str:
    root, parts = _folder_parts(path)
    if depth >= len(parts):
        if root == "~":
            return "/".join(["~", *parts])
        return root + "/".join(parts)
    return "…/" + "/".join(parts[-depth:])
