"""Search inside the article: Ctrl+F opens a find bar, Enter / Shift+Enter / F3 move between
matches, Escape closes it and leaves the match selected for a label key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from annotator.domain import Status
from annotator.store import open_store
from annotator.ui.dialogs import ShortcutsDialog
from annotator.ui.find_bar import find_all


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key to whatever has the focus, as the keyboard delivers it."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def test_find_all_ignores_case_and_counts_code_points():
    text = "Storm 🌀 hits Brest; BREST shelters"
    assert find_all(text, "brest") == [(13, 18), (20, 25)]
    assert text[13:18] == "Brest"
    assert find_all(text, "  ") == [] and find_all(text, "") == []
    assert find_all("a.b axb", ".") == [(1, 2)]  # the query is text, not a pattern


def test_ctrl_f_finds_in_the_article_and_escape_leaves_the_match_to_label(
        window, project, qtbot):
    window.go_row(1)  # "Storm 🌀 hits 🇫🇷 coast\nForecasters at Météo-France warned Brest ..."
    editor = window.editor
    text = window.controller.doc.text
    editor.setFocus()
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.findChild(QWidget, "findBar")
    field = window.findChild(QLineEdit, "findText")
    assert bar.isVisible() and QApplication.focusWidget() is field

    qtbot.keyClicks(field, "fOReCasters")  # case ignored; keys go to the field, not commands
    start = text.index("Forecasters")
    assert editor.selection_range() == (start, start + len("Forecasters"))
    assert window.findChild(QLabel, "findCount").text() == "1 of 1"
    assert len(editor.extraSelections()) == 1  # the match is highlighted

    field.selectAll()
    qtbot.keyClicks(field, "r")  # "r" is in "Storm", "Forecasters", "warned", "Brest"...
    matches = find_all(text, "r")
    assert len(editor.extraSelections()) == len(matches)
    first = editor.selection_range()
    press(qtbot, Qt.Key.Key_Return)
    second = editor.selection_range()
    assert second[0] > first[0] and second in matches
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.selection_range() == first
    press(qtbot, Qt.Key.Key_F3)
    assert editor.selection_range() == second
    press(qtbot, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert editor.selection_range() == first

    field.selectAll()
    qtbot.keyClicks(field, "brest")
    brest = text.index("Brest")  # after an emoji and a flag: code points, not UTF-16 units
    assert editor.selection_range() == (brest, brest + 5)
    press(qtbot, Qt.Key.Key_Escape)
    assert not bar.isVisible() and QApplication.focusWidget() is editor
    assert editor.extraSelections() == []
    assert editor.selection_range() == (brest, brest + 5)
    press(qtbot, Qt.Key.Key_3)  # GPE on the match
    with open_store(project) as store:
        assert [(s.start, s.end, s.label) for s in store.spans.of(2)] == [
            (brest, brest + 5, "GPE")]
        assert store.documents.get(2).status == Status.IN_PROGRESS  # nothing else was triggered


def test_a_search_with_no_match_says_so_and_f3_wraps_round(window, qtbot):
    window.go_row(0)  # "... Serra Verde halts mine ... Serra Verde to stop work ..."
    editor = window.editor
    text = window.controller.doc.text
    editor.setFocus()
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    field = window.findChild(QLineEdit, "findText")
    qtbot.keyClicks(field, "zanzibar")  # "z" went to the z of "Brazil" on the way
    assert window.findChild(QLabel, "findCount").text() == "No matches"
    assert editor.extraSelections() == []
    assert editor.selection_range()[0] == text.index("Brazil") + 3
    field.selectAll()
    qtbot.keyClicks(field, "serra")
    a, b = find_all(text, "serra")
    assert editor.selection_range() == b  # the first match from where the search stands
    assert window.findChild(QLabel, "findCount").text() == "2 of 2"
    press(qtbot, Qt.Key.Key_F3)  # past the last match: back to the first
    assert editor.selection_range() == a
    assert window.findChild(QLabel, "findCount").text() == "1 of 2"


def test_the_find_bar_searches_the_next_document_when_it_opens(window, qtbot):
    window.go_row(0)
    window.editor.setFocus()
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.findChild(QLineEdit, "findText"), "w")
    assert window.findChild(QLabel, "findCount").text() == "1 of 1"  # "work"
    window.go_row(2)  # "Zoë Müller wins prize\nThe café owner Zoë Müller won in Zürich."
    assert window.findChild(QLabel, "findCount").text() == "3 found"
    assert len(window.editor.extraSelections()) == 3


def test_ctrl_shift_f_filters_documents_and_f1_lists_both_keys(window, qtbot):
    window.editor.setFocus()
    press(qtbot, Qt.Key.Key_F,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.findChild(QLineEdit, "textFilter")
    assert not window.findChild(QWidget, "findBar").isVisible()
    press(qtbot, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    table = dialog.findChild(QWidget, "shortcutTable")
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert "article" in rows["Ctrl+F"]
    assert "document list" in rows["Ctrl+Shift+F"]
    assert rows["F3, Ctrl+G"].startswith("Select the next match")
    dialog.close()
