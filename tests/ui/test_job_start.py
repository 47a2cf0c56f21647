"""Starting a job costs the window's event loop little: the job bar appears without the whole
window being polished and repainted again, and what the job's worker thread would import in the
window's process (the services, multiprocessing's spawn) is imported at idle beforehand."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject

from annotator.ui.window_view import PRELOAD


class Repaints(QObject):
    """Counts paints of the watched widgets and polish events of any."""

    def __init__(self):
        super().__init__()
        self.paints = self.polished = 0

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        elif event.type() in (QEvent.Type.Polish, QEvent.Type.PaletteChange):
            self.polished += 1
        return False


def test_the_first_job_shows_its_bar_without_repainting_the_window(window, qtbot):
    window.load_tokenizer().join(120)
    qtbot.wait(50)
    list_paints, everything = Repaints(), Repaints()
    window.list_panel.view.viewport().installEventFilter(list_paints)
    window.installEventFilter(everything)
    window.job_bar.installEventFilter(everything)
    done = []
    worker = window.start_job("A job", lambda task: 7, done.append)
    assert window.job_bar.isVisible()
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        pass
    assert done == [7] and window.worker is None and not window.job_bar.isVisible()
    assert list_paints.paints == 0  # only the status bar's corner was drawn again
    assert everything.polished == 0


def test_the_job_services_are_imported_once_the_window_shows(window):
    window.load_tokenizer().join(120)
    missing = [name for name in PRELOAD if name not in sys.modules]
    assert missing == []


def test_the_first_label_key_finds_the_cluster_rules_loaded_with_the_tokenizer(window, qtbot):
    """A snapped label is widened to whole grapheme clusters (``regex``'s ``\\X``). Those rules
    are compiled in the background with the tokenizer, not by the first label key on the GUI
    thread (25-40 ms of its CPU; 60-125 ms of stall on a busy machine during an import)."""
    from annotator import domain
    from annotator.core.tokens import load_tokenizer

    domain._regex_patterns.cache_clear()
    load_tokenizer("en")  # what the window's loader thread runs
    assert domain._regex_patterns.cache_info().currsize == 1
    compiled = domain._regex_patterns.cache_info().misses
    window.load_tokenizer().join(120)
    end = window.controller.doc.text.index(" ")
    window.editor.select_range(1, end - 1)  # inside the first word: snapped to all of it
    window.label_selection("ORG")
    assert domain._regex_patterns.cache_info().misses == compiled  # nothing compiled now
    assert any(s.start == 0 and s.end == end and s.label == "ORG"
               for s in window.store.spans.of(window.controller.doc.id))
