"""The curation view in the real window, offscreen: a merged project's disagreement shows its
alternatives and who chose each; Alt+N takes one, Alt+0 keeps the curator's edit, D goes to the
next, Ctrl+Z undoes; Curation > Agreement report shows the figures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QTableWidget

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from team_projects import team  # noqa: E402

from annotator.services.merging import merge  # noqa: E402
from annotator.store import open_store  # noqa: E402


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    path = tmp_path / "gold.db"
    with open_store(path) as store:
        merge(store, team(tmp_path))
    return path


def bar_text(window) -> list[str]:
    bar = window.curation_bar
    return [label.text() for label in bar.findChildren(QLabel) if label.isVisibleTo(bar)]


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the person presses it: window shortcuts need the window active."""
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.editor, key, modifier)


def test_a_disagreement_shows_who_chose_what_and_keys_settle_it(merged, open_window, qtbot):
    window = open_window(merged)
    qtbot.waitUntil(lambda: window.open_in_project() is not None)  # counted on the event loop
    window.go_row(0)
    bar = window.curation_bar
    assert bar.isVisible()
    shown = " ".join(bar_text(window))
    assert "Disagreement 1 of 3 in this document (3 open; 6 open in the project)" in shown
    assert "entity “Emmanuel Macron”" in shown
    for alternative in ("ORG “Emmanuel Macron”", "PERSON “Macron”",
                        "PERSON “Emmanuel Macron”"):
        assert alternative in shown
    assert "chosen by bob" in shown and "chosen by maria" in shown
    press(qtbot, window, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # maria's
    spans = [(s.start, s.end, s.label) for s in window.controller.spans]
    assert spans == [(0, 13, "PERSON"), (18, 33, "PERSON")]
    assert "settled" in bar.headline.text() and "took maria’s" in bar.headline.text()
    assert "5 open in the project" in bar.headline.text()
    press(qtbot, window, Qt.Key.Key_D)  # on to Berlin
    assert bar.current.describe(window.controller.doc.text) == "entity “Berlin”"
    assert window.editor.selection_range() == (37, 43)
    press(qtbot, window, Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)  # keep: nothing there
    assert [s.start for s in window.controller.spans] == [0, 18]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    headline = bar.headline.text()
    assert headline.endswith("<b>open</b>") and "5 open in the project" in headline
    for _ in range(2):  # the third line here, then on to the next document
        press(qtbot, window, Qt.Key.Key_D)
    assert window.controller.doc.id == 2 and bar.current.start == 24
    assert window.grab().save(str(merged.with_name("curation-window.png")))  # to look at


def test_the_agreement_report_lists_the_figures(merged, open_window, qtbot):
    window = open_window(merged)
    window.findChild(QAction, "agreement").trigger()
    dialog = window.findChild(QTableWidget, "agreement-entities").window()
    assert "bob, carol, maria" in dialog.findChild(QLabel, "agreementSummary").text()
    group = dialog.findChild(QTableWidget, "agreement-group")
    assert [group.item(0, c).text() for c in range(5)] == ["all", "9", "0.789", "9", "0.797"]
    where = dialog.findChild(QTableWidget, "agreement-differences")
    assert where.rowCount() == 6
    assert dialog.grab().save(str(merged.with_name("agreement-dialog.png")))
    folder = merged.parent
    dialog.compare_files([folder / "maria.db", folder / "carol.db"])  # Compare project files…
    summary = dialog.findChild(QLabel, "agreementSummary").text()
    assert summary.startswith("maria.db, carol.db: carol, maria; 3 documents")
    assert where.rowCount() == 2  # carol and maria differ on Macron and on Japan only
    dialog.close()
