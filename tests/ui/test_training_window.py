"""Training the entity model from the window, with the real installed model on a small real
project: the key starts it in a spawned child with progress and Cancel, the event loop never
stalls 100 ms, the before/after dialog follows, and the unfinished documents (the open one, the
list, the counts) show the new model's suggestions through the change bus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.store import open_store
from annotator.ui.training_dialog import TrainingResultDialog

sys.path.insert(0, str(Path(__file__).parent))
from stall import StallMeter  # noqa: E402
from training_project import make_training_project  # noqa: E402

# The smallest real training that beats the stock model on these short articles: the stock
# model extended with COMMODITY, a few seconds of updates.
QUICK = {"candidates": ("base",), "max_epochs": 6, "seconds": 10, "rehearsal": 0}
# One epoch of a blank pipeline: a real version that measures worse than the stock model on the
# labels the stock model knows.
WORSE = {"candidates": ("blank",), "max_epochs": 1, "seconds": 5, "rehearsal": 0}
STALL_LIMIT = 0.100  # seconds


def project_state(path: Path) -> tuple:
    """What training must leave alone when cancelled: spans, settings, the models folder."""
    with open_store(path) as store:
        spans = tuple(tuple(store.spans.of(d)) for d in store.documents.ids())
        settings = tuple(sorted(store.settings.starting_with("")))
    folder = path.with_name(path.name + ".models")
    return spans, settings, sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def news(tmp_path, open_window):
    """``news(**kw)``: a training project (see :func:`make_training_project`) open in the
    window; returns ``(path, window)``."""
    def make(**kw):
        path = make_training_project(tmp_path / "news.db", **kw)
        return path, open_window(path)

    return make


def dialog_shown(window) -> bool:
    """Whether the result dialog is on screen (it is built a turn of the event loop after the
    job ends, and shown the turn after)."""
    dialog = window.findChild(TrainingResultDialog)
    return dialog is not None and dialog.isVisible()


def open_last(window) -> int:
    """Open the last document (an unfinished one) and return its id."""
    window.go_row(window.list_model.rowCount() - 1)
    return window.controller.doc.id


@pytest.mark.slow
def test_training_keeps_the_window_responsive_and_re_suggests_with_the_new_model(news, qtbot):
    _path, window = news()
    doc_id = open_last(window)
    assert window.controller.spans == []
    assert window.findChild(QLabel, "entityModel").text().startswith("Entities: en_core_web_sm")
    row = window.list_model.find_row(doc_id)
    # spaCy's tokenizer and the job services load in a background thread once the window shows
    # (importing C extensions holds the GIL: a stall of its own, measured by bench/gui_project);
    # a person starts training after that, so the meters below start once it is done
    window.load_tokenizer().join(120)
    idle = StallMeter().start()  # the same window doing nothing, on the same busy machine
    qtbot.wait(1500)
    idle.stop()
    meter = StallMeter().start()
    totals: list[int] = []
    worker = window.train_entities(**QUICK)
    assert window.job_bar.isVisible() and window.job_bar.cancel_button.isEnabled()
    worker.progressed.connect(lambda done, total, _m: totals.append(total))
    with qtbot.waitSignal(worker.finished, timeout=240_000):
        pass
    qtbot.waitUntil(lambda: dialog_shown(window))
    qtbot.waitUntil(lambda: window.worker is not None)
    follow = window.worker  # the new version re-suggests the unfinished documents
    assert follow.title == "Pre-annotating"
    with qtbot.waitSignal(follow.finished, timeout=120_000):
        pass
    meter.stop()
    print(f"training: {meter.summary()}\nidle window: {idle.summary()}")
    # The GUI thread's own work in its longest gap: the window never computes for 100 ms.
    # The wall-clock gap is printed, not asserted: on a shared machine it also holds the time
    # the GUI thread waited for a core (see /work/notes/stall.md for quiet-machine figures); a
    # wall-clock assertion here would only be a timed test.
    assert meter.longest_busy < STALL_LIMIT, meter.summary()
    assert meter.ticks > 100
    assert any(t > 0 for t in totals)  # the bar had a length, not only a busy spinner

    dialog = window.findChild(TrainingResultDialog)
    comparison = dialog.comparison
    assert comparison.version == "ner-1" and "COMMODITY" in comparison.labels
    assert comparison.before["COMMODITY"][2] == 0.0  # the stock model has no such label
    assert comparison.total_after[2] > comparison.total_before[2]
    assert comparison.switched and "now uses it" in dialog.headline.text()

    # the open document, the list and the status bar follow through the change bus
    spans = window.controller.spans
    assert spans and all(s.origin == "model:ner-1" and not s.confirmed for s in spans)
    assert len(window.editor.spans()) == len(spans)
    # the list re-reads what a job wrote in the background (document_list.apply_changes)
    qtbot.waitUntil(lambda: window.list_model.data(window.list_model.index(row, 2))
                    == str(len(spans)), timeout=5000)
    label = window.findChild(QLabel, "entityModel").text()
    assert label == f"Entities: ner-1 · F1 {comparison.total_after[2]:.2f}", label
    dialog.reject()


@pytest.mark.slow
def test_the_key_starts_training_and_cancel_leaves_the_project_as_it_was(news, qtbot):
    path, window = news()
    before = project_state(path)
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need it
    qtbot.keyClick(window.editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    worker = window.worker
    assert worker is not None and worker.title == "Training the entity model"
    assert not window.actions_by_name["train-entities"].isEnabled()  # one job at a time
    worker.progressed.connect(lambda *_: window.job_bar.cancel_button.click())
    with qtbot.waitSignals([worker.cancelled, worker.finished], timeout=120_000,
                           order="strict"):
        pass
    assert not worker.is_running()
    assert "cancelled" in window.last_report
    assert project_state(path) == before
    assert window.actions_by_name["train-entities"].isEnabled()


@pytest.mark.slow
def test_the_person_can_choose_a_model_that_did_not_switch_on_its_own(news, qtbot):
    path, window = news(commodity=False)
    doc_id = open_last(window)
    worker = window.train_entities(**WORSE)
    with qtbot.waitSignal(worker.finished, timeout=240_000):
        pass
    qtbot.waitUntil(lambda: dialog_shown(window))
    dialog = window.findChild(TrainingResultDialog)
    assert not dialog.comparison.switched and dialog.use_button is not None
    assert window.findChild(QLabel, "entityModel").text().startswith("Entities: en_core")
    assert window.controller.spans == []
    dialog.use_button.click()
    assert window.findChild(QLabel, "entityModel").text().startswith("Entities: ner-1 · F1")
    with open_store(path) as store:
        assert store.settings.get("ner_model") == "1"
    worker = window.worker  # re-suggesting with it
    assert worker is not None and worker.title == "Pre-annotating"
    with qtbot.waitSignal(worker.finished, timeout=120_000):
        pass
    assert "with ner-1" in window.last_report, window.last_report
    assert window.controller.doc.id == doc_id


@pytest.mark.slow
def test_a_project_with_nothing_confirmed_is_told_why_and_keeps_working(window, qtbot):
    worker = window.train_entities(**WORSE)
    with qtbot.waitSignals([worker.failed, worker.finished], timeout=60_000, order="strict"):
        pass
    assert "no confirmed documents yet" in window.last_report, window.last_report
    assert window.findChild(TrainingResultDialog) is None
    assert window.actions_by_name["train-entities"].isEnabled()
    assert window.findChild(QLabel, "entityModel").text().startswith("Entities: en_core")
