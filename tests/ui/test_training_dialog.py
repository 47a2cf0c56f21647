"""The before/after dialog of entity training: figures per label, the better one marked (a
mark and a tint, bold), nothing clipped, and the person's choice of model."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from annotator.services.ner_training import TrainReport
from annotator.ui.training_dialog import (
    BETTER,
    Comparison,
    TrainingResultDialog,
    comparison_from,
)

BEFORE = {"ORG": (0.61, 0.55, 0.58, 40), "GPE": (0.80, 0.70, 0.75, 22),
          "COMMODITY": (0.0, 0.0, 0.0, 15)}
AFTER = {"ORG": (0.71, 0.65, 0.68, 40), "GPE": (0.78, 0.70, 0.74, 22),
         "COMMODITY": (0.66, 0.50, 0.57, 15)}


def comparison(switched: bool) -> Comparison:
    return Comparison("ner-3", "ner-2", BEFORE, AFTER, (0.7, 0.6, 0.64, 77),
                      (0.72, 0.64, 0.68, 77), switched,
                      ["Fine-tuned ner-2: its labels cover the project's."])


def cells(dialog: TrainingResultDialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_each_pair_marks_its_better_figure_and_the_totals_come_last(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = TrainingResultDialog(parent, comparison(switched=False))
    rows = cells(dialog)
    assert [r[0] for r in rows] == ["COMMODITY", "GPE", "ORG", "All labels"]
    commodity, gpe, _org, total = rows
    assert commodity[1] == "15"
    assert commodity[2:5] == ["0.00"] * 3 and commodity[7] == f"{BETTER} 0.57"
    assert gpe[2] == f"{BETTER} 0.80" and gpe[5] == "0.78"  # the current model's precision
    assert gpe[3] == gpe[6] == "0.70"  # a tie marks neither
    assert total[4] == "0.64" and total[7] == f"{BETTER} 0.68"
    marked = dialog.table.item(0, 7)
    assert marked.font().bold() and marked.background().color().isValid()
    assert dialog.table.item(0, 2).background().style().name == "NoBrush"


def test_nothing_is_clipped_or_scrolled_away(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = TrainingResultDialog(parent, comparison(switched=False))
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert table.horizontalScrollBar().maximum() == 0
    assert table.verticalScrollBar().maximum() == 0
    for col in range(table.columnCount()):
        width = table.fontMetrics().horizontalAdvance(table.item(3, col).text())
        assert table.columnWidth(col) > width
    assert dialog.use_button.width() >= dialog.use_button.sizeHint().width()


def test_use_new_model_asks_for_that_version_and_keep_asks_nothing(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = TrainingResultDialog(parent, comparison(switched=False))
    assert "did not measure better" not in dialog.headline.text()  # 0.68 > 0.64
    assert dialog.keep_button.isDefault()  # Enter keeps the current model
    asked: list[str] = []
    dialog.use_requested.connect(asked.append)
    dialog.keep_button.click()
    assert asked == []
    dialog = TrainingResultDialog(parent, comparison(switched=False))
    dialog.use_requested.connect(asked.append)
    dialog.use_button.click()
    assert asked == ["ner-3"]


def test_a_switched_project_is_told_so_and_only_closes(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = TrainingResultDialog(parent, comparison(switched=True))
    assert "now uses it" in dialog.headline.text()
    assert dialog.use_button is None and dialog.findChild(QWidget, "trainingClose")


def test_train_entity_model_is_a_file_menu_action_with_a_key_of_its_own(window):
    action = window.findChild(QAction, "train-entities")
    assert action.shortcut() == QKeySequence("Ctrl+T")
    file_menu = window.menuBar().findChildren(QMenu)[0]
    assert action in file_menu.actions()
    keys = [k.toString() for a in window.findChildren(QAction) for k in a.shortcuts()
            if a.objectName()]
    assert keys.count("Ctrl+T") == 1
    assert len(keys) == len(set(keys)), sorted(keys)


def test_alt_u_chooses_the_new_model_and_escape_keeps_the_current_one(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = TrainingResultDialog(parent, comparison(switched=False))
    asked: list[str] = []
    dialog.use_requested.connect(asked.append)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible()
    dialog = TrainingResultDialog(parent, comparison(switched=False))
    dialog.use_requested.connect(asked.append)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: asked == ["ner-3"])  # a button's key clicks it after a flash


def test_the_report_of_a_real_run_becomes_rows_and_notes():
    """A TrainReport as the service returns it: the labels nobody marked in the held-back part
    become a note, "ALL" the totals row, the start and the sites words."""
    report = TrainReport(
        version="ner-2", switched=False, before_model="ner-1", start="finetune",
        why="finetune had the best dev F1 (0.800); the current model knows every project label",
        labels=["ORG", "GPE", "DATE"],
        before={"ORG": (0.5, 0.5, 0.5, 4), "GPE": (1.0, 0.5, 0.67, 2), "DATE": (0, 0, 0, 0),
                "ALL": (0.6, 0.5, 0.55, 6)},
        after={"ORG": (0.6, 0.5, 0.55, 4), "GPE": (1.0, 1.0, 1.0, 2), "DATE": (0, 0, 0, 0),
               "ALL": (0.7, 0.67, 0.68, 6)},
        train_docs=30, held_back_docs=6, held_back_sources=["a.com", "b.org", "c.net", "d.io"],
        forgetting=0.93)
    c = comparison_from(report)
    assert c.labels == ["GPE", "ORG"] and c.total_after == (0.7, 0.67, 0.68, 6)
    assert c.current == "ner-1" and not c.switched
    text = "\n".join(c.notes)
    assert "Started from fine-tuned ner-1: finetune had the best dev F1" in text
    assert "held back 6 documents from 4 sites (a.com, b.org, c.net and 1 more)" in text
    assert "F1 0.93" in text and "No held-back spans of DATE" in text


def test_a_document_training_left_out_is_named_in_the_dialogs_notes():
    """A document that could not be cut into pieces for spaCy is not silently missing from
    the run: the dialog names it with the reason (the service's ``left_out`` lines)."""
    line = ("document 12 (Copper Prices Climb): a labelled span at characters 35-100,045 "
            "(100,010 characters) is longer than a piece of 100,000 characters")
    report = TrainReport(version="ner-1", before_model="en_core_web_sm", start="extend",
                         labels=["ORG"], train_docs=5, left_out=[line])
    notes = comparison_from(report).notes
    assert f"Left out {line}." in notes
    assert not any("Left out" in n for n in comparison_from(TrainReport(labels=["ORG"])).notes)


def test_a_run_with_nothing_held_back_shows_no_comparison_and_no_table(qtbot):
    """Nothing held back (tester5, item 4): the headline says the models were not compared
    and why, never "did not measure better" from 0.00 against 0.00; no table of zeros; the
    notes say no dev part was set aside; the person can still choose the new model."""
    report = TrainReport(
        version="ner-2", before_model="en_core_web_sm", start="blank",
        why="blank had the best F1 on its training documents (1.000)", labels=["ORG"],
        train_docs=1, held_back_docs=0, split_note="too few accepted documents to hold any back",
        no_dev_note="fewer than 20 training documents", why_switched="no held-back part")
    c = comparison_from(report)
    assert not c.measured and c.unmeasured == "too few accepted documents to hold any back"
    notes = " ".join(c.notes)
    assert "Trained on 1 document; nothing held back" in notes and "0 sites" not in notes
    assert "No documents were set aside for choosing (fewer than 20 training documents)" in notes
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = TrainingResultDialog(parent, c)
    headline = dialog.headline.text()
    assert headline.startswith("ner-2 was not compared with en_core_web_sm: nothing was held "
                               "back to measure it on (too few accepted documents")
    assert "did not measure better" not in headline and "0.00" not in headline
    assert "still uses en_core_web_sm" in headline
    assert dialog.table.isHidden() and dialog.use_button is not None
