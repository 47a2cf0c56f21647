"""File dialogs that never open the files they list.

Why: SQLite coordinates the window, import children and command-line runs on a project with
POSIX advisory locks on the project file and its ``-shm`` file, and POSIX drops *every* lock a
process holds on a file when that process closes *any* descriptor of it. Qt's file dialog finds
each listed file's type by reading its first bytes (``QMimeDatabase``, for the icon and the
Type column). Shown in the project's folder, it opened and closed ``project.db``,
``project.db-shm`` and ``project.db-wal`` in the window's process, and the window silently
lost its locks. The next import child to close its connection then believed it was the last
one, checkpointed and deleted the log and its index under the open window: the window's later
labels went to a deleted log (lost) or failed as "database disk image is malformed".

So every file dialog of the window is Qt's own (a platform dialog may also run in-process and
read the files; we cannot tell) with :class:`NameOnlyIcons`: icons and type names from the
name alone, no file opened. ``tests/ui/test_file_dialogs.py`` checks the window's locks with
each dialog open on the project's folder.
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget


class NameOnlyIcons(QAbstractFileIconProvider):
    """A folder icon for folders and a file icon for files, and a type named from the
    suffix ("JSONL file"): nothing is read from the files themselves."""

    def icon(self, what) -> QIcon:  # type: ignore[override]
        if isinstance(what, QFileInfo):
            pixmap = (QStyle.StandardPixmap.SP_DirIcon if what.isDir()
                      else QStyle.StandardPixmap.SP_FileIcon)
            return QApplication.style().standardIcon(pixmap)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:  # type: ignore[override]
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def safe_file_dialog(parent: QWidget | None, title: str, directory: str = "",
                     name_filter: str = "") -> QFileDialog:
    """A :class:`QFileDialog` that reads no file it lists (see the module docstring)."""
    dialog = QFileDialog(parent, title, directory)
    dialog.setObjectName("fileDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    icons = NameOnlyIcons()
    dialog.setIconProvider(icons)
    dialog.setProperty("nameOnlyIcons", True)
    dialog._name_only_icons = icons  # type: ignore[attr-defined]  # the dialog keeps a pointer
    if name_filter:
        dialog.setNameFilter(name_filter)
    return dialog


def open_file_names(parent: QWidget | None, title: str, name_filter: str) -> list[str]:
    """The files chosen in a modal open dialog (none when cancelled)."""
    dialog = safe_file_dialog(parent, title, name_filter=name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    return dialog.selectedFiles() if dialog.exec() else []


def save_file_name(parent: QWidget | None, title: str, start: str, name_filter: str) -> str:
    """The file chosen in a modal save dialog ("" when cancelled); the dialog asks before
    replacing a file that exists."""
    dialog = safe_file_dialog(parent, title, start, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(start)
    if not dialog.exec():
        return ""
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else ""
