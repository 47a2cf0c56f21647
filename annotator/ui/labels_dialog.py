"""Labels > Edit labels: add, rename, recolour, re-key and delete the project's entity and
section labels.

One table per kind: the name and the key are edited in place (F2 or double-click, Enter to
store), the colour with a colour dialog, and how many spans (or section tags) carry each label is
shown beside it. Every change is one store transaction (:mod:`annotator.store.labels`); a refused
one (a name with a space, a key another label or a command has) says why in the dialog and
changes nothing. Deleting a label that is in use asks first and says how many spans in how many
documents go with it. After each change the dialog announces ``Changes(labels=True)`` (with
``everything`` when spans were renamed or deleted), and the window rebuilds its palette, keys and
colours from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Changes
from annotator.domain import Label, LabelError, LabelKind
from annotator.store import StorageError, Store
from annotator.store.labels import LabelUsage
from annotator.ui.side_panel import swatch

NAME, COLOUR, KEY, USED = range(4)
KIND_TITLES = {LabelKind.ENTITY: "Entities", LabelKind.SECTION: "Sections"}


def normalised_key(text: str) -> str | None:
    """A key as Qt writes it (``q`` -> ``Q``, ``ctrl+5`` -> ``Ctrl+5``), ``""`` for none, or
    ``None`` when ``text`` is not exactly one key."""
    text = text.strip()
    if not text:
        return ""
    sequence = QKeySequence(text)
    if sequence.count() != 1:
        return None
    name = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    return name or None


def command_keys(actions: Iterable[QAction]) -> dict[str, str]:
    """Every shortcut of the window's commands -> what the command is called (``A`` ->
    ``Accept``), so no label takes a key that a command already has."""
    keys: dict[str, str] = {}
    for action in actions:
        for shortcut in action.shortcuts():
            name = shortcut.toString(QKeySequence.SequenceFormat.PortableText)
            keys.setdefault(name.casefold(), action.text().replace("&", "").rstrip("…"))
    return keys


def unbind_clashing_keys(label_actions: Iterable[QAction],
                         commands: Iterable[QAction]) -> list[str]:
    """Leave unbound a label key that a command already has (Qt would call the key ambiguous
    and do neither); returns one sentence per key left unbound. The label can still be chosen
    from the palette and the menu. A project file edited elsewhere (``annotator labels rekey``)
    can hold such a key."""
    taken = command_keys(commands)
    notes = []
    for action in label_actions:
        key = action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        if key and key.casefold() in taken:
            action.setShortcut(QKeySequence())
            notes.append(f"Key {key} of label {action.iconText()} is the key of "
                         f"{taken[key.casefold()]}: not bound (Labels > Edit labels changes it)")
    return notes


def _item(text: str, editable: bool) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
    return item


class LabelTable(QTableWidget):
    """One kind's labels: name, colour, key, how much carries it. Each row's items keep the
    label's stored name (``Qt.UserRole``) so an edit knows which label it changes."""

    def __init__(self, kind: LabelKind, parent: QWidget):
        super().__init__(0, 4, parent)
        self.kind = kind
        self.setObjectName(f"{kind.value}Labels")
        self.setAccessibleName(f"{KIND_TITLES[kind]} labels")
        self.setHorizontalHeaderLabels(["Label", "Colour", "Key", "Used by"])
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.horizontalHeader().setSectionResizeMode(USED, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)

    def show_labels(self, labels: list[Label], usages: dict[str, LabelUsage]) -> None:
        current = self.current_name()
        self.setRowCount(len(labels))
        for row, lab in enumerate(labels):
            usage = usages.get(lab.name)
            cells = [_item(lab.name, True), _item(lab.colour, False), _item(lab.key, True),
                     _item(usage.describe() if usage else "unused", False)]
            cells[COLOUR].setIcon(swatch(lab.colour))
            for column, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, lab.name)
                self.setItem(row, column, cell)
            if lab.name == current:
                self.setCurrentCell(row, NAME)
        for column in (NAME, COLOUR, KEY):  # not USED: sizing it to its text ends its stretch
            self.resizeColumnToContents(column)

    def current_name(self) -> str | None:
        item = self.item(self.currentRow(), NAME) if self.currentRow() >= 0 else None
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def row_of(self, name: str) -> int | None:
        return next((r for r in range(self.rowCount())
                     if self.item(r, NAME).data(Qt.ItemDataRole.UserRole) == name), None)


