"""Labels > Edit labels in the real window: add, rename, recolour, re-key and delete labels with
keys and mouse; every change is in the project file and the window's palette, keys and colours
follow it at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QColorDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTextEdit,
)

from annotator.core.changes import Changes
from annotator.domain import LabelKind
from annotator.store import open_store
from annotator.ui.labels_dialog import KEY, NAME, LabelsDialog


def open_dialog(window, qtbot) -> LabelsDialog:
    """Ctrl+L in the window opens the dialog (modal to the window, not blocking the test)."""
    qtbot.keyClick(window.editor, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(LabelsDialog, "labelsDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def edit_cell(qtbot, dialog: LabelsDialog, name: str, column: int, text: str) -> None:
    """Make the label's row current, press F2 on the cell, type, Enter: as a person edits."""
    table = dialog.current_table()
    table.setFocus()
    table.setCurrentCell(table.row_of(name), column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = dialog.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def message(dialog: LabelsDialog) -> str:
    return dialog.findChild(QLabel, "labelsMessage").text()


def close_dialog(window, dialog, qtbot) -> None:
    """Close the dialog and give the window the keyboard back (shortcuts need it active)."""
    dialog.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def label_span(window, qtbot, word: str, key: Qt.Key) -> None:
    text = window.controller.doc.text
    start = text.index(word)
    window.editor.select_range(start, start + len(word))
    qtbot.keyClick(window.editor, key)


def test_add_a_label_gives_it_a_key_a_colour_and_an_action_in_the_window(window, project,
                                                                         qtbot):
    dialog = open_dialog(window, qtbot)
    with open_store(project) as store:
        store.labels.delete("entity", "MONEY")  # frees key 0 for the new label
    dialog.reload()
    qtbot.keyClicks(dialog.findChild(QLineEdit, "newLabelName"), "COMMODITY")
    qtbot.keyClick(dialog.findChild(QLineEdit, "newLabelName"), Qt.Key.Key_Return)
    assert "Added entity label COMMODITY (key 0)" in message(dialog)
    with open_store(project) as store:
        added = store.labels.get("entity", "COMMODITY")
    assert added.key == "0" and added.colour.startswith("#")
    action = window.findChild(QAction, "label:COMMODITY")
    assert action is not None and action.shortcut() == QKeySequence("0")
    assert window.findChild(QAction, "label:MONEY") is None
    close_dialog(window, dialog, qtbot)
    window.controller.open_document(1)
    label_span(window, qtbot, "Serra Verde", Qt.Key.Key_0)
    with open_store(project) as store:
        assert [s.label for s in store.spans.of(1)] == ["COMMODITY"]


def test_a_new_label_with_every_digit_taken_gets_a_letter_no_command_has(window, project,
                                                                        qtbot):
    """The ten built-in labels hold 1 ... 0: a label the person adds gets the first free letter
    (a new user's COMMODITY got no key), shown in the label bar and the F1 list, kept in the
    project file."""
    from annotator.store.labels import COMMAND_LETTERS, DEFAULT_KEYS
    from annotator.ui.actions import COMMANDS
    from annotator.ui.dialogs import ShortcutsDialog

    command_keys = {k.casefold() for _, keys, _ in COMMANDS.values() for k in keys}
    assert not command_keys & {k.casefold() for k in DEFAULT_KEYS[LabelKind.ENTITY]}
    assert {k for k in command_keys if len(k) == 1 and k.isalpha()} == {
        c.casefold() for c in COMMAND_LETTERS}
    dialog = open_dialog(window, qtbot)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "newLabelName"), "COMMODITY")
    qtbot.keyClick(dialog.findChild(QLineEdit, "newLabelName"), Qt.Key.Key_Return)
    assert "Added entity label COMMODITY (key B)" in message(dialog)
    close_dialog(window, dialog, qtbot)
    keys = {k.accessibleName(): k.text() for k in window.side.findChildren(QLabel, "keyCap")}
    assert keys["Key for COMMODITY"] == "B"
    window.show_shortcuts()
    help_rows = window.findChild(ShortcutsDialog).findChild(QTableWidget, "shortcutTable")
    rows = {help_rows.item(r, 1).text(): help_rows.item(r, 0).text()
            for r in range(help_rows.rowCount())}
    assert rows["Mark as entity COMMODITY"] == "B"
    window.findChild(ShortcutsDialog).close()
    window.controller.open_document(1)
    label_span(window, qtbot, "Serra Verde", Qt.Key.Key_B)
    with open_store(project) as store:
        assert store.labels.get("entity", "COMMODITY").key == "B"  # the same next time
        assert [s.label for s in store.spans.of(1)] == ["COMMODITY"]


