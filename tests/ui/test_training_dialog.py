"""The before/after dialog of entity training: figures per label, the better one marked (a
mark and a tint, bold), nothing clipped, and the person's choice of model."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from annotator.ui.training_dialog import BETTER, Comparison, TrainingResultDialog

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
