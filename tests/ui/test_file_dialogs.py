"""The window's file dialogs never open the files they list: the window keeps its SQLite locks on
the project file, and another process closing its connection leaves the log alone.

Qt's default dialog read each listed file's first bytes for its type; in the project's folder
that closed descriptors of ``project.db`` and ``project.db-shm`` in the window's process, which
drops every POSIX lock the process holds on them. An import child then deleted the log under the
open window, and the window's next labels were lost (see ``annotator/ui/file_dialogs.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from annotator.store import open_store

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(),
                                reason="reads the process's locks from Linux's /proc/locks")


def held_locks(project: Path) -> set[tuple[str, str]]:
    """``(file name, lock type)`` this process holds on the project file and its index."""
    inodes = {os.stat(p).st_ino: p.name for p in (project, Path(f"{project}-shm")) if p.exists()}
    held = set()
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) > 5 and parts[4] == str(os.getpid()):
            inode = int(parts[5].split(":")[-1])
            if inode in inodes:
                held.add((inodes[inode], parts[3]))
    return held


def shown_on(dialog: QFileDialog, folder: Path) -> None:
    """The dialog listing ``folder``, with its file types found (the files sniffed, before)."""
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.setDirectory(str(folder))
    for _ in range(40):  # the dialog's file-info thread works through the folder
        QApplication.processEvents()
        QApplication.instance().thread().msleep(20)


def test_the_window_holds_its_locks_while_each_dialog_lists_the_project_folder(
        window, project, qtbot):
    before = held_locks(project)
    assert ("project.db", "READ") in before  # WAL mode: a shared lock while the file is open
    for ask in (window.ask_import_files, window.ask_import_folder, window.ask_open_project,
                window.ask_new_project):
        ask()
        dialog = window.findChild(QFileDialog, "fileDialog")
        assert dialog.property("nameOnlyIcons") is True
        shown_on(dialog, project.parent)
        assert held_locks(project) == before, ask.__name__
        dialog.reject()
        dialog.deleteLater()
        QApplication.processEvents()
    assert held_locks(project) == before


@pytest.mark.parametrize("which", ["export", "agreement"])
def test_the_modal_dialogs_keep_the_locks_too(window, project, qtbot, which):
    before = held_locks(project)
    seen: list[set] = []

    def look_then_close() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, QFileDialog) and w.isVisible())
        assert dialog.property("nameOnlyIcons") is True
        shown_on(dialog, project.parent)
        seen.append(held_locks(project))
        dialog.reject()

    QTimer.singleShot(100, look_then_close)
    if which == "export":
        owner = window.ask_export()
        owner._browse()
        owner.reject()
    else:
        from annotator.ui.agreement_dialog import AgreementDialog

        owner = AgreementDialog(window)
        owner._pick_files()
        owner.close()
    assert seen == [before]


def test_after_the_import_dialog_another_process_leaves_the_log_and_labels_land(
        window, project, qtbot):
    """The tester's case: a dialog on the project folder, then a job process opens and closes the
    project; the window's label must still reach the file."""
    window.ask_import_files()
    dialog = window.findChild(QFileDialog, "fileDialog")
    shown_on(dialog, project.parent)
    dialog.reject()
    subprocess.run([sys.executable, "-c",
                    "import sys; from annotator.store import open_store\n"
                    "with open_store(sys.argv[1]) as s: s.documents.count()", str(project)],
                   check=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert Path(f"{project}-wal").exists()  # the other process was not the last one open
    text = window.controller.doc.text
    start = text.index("Regulators")
    window.editor.select_range(start, start + len("Regulators"))
    window.label_selection("ORG")
    with open_store(project) as store:
        doc_id = window.controller.doc.id
        assert [(s.start, s.label) for s in store.spans.of(doc_id)
                if s.start == start] == [(start, "ORG")]