class LabelsDialog(QDialog):
    """The label set editor. ``label_set_changed`` carries the :class:`Changes` of each stored
    change; ``message`` (a label in the dialog) says what was done or why not."""

    label_set_changed = Signal(object)

    def __init__(self, parent: QWidget, store: Store, reserved_keys: dict[str, str]):
        super().__init__(parent)
        self.setObjectName("labelsDialog")
        self.setWindowTitle("Labels")
        self.setAccessibleName("Edit labels")
        self.store = store
        self.reserved_keys = reserved_keys
        self._loading = False
        # Counting every label's spans reads the whole spans table (about a second for 700,000
        # spans), so it is done once when the dialog opens and then kept up to date from what
        # each rename and delete reports.
        self._usages = {kind: store.labels.usages(kind) for kind in LabelKind}
        self.tables = {kind: LabelTable(kind, self) for kind in LabelKind}
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("labelKinds")
        for kind, table in self.tables.items():
            self.tabs.addTab(table, KIND_TITLES[kind])
            table.itemChanged.connect(self._on_item_changed)
            table.cellDoubleClicked.connect(self._on_cell_double_clicked)
        self.new_name = QLineEdit(self)
        self.new_name.setObjectName("newLabelName")
        self.new_name.setAccessibleName("New label name")
        self.new_name.setPlaceholderText("New label, e.g. COMMODITY")
        self.new_name.returnPressed.connect(self.add_label)
        self.message = QLabel(self)
        self.message.setObjectName("labelsMessage")
        self.message.setAccessibleName("What happened")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self._build_layout()
        self.reload()
        self.resize(560, 480)

    def _button(self, name: str, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build_layout(self) -> None:
        adding = QHBoxLayout()
        adding.addWidget(self.new_name, 1)
        adding.addWidget(self._button("addLabel", "Add", self.add_label))
        row = QHBoxLayout()
        row.addWidget(self._button("renameLabel", "Rename", self.edit_current_name))
        row.addWidget(self._button("recolourLabel", "Colour…", self.choose_colour))
        row.addWidget(self._button("rekeyLabel", "Key", self.edit_current_key))
        row.addWidget(self._button("deleteLabel", "Delete…", self.ask_delete))
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        # Return in the new label's name adds it; as a dialog's auto-default button, Close
        # also took that Return and closed the dialog under the person (Esc still closes)
        close_button = close.button(QDialogButtonBox.StandardButton.Close)
        close_button.setAutoDefault(False)
        close_button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(row)
        layout.addLayout(adding)
        layout.addWidget(self.message)
        layout.addWidget(close)

    # -- reading -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the store's label set (also after a refused edit: the cell goes back)."""
        self._loading = True
        try:
            for kind, table in self.tables.items():
                table.show_labels(self.store.labels.of(kind), self._usages[kind])
        finally:
            self._loading = False

    def current_kind(self) -> LabelKind:
        return self.tables_list()[self.tabs.currentIndex()].kind

    def tables_list(self) -> list[LabelTable]:
        return list(self.tables.values())

    def current_table(self) -> LabelTable:
        return self.tables[self.current_kind()]

    def select(self, kind: LabelKind, name: str) -> None:
        """Show ``kind``'s tab with label ``name`` current."""
        self.tabs.setCurrentWidget(self.tables[kind])
        row = self.tables[kind].row_of(name)
        if row is not None:
            self.tables[kind].setCurrentCell(row, NAME)

    # -- changes -----------------------------------------------------------------------------

    def _done(self, text: str, usage: LabelUsage | None = None) -> None:
        self.reload()
        self.message.setText(text)
        touched = usage is not None and usage.items > 0
        self.label_set_changed.emit(Changes(labels=True, everything=touched, origin="labels"))

    def _refused(self, reason: str) -> None:
        self.reload()
        self.message.setText(f"Not changed: {reason}")

    def add_label(self) -> None:
        """Add the typed name to the current tab's kind, with a free colour and key."""
        name, kind = self.new_name.text(), self.current_kind()
        try:
            lab = self.store.labels.add(kind, name)
        except (LabelError, StorageError) as exc:  # StorageError: read-only, locked
            return self._refused(str(exc))
        self.new_name.clear()
        self._done(f"Added {kind.value} label {lab.name} (key {lab.key or 'none'})")
        self.select(kind, lab.name)

    def rename(self, kind: LabelKind, old: str, new: str) -> None:
        try:
            usage = self.store.labels.rename(kind, old, new)
        except (LabelError, StorageError) as exc:  # StorageError: read-only, locked
            return self._refused(str(exc))
        self._usages[kind].pop(old, None)
        if usage.items:
            self._usages[kind][new] = replace(usage, name=new)
        self._done(f"Renamed {old} to {new} ({usage.describe()})", usage)
        self.select(kind, new)

    def rekey(self, kind: LabelKind, name: str, text: str) -> None:
        """A key the window can bind: one key, not a command's (``A`` accepts a document)."""
        key = normalised_key(text)
        if key is None:
            return self._refused(f"{text!r} is not one key (e.g. 7, Q or Ctrl+5)")
        if key and key.casefold() in self.reserved_keys:
            return self._refused(f"{key} is the key of {self.reserved_keys[key.casefold()]}")
        try:
            lab = self.store.labels.rekey(kind, name, key)
        except (LabelError, StorageError) as exc:  # StorageError: read-only, locked
            return self._refused(str(exc))
        self._done(f"{name} now has key {lab.key or 'none'}")
        self.select(kind, name)

    def recolour(self, kind: LabelKind, name: str, colour: str) -> None:
        try:
            lab = self.store.labels.recolour(kind, name, colour)
        except (LabelError, StorageError) as exc:  # StorageError: read-only, locked
            return self._refused(str(exc))
        self._done(f"{name} is now {lab.colour}")
        self.select(kind, name)

    def delete(self, kind: LabelKind, name: str) -> None:
        try:
            usage = self.store.labels.delete(kind, name)
        except (LabelError, StorageError) as exc:  # StorageError: read-only, locked
            return self._refused(str(exc))
        self._usages[kind].pop(name, None)
        gone = f" and its {usage.describe()}" if usage.items else ""
        self._done(f"Deleted {kind.value} label {name}{gone}", usage)

    # -- asking ------------------------------------------------------------------------------

    def edit_current_name(self) -> None:
        self._edit_current(NAME)

    def edit_current_key(self) -> None:
        self._edit_current(KEY)

    def _edit_current(self, column: int) -> None:
        table = self.current_table()
        if table.currentRow() >= 0:
            table.setFocus()
            table.editItem(table.item(table.currentRow(), column))

    def choose_colour(self) -> QColorDialog | None:
        """A colour dialog for the current label (non-blocking; choosing stores it)."""
        table, kind = self.current_table(), self.current_kind()
        name = table.current_name()
        if name is None:
            self.message.setText("Choose a label first")
            return None
        dialog = QColorDialog(QColor(self.store.labels.get(kind, name).colour), self)
        dialog.setObjectName("labelColourDialog")
        dialog.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog)
        dialog.setWindowTitle(f"Colour of {name}")
        dialog.colorSelected.connect(lambda c: self.recolour(kind, name, c.name()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def ask_delete(self) -> QMessageBox | None:
        """Delete the current label; when spans (or tags) carry it, ask first and say how many
        go with it (non-blocking box named ``confirmDeleteLabel``)."""
        table, kind = self.current_table(), self.current_kind()
        name = table.current_name()
        if name is None:
            self.message.setText("Choose a label first")
            return None
        usage = self.store.labels.usage(kind, name)
        if not usage.items:
            self.delete(kind, name)
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, "Delete label",
                          f"Delete {kind.value} label {name}?\n\nIts {usage.describe()} will be "
                          "deleted too. This cannot be undone.",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDeleteLabel")
        delete = box.addButton(f"Delete {name}", QMessageBox.ButtonRole.DestructiveRole)
        delete.setObjectName("confirmDelete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        delete.clicked.connect(lambda: self.delete(kind, name))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        """An edited name or key cell: stored once the editor has let go of the item (the
        reload that follows replaces the items)."""
        if self._loading:
            return
        table = item.tableWidget()
        assert isinstance(table, LabelTable)
        kind, name, text = table.kind, item.data(Qt.ItemDataRole.UserRole), item.text()
        if item.column() == NAME and text != name:
            QTimer.singleShot(0, self, lambda: self.rename(kind, name, text))
        elif item.column() == KEY and normalised_key(text) != self._key_of(kind, name):
            QTimer.singleShot(0, self, lambda: self.rekey(kind, name, text))

    def _key_of(self, kind: LabelKind, name: str) -> str | None:
        try:
            return self.store.labels.get(kind, name).key
        except LabelError:
            return None

    def _on_cell_double_clicked(self, _row: int, column: int) -> None:
        if column == COLOUR:
            self.choose_colour()


def open_labels_dialog(window) -> LabelsDialog:
    """Labels > Edit labels on the main window: modal to it (the project cannot change while it
    is open); each change goes on the window's change bus."""
    commands = window.actions_by_name.values()
    dialog = LabelsDialog(window, window.store, command_keys(commands))
    dialog.label_set_changed.connect(window.controller.emit_changes)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
