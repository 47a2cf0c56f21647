"""Dialogs: export options and the keyboard shortcut list. Both are opened non-modally
(``open()``), so the window keeps running and tests can fill them in. :func:`show_aside` shows
what a background job reports without taking the keyboard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.services.export_formats import DESCRIPTIONS, EXPORT_FORMATS, FILE_FORMATS
from annotator.ui.actions import EDITOR_KEYS
from annotator.ui.file_dialogs import save_file_name


def show_aside(dialog: QDialog) -> QDialog:
    """Show ``dialog`` beside the window without taking the keyboard: not modal, not activated,
    and the widget that had the focus keeps it. A job ends while the person labels; a dialog
    that took the focus then swallowed their next label and Accept keys (``open()`` makes a
    dialog window-modal and active). They read it, click its buttons, or close it when they
    like. Deleted when closed."""
    keep = QApplication.focusWidget()
    active = QApplication.activeWindow()
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    dialog.adjustSize()
    place_beside(dialog)
    dialog.show()
    place_beside(dialog)  # a message box settles its size only when shown
    if active is not None and active is not dialog:  # a platform that activated it anyway
        active.activateWindow()
    if keep is not None and keep.window() is not dialog:
        keep.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog


def place_beside(dialog: QWidget) -> None:
    """Move ``dialog`` off the article: to the right of its window when the screen has room
    there, else to the left, below or above it, else over the bottom-left corner of the window
    (the document list: the least read part while labelling with keys). Why: a window manager
    usually centres a dialog over its parent, and with none (a bare X server) Qt does, so a
    job's report hid the text being labelled. Coordinates are global, in device-independent
    pixels."""
    parent = dialog.parentWidget()
    if parent is None:
        return
    window = parent.window().frameGeometry()
    screen = (parent.screen() or QApplication.primaryScreen()).availableGeometry()
    size = dialog.frameGeometry().size().expandedTo(dialog.sizeHint())
    w, h = size.width(), size.height()
    if window.right() + 1 + w <= screen.right() + 1:
        x, y = window.right() + 1, window.top()
    elif window.left() - w >= screen.left():
        x, y = window.left() - w, window.top()
    elif window.bottom() + 1 + h <= screen.bottom() + 1:
        x, y = window.left(), window.bottom() + 1
    elif window.top() - h >= screen.top():
        x, y = window.left(), window.top() - h
    else:
        x, y = window.left(), window.bottom() + 1 - h
    x = max(screen.left(), min(x, screen.right() + 1 - w))
    y = max(screen.top(), min(y, screen.bottom() + 1 - h))
    dialog.move(x, y)


def default_export_path(db_path: Path) -> Path:
    """Where an export goes unless the person says otherwise: beside the project, named after
    it with ``-export``, never a hidden file (``.sample-project.db`` exports to
    ``sample-project-export.jsonl``). Not ``news.jsonl`` for ``news.db``: that is the name of
    the file a project is most often imported from, and the export replaced it."""
    name = db_path.stem.lstrip(".") or "project"
    return db_path.with_name(f"{name}-export.jsonl")


class ExportDialog(QDialog):
    """Format, which documents, where."""

    def __init__(self, parent: QWidget, default_path: Path):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.setAccessibleName("Export options")
        form = QFormLayout()
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        self.format.setAccessibleName("Format")
        for name in EXPORT_FORMATS:
            self.format.addItem(f"{name} — {DESCRIPTIONS.get(name, name)}", name)
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self.finished_only = QRadioButton("Finished documents (accepted and rejected)")
        self.finished_only.setChecked(True)
        self.everything = QRadioButton("All documents, with their current labels")
        for radio in (self.finished_only, self.everything):
            radio.setAccessibleName(radio.text())
        self.path = QLineEdit(str(default_path))
        self._ours: Path | None = None  # an output the person already agreed to replace
        self.path.setObjectName("exportPath")
        self.path.setAccessibleName("Output file")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose the output file")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form.addRow("Format", self.format)
        form.addRow("Documents", self.finished_only)
        form.addRow("", self.everything)
        form.addRow("Save to", where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _on_format_changed(self, _index: int) -> None:
        """Training formats take accepted documents only; spacy writes a folder."""
        fmt = self.format.currentData()
        training = fmt in FILE_FORMATS
        self.finished_only.setText("Accepted documents (training data)" if training
                                   else "Finished documents (accepted and rejected)")
        self.everything.setText("All but rejected documents, with their current labels"
                                if training else "All documents, with their current labels")
        path = Path(self.path.text())
        suffix = {"spacy": "", "conll": ".conll"}.get(fmt, ".jsonl")
        self.path.setText(str(path.with_suffix(suffix) if path.suffix or suffix else path))

    def restore(self, path: str, fmt: str, everything: bool) -> None:
        """The choices of the last export from this project (an unknown format is ignored)."""
        index = self.format.findData(fmt)
        if index >= 0:
            self.format.setCurrentIndex(index)
        self.path.setText(path)
        self._ours = Path(path)
        (self.everything if everything else self.finished_only).setChecked(True)

    def choice(self) -> tuple[Path, str, bool]:
        """``(output path, format name, include unfinished documents)``."""
        return Path(self.path.text()), self.format.currentData(), self.everything.isChecked()

    def _browse(self) -> None:
        path = save_file_name(self, "Export to", self.path.text(), "JSON lines (*.jsonl)")
        if path:
            self.path.setText(path)
            self._ours = Path(path)  # the save dialog asked before choosing a file that exists

    def accept(self) -> None:
        """Export, unless the output is a file that exists and the person did not choose to
        replace it: this project's last export, or a file picked with Browse (which asked)."""
        out = Path(self.path.text())
        if out.exists() and out != self._ours and not self.confirm_replace(out):
            return
        super().accept()

    def confirm_replace(self, out: Path) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Replace the file?",
                          f"{out} already exists. Replace it with this export?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("replaceExportBox")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes


class _PaddedRows(QStyledItemDelegate):
    """Rows a little taller than their text, so a wrapped description's two lines do not touch
    the next row (the rows are sized to their contents)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 8)


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: every action's keys, read from the actions themselves."""

    def __init__(self, parent: QWidget, actions: list[QAction]):
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = [(", ".join(k.toString() for k in a.shortcuts()), a.toolTip().split(" (")[0]
                 or a.text().replace("&", ""))
                for a in actions if a.shortcuts()]
        rows += EDITOR_KEYS
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutTable")
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Keys", "Does"])
        table.verticalHeader().hide()
        for r, (keys, what) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(keys))
            table.setItem(r, 1, QTableWidgetItem(what))
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        # A long description wraps onto a second line (its row grows) instead of being cut
        # with "…" in a narrow dialog; the table scrolls when the rows do not fit.
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.resizeColumnToContents(0)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setMinimumSectionSize(table.fontMetrics().height() + 10)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setItemDelegate(_PaddedRows(table))
        self.table = table
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        screen = (parent.screen() if parent is not None else None) or self.screen()
        self.fit_to(screen.availableGeometry())

    def fit_to(self, available: QRect) -> None:
        """Size and place the dialog inside ``available`` (the screen's free area, in pixels):
        at most 760 x 680, and at most 92 % of its width and 90 % of its height (room for the
        window manager's frame), centred on the parent window but kept on that area. On a
        1024 x 640 screen the list was 680 px tall: its bottom and Close button were off."""
        width = min(760, int(available.width() * 0.92))
        height = min(680, int(available.height() * 0.90))
        self.resize(width, height)
        parent = self.parentWidget()
        centre = (parent.frameGeometry().center() if parent is not None
                  else available.center())
        frame = QRect(0, 0, width, height)
        frame.moveCenter(centre)
        x = max(available.left(), min(frame.left(), available.right() - width))
        y = max(available.top(), min(frame.top(), available.bottom() - height))
        self.move(x, y)
