"""An accept the file did not take leaves the person on that document. A background job (a
section retrain re-suggesting the unfinished documents) may change the open document between two
of the window's looks at the file; the accept is then refused and the document re-read, and the
window must not move on as if it had been accepted (a tester saw a document skipped that way)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.domain import Span, Status
from annotator.store import open_store


def press_accept(qtbot, window) -> None:
    """A, as the person presses it in the article view (shortcuts need the window active)."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.editor, Qt.Key.Key_A)


def test_an_accept_refused_after_a_jobs_change_stays_on_the_document(project, open_window,
                                                                     qtbot):
    window = open_window(project)
    doc = window.controller.doc
    assert doc is not None and doc.status != Status.ACCEPTED
    first = doc.id
    text = window.store.documents.get(first).text
    start = text.index("Brazil")
    with open_store(project) as job:  # another connection, as a job's child process writes
        job.spans.add(first, Span(start, start + 6, "GPE", "model:sections-job@2", None))
    press_accept(qtbot, window)  # before the window's next look at the file
    assert window.controller.doc.id == first  # not moved on
    assert window.store.documents.get(first).status != Status.ACCEPTED
    assert "make the edit again" in window.statusBar().currentMessage()
    assert [s.label for s in window.controller.session.spans] == ["GPE"]  # re-read
    press_accept(qtbot, window)  # what is shown now is what the file holds: the accept is taken
    assert window.store.documents.get(first).status == Status.ACCEPTED
    qtbot.waitUntil(lambda: window.controller.doc.id != first)


def test_an_accept_taken_moves_on_to_the_next_unfinished(project, open_window, qtbot):
    window = open_window(project)
    first = window.controller.doc.id
    press_accept(qtbot, window)
    assert window.store.documents.get(first).status == Status.ACCEPTED
    qtbot.waitUntil(lambda: window.controller.doc.id != first)


def test_a_refused_accept_is_visible_at_1024_px_while_a_job_runs(project, open_window, qtbot):
    """tester5 #3: while a job runs its bar leaves the status message ~40 px, so "Not saved
    (reloaded; make the edit again)" showed as nothing or "Pre-an…". The refusal is also said
    above the article, whole, and goes once the person moves on."""
    import threading

    window = open_window(project)
    window.resize(1024, 640)
    release = threading.Event()

    def job(task) -> None:  # a real background job that runs until the test lets it end
        while not release.wait(0.02) and not task.should_stop():
            pass

    worker = window.start_job("Training sections", job, lambda _result: None)
    assert worker is not None and window.job_bar.isVisible()
    first = window.controller.doc.id
    text = window.store.documents.get(first).text
    start = text.index("Brazil")
    with open_store(project) as other:  # as the job's child process writes
        other.spans.add(first, Span(start, start + 6, "GPE", "model:sections-job@2", None))
    press_accept(qtbot, window)
    assert window.controller.doc.id == first
    assert window.store.documents.get(first).status != Status.ACCEPTED

    notice = window.doc_notice
    qtbot.waitUntil(notice.isVisible)
    qtbot.wait(50)  # laid out
    assert "Not saved" in notice.text() and "make the edit again" in notice.text()
    # shown whole: wrapped within its width, as tall as its wrapped text, inside the window
    assert notice.height() >= notice.heightForWidth(notice.width())
    assert notice.visibleRegion().boundingRect().size() == notice.size()
    assert window.width() == 1024
    window.grab().save("/tmp/ui6/refused-accept-during-job.png")

    press_accept(qtbot, window)  # taken now: on to the next document, the notice goes
    qtbot.waitUntil(lambda: window.controller.doc.id != first)
    assert not notice.isVisible()
    release.set()
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        pass
