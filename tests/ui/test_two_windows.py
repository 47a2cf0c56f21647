"""Two windows on one project: the second is warned, and each shows what the other saves without
being asked to."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtWidgets import QMessageBox

from annotator.domain import Span
from annotator.store import open_store
from annotator.ui.app import main_window


def test_a_window_opened_beside_another_process_warns(project, qtbot):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time\n"
         "from annotator.store.presence import Presence\n"
         f"p = Presence({str(project)!r}); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        window = main_window(project)
        qtbot.addWidget(window)
        box = window.findChild(QMessageBox, "reportBox")
        assert box is not None and "also open in another window" in box.text()
        window.close()
    finally:
        holder.kill()
        holder.wait()


def test_a_label_saved_by_another_connection_appears_in_the_open_document(window, qtbot):
    doc = window.controller.doc
    assert doc is not None and window.findChild(QMessageBox, "reportBox") is None
    before = len(window.editor.spans())
    word_end = doc.text.index(" ")
    with open_store(window.db_path) as other:
        other.spans.replace(doc.id, add=[Span(0, word_end, "ORG", "human", "someone")])
    qtbot.waitUntil(lambda: len(window.editor.spans()) == before + 1, timeout=5000)
    assert any(s.annotator == "someone" for s in window.controller.spans)


def test_a_label_the_file_refuses_is_shown_not_drawn_and_saved_when_pressed_again(
        window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTextEdit

    editor = window.findChild(QTextEdit, "annotationView")
    doc = window.controller.doc
    before = len(editor.spans())
    word_end = doc.text.index(" ")
    editor.select_range(0, word_end)
    other = open_store(window.db_path)
    other.conn.execute("BEGIN IMMEDIATE")  # another writer holds the lock, past the timeout
    try:
        qtbot.keyClick(editor, Qt.Key.Key_2)  # ORG
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
    box = window.findChild(QMessageBox, "writeFailedBox")
    assert box is not None and box.isVisible() and "retry" in box.text()
    assert len(editor.spans()) == before  # not drawn as done
    box.close()
    editor.select_range(0, word_end)
    qtbot.keyClick(editor, Qt.Key.Key_2)
    assert len(editor.spans()) == before + 1
    with open_store(window.db_path) as store:
        assert any(s.end == word_end and s.label == "ORG" for s in store.spans.of(doc.id))