def test_a_label_name_with_a_space_or_a_control_character_is_refused_with_the_reason(
        window, project, qtbot):
    dialog = open_dialog(window, qtbot)
    field = dialog.findChild(QLineEdit, "newLabelName")
    qtbot.keyClicks(field, "NEW ORG")
    dialog.findChild(QPushButton, "addLabel").click()
    assert "has whitespace: space (U+0020) at character 4; use NEW_ORG" in message(dialog)
    field.setText("ORG\x07")
    dialog.add_label()
    assert "control character" in message(dialog)
    edit_cell(qtbot, dialog, "ORG", NAME, "MY ORG")
    qtbot.waitUntil(lambda: "Not changed" in message(dialog))
    with open_store(project) as store:
        assert "ORG" in store.labels.names("entity")
        assert not [n for n in store.labels.names("entity") if " " in n or "\x07" in n]
    assert dialog.current_table().item(dialog.current_table().row_of("ORG"), NAME).text() == "ORG"


def test_renaming_a_label_renames_its_spans_and_the_open_document_shows_it(window, project,
                                                                           qtbot):
    window.controller.open_document(1)
    label_span(window, qtbot, "Serra Verde", Qt.Key.Key_2)  # ORG
    dialog = open_dialog(window, qtbot)
    edit_cell(qtbot, dialog, "ORG", NAME, "COMPANY")
    qtbot.waitUntil(lambda: "Renamed ORG to COMPANY (1 span in 1 document)" in message(dialog))
    with open_store(project) as store:
        assert [s.label for s in store.spans.of(1)] == ["COMPANY"]
        assert store.labels.names("entity")[1] == "COMPANY"
    assert [s.label for s in window.editor.spans()] == ["COMPANY"]
    action = window.findChild(QAction, "label:COMPANY")
    assert action is not None and action.shortcut() == QKeySequence("2")
    assert window.findChild(QAction, "label:ORG") is None
    close_dialog(window, dialog, qtbot)
    label_span(window, qtbot, "Brazil", Qt.Key.Key_2)  # the same window edits on at once
    with open_store(project) as store:
        assert [s.label for s in store.spans.of(1)] == ["COMPANY", "COMPANY"]


def test_recolour_through_the_colour_dialog_repaints_the_window(window, project, qtbot):
    dialog = open_dialog(window, qtbot)
    table = dialog.current_table()
    table.setCurrentCell(table.row_of("GPE"), NAME)
    dialog.findChild(QPushButton, "recolourLabel").click()
    colours = dialog.findChild(QColorDialog, "labelColourDialog")
    assert colours is not None and colours.isVisible()
    colours.setCurrentColor(QColor("#123abc"))
    colours.accept()
    assert message(dialog) == "GPE is now #123abc"
    with open_store(project) as store:
        assert store.labels.get("entity", "GPE").colour == "#123abc"
    assert window.editor.entity_colours()["GPE"] == "#123abc"


def test_rekey_binds_the_new_key_and_refuses_a_key_a_command_or_label_has(window, project,
                                                                         qtbot):
    dialog = open_dialog(window, qtbot)
    edit_cell(qtbot, dialog, "LOC", KEY, "q")
    qtbot.waitUntil(lambda: "LOC now has key Q" in message(dialog))
    assert window.findChild(QAction, "label:LOC").shortcut() == QKeySequence("Q")
    edit_cell(qtbot, dialog, "LOC", KEY, "A")
    qtbot.waitUntil(lambda: "Not changed: A is the key of Accept" in message(dialog))
    edit_cell(qtbot, dialog, "LOC", KEY, "1")
    qtbot.waitUntil(lambda: "already the key of entity label 'PERSON'" in message(dialog))
    with open_store(project) as store:
        assert store.labels.get("entity", "LOC").key == "Q"
    close_dialog(window, dialog, qtbot)
    window.controller.open_document(1)
    label_span(window, qtbot, "Brazil", Qt.Key.Key_Q)
    with open_store(project) as store:
        assert [s.label for s in store.spans.of(1)] == ["LOC"]


def test_deleting_a_label_with_spans_asks_first_and_says_how_many_go(window, project, qtbot):
    window.controller.open_document(1)
    label_span(window, qtbot, "Serra Verde", Qt.Key.Key_2)
    label_span(window, qtbot, "Marina Costa", Qt.Key.Key_1)
    window.controller.open_document(3)
    label_span(window, qtbot, "Zoë Müller", Qt.Key.Key_1)
    dialog = open_dialog(window, qtbot)
    table = dialog.current_table()
    table.setCurrentCell(table.row_of("PERSON"), NAME)
    dialog.findChild(QPushButton, "deleteLabel").click()
    box = dialog.findChild(QMessageBox, "confirmDeleteLabel")
    assert box is not None and box.isVisible()
    assert "2 spans in 2 documents will be deleted too" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    with open_store(project) as store:
        assert "PERSON" in store.labels.names("entity")
    dialog.findChild(QPushButton, "deleteLabel").click()
    box = dialog.findChild(QMessageBox, "confirmDeleteLabel")
    box.findChild(QPushButton, "confirmDelete").click()
    assert "Deleted entity label PERSON and its 2 spans in 2 documents" in message(dialog)
    with open_store(project) as store:
        assert "PERSON" not in store.labels.names("entity")
        assert [s.label for s in store.spans.of(1)] == ["ORG"]
        assert [s.label for s in store.spans.of(3) if s.label == "PERSON"] == []
    assert window.findChild(QAction, "label:PERSON") is None
    assert [s.label for s in window.editor.spans()] == ["GPE"]  # doc 3 keeps its suggestion


