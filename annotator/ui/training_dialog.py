"""What a person sees after training the entity model: the current model and the new one side
by side on the held-back documents, per label (precision, recall, F1), the better figure of
each pair marked, and the choice to use the new model even when it did not measure better.

The dialog shows plain data (:class:`Comparison`, made from the training service's report by
:func:`comparison_from`); it never trains or writes. The window runs the switch as a job when
the person presses "Use new model" (``use_requested``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain import count
from annotator.ui.theme import is_dark

Score = tuple[float, float, float, int]  # precision, recall, F1 (0..1), support (gold spans)
COLUMNS = ["Label", "Spans", "Current P", "Current R", "Current F1", "New P", "New R",
           "New F1"]
BETTER = "▲"  # the better of a pair: a mark as well as a colour, never colour alone
# Tints for the better figure: light green under dark text, dark green under light text.
BETTER_FILL = {False: "#d5f0dc", True: "#1f4d2c"}
TOTAL = "All labels"


@dataclass
class Comparison:
    """The figures the dialog shows. ``before`` / ``after``: label -> :data:`Score` of the
    current and the new model on the held-back part (a label the current model lacks scores
    zero there); ``total_before`` / ``total_after`` over all labels (micro average)."""

    version: str  # the new model, e.g. "ner-3"
    current: str  # what it is compared with: "ner-2", or the stock model's name
    before: dict[str, Score]
    after: dict[str, Score]
    total_before: Score
    total_after: Score
    switched: bool  # the project now uses the new model (it measured better)
    notes: list[str] = field(default_factory=list)  # what it started from, why, on what data
    # both models were scored on a held-back part; without one ("" reason in ``unmeasured``)
    # the dialog shows no figures: 0.00 against 0.00 is no measurement
    measured: bool = True
    unmeasured: str = ""  # why nothing was held back, when not ``measured``

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.before) | set(self.after))


def comparison_from(report: Any) -> Comparison:
    """The dialog's figures and notes from the training service's report
    (:class:`annotator.services.ner_training.TrainReport`, plain data). Labels with no span in
    the held-back part and no figure on either side are named in a note, not given a row."""
    zero = (0.0, 0.0, 0.0, 0)
    before, after, empty = {}, {}, []
    for label in report.labels:
        old, new = tuple(report.before.get(label, zero)), tuple(report.after.get(label, zero))
        if old[3] or new[3] or any(old[:3]) or any(new[:3]):
            before[label], after[label] = old, new
        else:
            empty.append(label)
    current = report.before_model
    start = {"finetune": f"fine-tuned {current}",
             "extend": f"{current} with the project's new labels added",
             "blank": "a blank pipeline"}.get(report.start, report.start)
    sites = report.held_back_sources
    named = ", ".join(sites[:3]) + (f" and {len(sites) - 3} more" if len(sites) > 3 else "")
    measured = report.held_back_docs > 0
    if measured:
        held = (f"held back {count(report.held_back_docs, 'document')}"
                + (f" from {count(len(sites), 'site')}" if sites else "")
                + (f" ({named})" if named else "") + "."
                + (f" {_sentence(report.split_note)}" if report.split_note else ""))
    else:
        held = "nothing held back to compare the models on."
    chosen = ("" if report.dev_docs or not report.no_dev_note else
              f" No documents were set aside for choosing ({report.no_dev_note}): the "
              "candidates' figure is their F1 on their own training documents.")
    notes = [f"Started from {start}: {report.why}.",
             f"Trained on {count(report.train_docs, 'document')}; {held}{chosen}"]
    if report.forgetting is not None:
        notes.append(f"Forgetting: on unlabelled project text the new model agrees with {current} "
                     f"at F1 {report.forgetting:.2f} on the labels both know (1.00: nothing "
                     "forgotten).")
    if empty:
        notes.append(f"No held-back spans of {', '.join(empty)}: nothing to score there.")
    notes += [f"Left out {line.rstrip('.')}." for line in report.left_out]
    return Comparison(report.version, current, before, after,
                      tuple(report.before.get("ALL", zero)), tuple(report.after.get("ALL", zero)),
                      bool(report.switched), notes, measured,
                      "" if measured else report.nothing_held_back)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".") if text else ""


class TrainingResultDialog(QDialog):
    """Before/after table and the decision. Emits ``use_requested(version)`` when the person
    chooses the new model; "Keep current" (or closing) changes nothing."""

    use_requested = Signal(str)

    def __init__(self, parent: QWidget, comparison: Comparison):
        super().__init__(parent)
        self.comparison = comparison
        self.setObjectName("trainingResultDialog")
        self.setWindowTitle(f"Entity model {comparison.version}")
        self.setAccessibleName("Training result")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.headline = self._label(self._headline(), "trainingHeadline", bold=True)
        layout.addWidget(self.headline)
        for note in comparison.notes:
            layout.addWidget(self._label(note, "trainingNote"))
        self.table = self._make_table()
        legend = self._label(
            f"{BETTER} marks the better figure of each pair. P: precision (how many suggestions "
            "were right), R: recall (how many entities were found), on documents held back "
            "from training (whole sites).", "trainingLegend")
        layout.addWidget(self.table)
        layout.addWidget(legend)
        # nothing measured: no table of zeros (kept, hidden, so the dialog's parts stay put)
        self.table.setVisible(comparison.measured)
        legend.setVisible(comparison.measured)
        layout.addStretch(1)
        layout.addWidget(self._buttons())
        width = self._width()
        self.resize(width, layout.totalHeightForWidth(width))

    # -- parts -------------------------------------------------------------------------------

    def _label(self, text: str, name: str, bold: bool = False) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setAccessibleName(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if bold:
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        return label

    def _headline(self) -> str:
        c = self.comparison
        if not c.measured:  # no comparison, so no "did not measure better"
            why = f"nothing was held back to measure it on ({c.unmeasured})"
            if c.switched:
                return (f"{c.version} was not compared with {c.current}: {why}. The project "
                        f"uses it because you chose it, and re-suggests the unfinished "
                        "documents with it.")
            return (f"{c.version} was not compared with {c.current}: {why}. The project still "
                    f"uses {c.current}, as it does whenever a new model has no held-back score; "
                    "you can still use the new one.")
        old, new = c.total_before[2], c.total_after[2]
        figures = f"F1 on the held-back part: {c.current} {old:.2f}, {c.version} {new:.2f}."
        if c.switched:
            return (f"{c.version} measured better: the project now uses it, and re-suggests "
                    f"the unfinished documents with it. {figures}")
        if new > old:
            return f"{c.version} measured better, but the project still uses {c.current}. " \
                   f"{figures}"
        return f"{c.version} did not measure better than {c.current}. {figures} " \
               "You can still use it."

    def _make_table(self) -> QTableWidget:
        c = self.comparison
        rows = [(label, c.before.get(label, (0.0, 0.0, 0.0, 0)),
                 c.after.get(label, (0.0, 0.0, 0.0, 0))) for label in c.labels]
        rows.append((TOTAL, c.total_before, c.total_after))
        table = QTableWidget(len(rows), len(COLUMNS), self)
        table.setObjectName("trainingScores")
        table.setAccessibleName("Scores per label, current and new model")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setShowGrid(False)
        table.setWordWrap(False)
        fill = QBrush(QColor(BETTER_FILL[is_dark()]))
        self._bold = QFont(table.font())
        self._bold.setBold(True)
        for r, (label, old, new) in enumerate(rows):
            support = max(old[3], new[3])
            self._put(table, r, 0, label, total=label == TOTAL, align_left=True)
            self._put(table, r, 1, str(support), total=label == TOTAL)
            for i in range(3):
                better_old, better_new = old[i] > new[i], new[i] > old[i]
                self._put(table, r, 2 + i, _figure(old[i], better_old), better_old and fill,
                          total=label == TOTAL)
                self._put(table, r, 5 + i, _figure(new[i], better_new), better_new and fill,
                          total=label == TOTAL)
        header = table.horizontalHeader()
        table.resizeColumnsToContents()  # once: a ResizeToContents header re-measures often
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        table.horizontalHeaderItem(0).setTextAlignment(Qt.AlignmentFlag.AlignLeft
                                                       | Qt.AlignmentFlag.AlignVCenter)
        row_height = table.fontMetrics().height() + 10
        table.verticalHeader().setDefaultSectionSize(row_height)
        # every row shown, no empty band below (a long label set scrolls past 14 rows)
        table.setFixedHeight(header.sizeHint().height() + row_height * min(len(rows), 14)
                             + 2 * table.frameWidth())
        return table

    def _put(self, table: QTableWidget, row: int, col: int, text: str,
             fill: QBrush | bool = False, total: bool = False, align_left: bool = False) -> None:
        item = QTableWidgetItem(text)
        item.setTextAlignment((Qt.AlignmentFlag.AlignLeft if align_left
                               else Qt.AlignmentFlag.AlignRight) | Qt.AlignmentFlag.AlignVCenter)
        if fill:
            item.setBackground(fill)
        if fill or total:
            item.setFont(self._bold)
        table.setItem(row, col, item)

    def _buttons(self) -> QDialogButtonBox:
        box = QDialogButtonBox(self)
        box.setObjectName("trainingButtons")
        if self.comparison.switched:
            close = box.addButton(QDialogButtonBox.StandardButton.Close)
            close.setObjectName("trainingClose")
            close.setAccessibleName("Close")
            box.rejected.connect(self.reject)
            self.use_button = self.keep_button = None
            return box
        # Alt+U / Alt+K; Enter and Escape keep the current model
        self.use_button = QPushButton(f"&Use new model ({self.comparison.version})")
        self.use_button.setObjectName("useNewModel")
        self.keep_button = QPushButton(f"&Keep current ({self.comparison.current})")
        self.keep_button.setObjectName("keepCurrentModel")
        for button, key in ((self.use_button, "Alt+U"), (self.keep_button, "Alt+K")):
            button.setShortcut(QKeySequence(key))  # also where the platform hides mnemonics
            button.setAccessibleName(button.text().replace("&", ""))
        box.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_button.setDefault(True)  # Enter keeps what measured better
        box.accepted.connect(self._use)
        box.rejected.connect(self.reject)
        return box

    def _use(self) -> None:
        self.use_requested.emit(self.comparison.version)
        self.accept()

    def _width(self) -> int:
        """Wide enough for every column without a scroll bar, and for a long label name."""
        table = self.table
        columns = sum(table.columnWidth(c) for c in range(table.columnCount()))
        return max(620, min(1000, columns + 60))


def _figure(value: float, better: bool) -> str:
    return f"{BETTER} {value:.2f}" if better else f"{value:.2f}"
