"""The status filter of the document list, chosen through the real combo box (which hands back
plain strings under PySide6 6.11), and the text filter after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableView

from annotator.domain import NewDocument, Status
from annotator.store import open_store
from annotator.ui.document_list import STATUS_TEXT

TOWNS = ["Perth", "Brest", "Porto", "Cork"]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Three documents in each status; one of each is from Tromsø, so a text filter cuts
    across them."""
    path = tmp_path / "mixed.db"
    docs = []
    for i, status in enumerate(Status):
        for j in range(3):
            town = "Tromsø" if j == 1 else TOWNS[(i + j) % len(TOWNS)]
            doc = NewDocument(text=f"{status.value} story {j} from {town}\nBody text.",
                              source=f"{status.value}-{j}.txt")
            doc.status = status
            docs.append(doc)
    with open_store(path) as store:
        store.documents.add(docs)
    return path


@pytest.fixture
def mixed_window(mixed: Path, open_window):
    return open_window(mixed)


def choose_with_mouse(qtbot, combo: QComboBox, text: str) -> None:
    """Open the combo's popup with a click and click the item, as a person does."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    # A release sooner than a double-click after the popup opened is taken as the end of the
    # click that opened it, and ignored: a person is never that quick.
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    row = combo.findText(text)
    assert row >= 0, text
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=2000)
    assert combo.currentText() == text


def shown_rows(window) -> list[tuple[str, str]]:
    """(title, status text) of every row the list shows."""
    view = window.findChild(QTableView, "documentList")
    model = view.model()
    return [(model.index(r, 0).data(), model.index(r, 1).data())
            for r in range(model.rowCount())]


def stored(path: Path, status: Status | None, text: str = "") -> list[str]:
    """Titles the database holds for a filter, computed without the list model."""
    with open_store(path) as store:
        titles = []
        for batch in store.documents.iter():
            for doc in batch:
                if (status is None or doc.status == status) and text.lower() in doc.text.lower():
                    titles.append(doc.text.split("\n")[0])
        return titles


@pytest.mark.parametrize("status", [None, *Status])
def test_every_status_in_the_combo_box_filters_the_list_then_the_text_filter_still_works(
        mixed_window, mixed, qtbot, status):
    window = mixed_window
    combo = window.findChild(QComboBox, "statusFilter")
    label = "All" if status is None else STATUS_TEXT[status].capitalize()
    choose_with_mouse(qtbot, combo, label)
    rows = shown_rows(window)
    assert [title for title, _ in rows] == stored(mixed, status)
    if status is not None:
        assert {shown for _, shown in rows} == {STATUS_TEXT[status]}
        assert window.controller.doc.status == status  # the open document is one of them
    assert window.controller.doc.text.split("\n")[0] in [title for title, _ in rows]

    search = window.findChild(QLineEdit, "textFilter")
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(search, "tromsø")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    expected = stored(mixed, status, "tromsø")
    assert expected, "the fixture has a Tromsø story in every status"
    assert [title for title, _ in shown_rows(window)] == expected

    search.clear()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert [title for title, _ in shown_rows(window)] == stored(mixed, status)


def test_the_status_filter_follows_the_keyboard_too(mixed_window, mixed, qtbot):
    combo = mixed_window.findChild(QComboBox, "statusFilter")
    combo.setFocus()
    for status in Status:  # Down moves to the next status, in the combo's order
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentText() == STATUS_TEXT[status].capitalize()
        assert [t for t, _ in shown_rows(mixed_window)] == stored(mixed, status)


def test_the_store_refuses_a_status_that_is_not_a_status(mixed):
    """The boundary: a plain string is a programming error, reported as such, not a filter
    that silently matches nothing."""
    with open_store(mixed) as store:
        with pytest.raises(TypeError, match="Status"):
            store.documents.count("accepted")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="Status"):
            store.documents.page(0, 10, "accepted")  # type: ignore[arg-type]
        assert store.documents.count(Status.ACCEPTED) == 3