def test_deleting_an_unused_label_needs_no_question_and_section_labels_are_edited_too(
        window, project, qtbot):
    dialog = open_dialog(window, qtbot)
    dialog.tabs.setCurrentIndex(1)
    assert dialog.current_kind() == LabelKind.SECTION
    field = dialog.findChild(QLineEdit, "newLabelName")
    qtbot.keyClicks(field, "headline")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "Added section label headline (key Ctrl+5)" in message(dialog)
    assert window.findChild(QAction, "section:headline").shortcut() == QKeySequence("Ctrl+5")
    table = dialog.current_table()
    table.setCurrentCell(table.row_of("related_links"), NAME)
    dialog.findChild(QPushButton, "deleteLabel").click()
    assert dialog.findChild(QMessageBox, "confirmDeleteLabel") is None
    assert window.findChild(QAction, "section:related_links") is None
    with open_store(project) as store:
        assert store.labels.names("section") == ["boilerplate", "body", "byline", "headline"]


def test_a_label_key_that_a_command_has_is_left_unbound_and_said(window, project, qtbot):
    """A project file re-keyed outside the window (``annotator labels rekey``) may give a label
    a command's key: the command keeps it."""
    window.store.labels.rekey("entity", "NORP", "U")
    window.controller.emit_changes(Changes(labels=True))
    assert window.findChild(QAction, "label:NORP").shortcut().isEmpty()
    assert ("Key U of label NORP is the key of Next unfinished"
            in window.statusBar().currentMessage())
    assert window.controller.doc.id == 1
    qtbot.keyClick(window.findChild(QTextEdit, "annotationView"), Qt.Key.Key_U)
    assert window.controller.doc.id == 2  # U still goes to the next unfinished document


def test_the_window_menus_do_not_pile_up_when_the_label_set_changes(window, qtbot):
    for colour in ("#111111", "#222222", "#333333"):
        window.store.labels.recolour("entity", "ORG", colour)
        window.controller.emit_changes(Changes(labels=True))
    qtbot.wait(10)  # deferred deletes run
    assert len(window.menuBar().findChildren(
        QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly)) == len(window.menuBar()
                                                                          .actions())


def test_a_project_that_cannot_be_written_refuses_label_changes_with_the_reason(window,
                                                                              project, qtbot):
    """A project opened read-only (made by a newer annotator, on read-only media): every change
    says why it was not made, and the label set stays as it was."""
    from annotator.store import open_store as open_project_store

    with open_project_store(project, read_only=True) as frozen:
        dialog = LabelsDialog(window, frozen, {})
        qtbot.addWidget(dialog)
        dialog.new_name.setText("COMMODITY")
        dialog.add_label()
        assert message(dialog).startswith("Not changed: ")
        dialog.rename(LabelKind.ENTITY, "ORG", "COMPANY")
        assert message(dialog).startswith("Not changed: ")
        dialog.delete(LabelKind.ENTITY, "MONEY")
        assert message(dialog).startswith("Not changed: ")
        dialog.close()
    with open_store(project) as store:
        assert store.labels.names("entity")[1] == "ORG"
        assert "COMMODITY" not in store.labels.names("entity")
        assert "MONEY" in store.labels.names("entity")


def test_return_in_the_new_name_adds_the_label_and_leaves_the_dialog_open(window, qtbot):
    dialog = open_dialog(window, qtbot)
    field = dialog.findChild(QLineEdit, "newLabelName")
    qtbot.keyClicks(field, "COMMODITY")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "Added" in message(dialog)
    assert dialog.isVisible()  # Close was the auto-default button and took the Return too


def test_the_used_by_column_still_fills_the_table_after_a_label_is_added(window, qtbot):
    """Reloading the table sized every column to its text, the stretched one too, and "Used
    by" stopped at its text's width, leaving a blank band (seen in a fresh-clone run)."""
    from annotator.ui.labels_dialog import USED

    dialog = open_dialog(window, qtbot)
    table = dialog.findChild(QTableWidget, "entityLabels")
    field = dialog.findChild(QLineEdit, "newLabelName")
    qtbot.keyClicks(field, "COMMODITY")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionViewportPosition(USED) + header.sectionSize(USED)
                    >= table.viewport().width() - 1)
