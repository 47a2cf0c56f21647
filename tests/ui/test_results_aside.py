"""What a background job reports (the entity training's before/after table, an import's
problems) appears beside the window without taking the keyboard: the label and Accept keys the
person goes on pressing still reach the editor."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.domain import Status
from annotator.services.ner_training import TrainReport
from annotator.ui.training_dialog import TrainingResultDialog

BEFORE = {"ORG": (0.61, 0.55, 0.58, 40), "GPE": (0.80, 0.70, 0.75, 22)}
AFTER = {"ORG": (0.71, 0.65, 0.68, 40), "GPE": (0.78, 0.70, 0.74, 22)}


def labelling(window, qtbot) -> None:
    window.activateWindow()
    window.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.editor)


def keys_still_reach_the_editor(window, qtbot) -> None:
    assert QApplication.activeWindow() is window
    assert QApplication.focusWidget() is window.editor
    doc_id = window.controller.doc.id
    qtbot.keyClick(window.editor, Qt.Key.Key_A)  # Accept
    assert window.store.documents.get(doc_id).status == Status.ACCEPTED


def test_the_training_result_shows_beside_the_window_and_accept_still_works(window, qtbot):
    report = TrainReport(version="ner-2", before_model="en_core_web_sm", start="finetune",
                         why="its labels cover the project's", labels=["GPE", "ORG"],
                         before=BEFORE, after=AFTER, before_f1=0.64, after_f1=0.68,
                         train_docs=1, held_back_docs=1, held_back_sources=["a.com"])
    labelling(window, qtbot)
    # as a training job ends: the report arrives on the GUI thread from the job's worker
    window.start_job("Training the entity model", lambda _task: report, window._on_trained)
    qtbot.waitUntil(lambda: window.worker is None, timeout=10_000)
    qtbot.waitUntil(lambda: (d := window.findChild(TrainingResultDialog)) is not None
                    and d.isVisible())
    dialog = window.findChild(TrainingResultDialog)
    QApplication.processEvents()
    window.grab().save("/tmp/ui5/training-aside-window.png")
    dialog.grab().save("/tmp/ui5/training-aside-dialog.png")
    keys_still_reach_the_editor(window, qtbot)
    assert not dialog.isModal()
    assert "Trained on 1 document; held back 1 document from 1 site" in " ".join(
        dialog.comparison.notes)
    assert "Trained ner-2" in window.statusBar().currentMessage()  # the summary is there too
    assert dialog.isVisible()  # still there to read and choose in
    dialog.reject()


def test_a_failed_job_s_box_leaves_the_keyboard_with_the_editor(window, qtbot):
    def fail(_task):
        raise ValueError("the model folder is missing")

    labelling(window, qtbot)
    window.start_job("Pre-annotating", fail, lambda _r: None)
    qtbot.waitUntil(lambda: window.worker is None, timeout=10_000)
    box = window.findChild(QMessageBox, "reportBox")
    assert box is not None and box.isVisible()
    keys_still_reach_the_editor(window, qtbot)
    assert not box.isModal()
    box.close()


def test_a_report_box_is_placed_off_the_article(window, qtbot):
    """A job's report box goes beside the window when the screen has room, else over the
    window's bottom-left corner (the document list), never centred over the article (tester5
    item 9: the training result hid the text at 1024x640 under a bare X server)."""
    from annotator.ui.dialogs import place_beside

    screen = window.screen().availableGeometry()
    box = QMessageBox(QMessageBox.Icon.Information, "Report", "Trained ner-2: F1 0.68",
                      parent=window)
    box.adjustSize()
    # room on the right: the box starts where the window ends
    window.setGeometry(screen.left() + 10, screen.top() + 40, screen.width() // 2,
                       screen.height() // 2)
    place_beside(box)
    assert box.x() == window.frameGeometry().right() + 1
    # as wide as the screen but not as tall: below the window
    window.setGeometry(screen.left(), screen.top() + 20, screen.width(),
                       screen.height() - box.frameGeometry().height() - 80)
    place_beside(box)
    assert box.y() == window.frameGeometry().bottom() + 1
    # no room on either side: the bottom-left corner, over the list, clear of the editor's text
    window.setGeometry(screen)
    box.show()
    qtbot.waitUntil(box.isVisible)
    place_beside(box)
    article = window.editor.viewport()
    shown = box.frameGeometry()
    text_area = article.rect().translated(article.mapToGlobal(article.rect().topLeft()))
    assert shown.left() == max(screen.left(), window.frameGeometry().left())
    assert shown.bottom() <= screen.bottom() + 1
    overlap = shown.intersected(text_area)
    assert overlap.width() * overlap.height() < 0.5 * shown.width() * shown.height()
    box.close()
