"""A label that waits for another writer's lock keeps the window's event loop running; a write
that loop runs meanwhile is saved too, and a close asked meanwhile waits for the label."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer

from annotator.store import open_store

HELD = 0.4  # seconds another connection holds the write lock


def hold_lock(path, seconds: float = HELD) -> tuple[threading.Thread, threading.Event]:
    """Another connection (an import's batch) takes the write lock for ``seconds``."""
    taken = threading.Event()

    def run() -> None:
        with open_store(path) as other:
            other.conn.execute("BEGIN IMMEDIATE")
            taken.set()
            threading.Event().wait(seconds)
            other.conn.execute("COMMIT")

    thread = threading.Thread(target=run)
    thread.start()
    assert taken.wait(5)
    return thread, taken


def select_first_word(window) -> int:
    window.load_tokenizer().join(120)  # snapping a selection waits for spaCy's tokenizer
    end = window.controller.doc.text.index(" ")
    window.editor.select_range(0, end)
    return end


def test_the_event_loop_runs_while_a_label_waits_for_the_lock(window, qtbot):
    end = select_first_word(window)
    ticks = []
    ticker = QTimer(interval=5)
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start()
    holder, _ = hold_lock(window.db_path)
    try:
        window.label_selection("ORG")
    finally:
        ticker.stop()
        holder.join()
    # a sleeping GUI thread would give none: the timer fires all through the wait
    assert len(ticks) >= 5
    doc_id = window.controller.doc.id
    assert any(s.end == end and s.label == "ORG" for s in window.store.spans.of(doc_id))
    assert any(s.end == end and s.label == "ORG" for s in window.editor.spans())


def test_a_write_run_by_the_event_loop_during_the_wait_is_saved_too(window, qtbot):
    """A job's result handled while the label waits writes through the same connection: it
    tries the lock under the same deadline, and the label is saved after it."""
    end = select_first_word(window)
    doc_id = window.controller.doc.id
    written: list[str] = []

    def job_result() -> None:
        window.store.settings.set("lock_wait_test", "saved")
        written.append(window.store.settings.get("lock_wait_test"))

    QTimer.singleShot(50, job_result)
    holder, _ = hold_lock(window.db_path)
    try:
        window.label_selection("ORG")
    finally:
        holder.join()
    assert written == ["saved"]
    with open_store(window.db_path) as store:
        assert store.settings.get("lock_wait_test") == "saved"
        assert any(s.end == end and s.label == "ORG" for s in store.spans.of(doc_id))
    # the connection's own busy timeout is back after the nested wait
    assert window.store.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_closing_while_a_label_waits_closes_once_it_is_saved(project, open_window, qtbot):
    window = open_window(project)
    end = select_first_word(window)
    doc_id = window.controller.doc.id
    QTimer.singleShot(50, window.close)
    holder, _ = hold_lock(window.db_path)
    try:
        window.label_selection("ORG")
        assert window.isVisible()  # the close came during the wait: not yet
    finally:
        holder.join()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    with open_store(project) as store:
        assert any(s.end == end and s.label == "ORG" for s in store.spans.of(doc_id))
