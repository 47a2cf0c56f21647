"""Small things a new user hit: the span list scrolled as the last document was, the header
saying "new" after Apply suggestions, invisible radio buttons in dark mode, and an export
named as a hidden file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
)

from annotator.domain import NewDocument, Span, Status
from annotator.store import open_store
from annotator.ui.dialogs import ExportDialog
from annotator.ui.theme import set_dark

WORDS = ["Oslo", "Bergen", "Tromsø", "Bodø", "Ålesund", "Stavanger"]


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def open_window(path: Path, qtbot, size=(1024, 700)):
    from annotator.ui.app import main_window

    window = main_window(path)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.editor.setFocus()
    return window


# -- the span list starts at the top of each document ------------------------------------------


@pytest.fixture
def many_spans(tmp_path: Path) -> Path:
    """Two articles with 80 place names each, every one a span."""
    path = tmp_path / "places.db"
    docs = []
    for n in range(2):
        names = [f"{WORDS[(i + n) % len(WORDS)]}{i}" for i in range(80)]
        text = f"Article {n}: " + ", ".join(names) + "."
        doc = NewDocument(text=text, source=f"places-{n}.txt")
        doc.spans = [Span(text.index(name), text.index(name) + len(name), "GPE", "human", "me")
                     for name in names]
        docs.append(doc)
    with open_store(path) as store:
        store.documents.add(docs)
    return path


def wheel(widget, notches: int) -> None:
    """Turn the mouse wheel over ``widget`` (negative: scroll down)."""
    centre = QPointF(widget.rect().center())
    for _ in range(abs(notches)):
        event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                            QPoint(0, 120 if notches > 0 else -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(widget, event)


def top_row_text(view) -> str:
    return view.indexAt(QPoint(4, 2)).siblingAtColumn(1).data()


def test_the_span_list_of_the_next_document_starts_at_its_top(many_spans, qtbot):
    window = open_window(many_spans, qtbot)
    spans = window.side.span_list
    wheel(spans.viewport(), -40)
    assert spans.verticalScrollBar().value() > 0
    assert top_row_text(spans) != "Oslo0"  # the person scrolled down the first list
    press(qtbot, Qt.Key.Key_N)  # next document
    assert window.controller.doc.id == 2
    assert spans.verticalScrollBar().value() == 0
    assert top_row_text(spans) == "Bergen0"  # its first span, at the top
    window.close()


# -- the header follows the status, whatever changes it ---------------------------------------


def header_status(window) -> str:
    """The status word of the header "#3  ·  in progress  ·  article-2.txt"."""
    return window.doc_header.text().split("·")[1].strip()


def stored_status(path: Path, doc_id: int) -> Status:
    with open_store(path) as store:
        return store.documents.get(doc_id).status


def assert_header_matches_store(window, path: Path, expected: Status) -> None:
    doc_id = window.controller.doc.id
    assert stored_status(path, doc_id) == expected
    shown = expected.value.replace("_", " ")
    assert header_status(window) == shown
    row = window.list_model.find_row(doc_id)
    assert window.list_model.index(row, 1).data() == shown  # the list says the same


def test_the_header_follows_the_status_whatever_changes_it(window, project, qtbot):
    editor = window.editor
    window.go_row(2)  # new, with a GPE suggestion on Zürich
    editor.setFocus()
    assert_header_matches_store(window, project, Status.NEW)
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Apply suggestions
    assert window.controller.spans[0].confirmed
    assert_header_matches_store(window, project, Status.IN_PROGRESS)

    window.go_row(0)
    editor.setFocus()
    assert_header_matches_store(window, project, Status.NEW)
    editor.select_range(2, 2)
    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # a section tag
    assert_header_matches_store(window, project, Status.IN_PROGRESS)

    window.go_row(1)
    editor.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # skip: on to the next unfinished document
    window.go_row(1)
    editor.setFocus()
    assert_header_matches_store(window, project, Status.SKIPPED)
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the skip
    assert_header_matches_store(window, project, Status.NEW)
    # the counts are read in the background (a GROUP BY over every document)
    qtbot.waitUntil(lambda: "0 of 3 finished" in window.counts.text(), timeout=5000)


# -- radio buttons can be seen in both palettes -------------------------------------------------


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio (1 to 21); 3 is the least for the parts of a control."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def indicator_rect(radio: QRadioButton) -> QRect:
    """Where the style draws the radio's circle (not its text), in the radio's coordinates."""
    option = QStyleOptionButton()
    option.initFrom(radio)
    return radio.style().subElementRect(QStyle.SubElement.SE_RadioButtonIndicator, option, radio)


@pytest.mark.parametrize("dark", [False, True])
def test_the_export_dialog_radio_buttons_can_be_seen_in_both_palettes(
        window, qtbot, tmp_path, dark):
    try:
        set_dark(dark)
        window.editor.setFocus()
        press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        dialog = window.findChild(ExportDialog, "exportDialog")
        qtbot.waitExposed(dialog)
        image = dialog.grab().toImage()
        image.save(str(tmp_path / f"export-{'dark' if dark else 'light'}.png"))
        background = dialog.palette().color(dialog.backgroundRole())
        radios = dialog.findChildren(QRadioButton)
        assert [r.isChecked() for r in radios] == [True, False]
        for radio in radios:
            box = indicator_rect(radio).translated(radio.mapTo(dialog, QPoint(0, 0)))
            ring = [image.pixelColor(x, y) for x in range(box.left(), box.right() + 1)
                    for y in range(box.top(), box.bottom() + 1)]
            best = max(contrast(c, background) for c in ring)
            assert best >= 3.0, f"{radio.text()}: indicator contrast {best:.2f} in " \
                                f"{'dark' if dark else 'light'}"
        dialog.close()
    finally:
        set_dark(False)


# -- the default export name is not a hidden file ------------------------------------------------


def test_the_default_export_of_a_dot_named_project_is_not_a_hidden_file(tmp_path, qtbot):
    path = tmp_path / ".sample-project.db"
    with open_store(path) as store:
        docs = [NewDocument(text=f"Article {i} about Oslo.", source=f"{i}.txt") for i in range(3)]
        store.documents.add(docs)
        store.documents.set_status(1, Status.ACCEPTED)
    window = open_window(path, qtbot)
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ExportDialog, "exportDialog")
    qtbot.waitExposed(dialog)
    field = dialog.findChild(QLineEdit, "exportPath")
    out = Path(field.text())
    assert out == tmp_path / "sample-project-export.jsonl"

    formats = dialog.findChild(QComboBox, "exportFormat")
    formats.setFocus()
    conll = formats.findData("conll")
    while formats.currentIndex() != conll:
        qtbot.keyClick(formats, Qt.Key.Key_Down if formats.currentIndex() < conll
                       else Qt.Key.Key_Up)
    assert Path(field.text()).name == "sample-project-export.conll"
    while formats.currentData() != "doccano":
        qtbot.keyClick(formats, Qt.Key.Key_Up if formats.currentIndex() > 0 else Qt.Key.Key_Down)
    assert Path(field.text()) == out

    everything = next(r for r in dialog.findChildren(QRadioButton) if r.text().startswith("All"))
    qtbot.mouseClick(everything, Qt.MouseButton.LeftButton)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.worker.finished, timeout=10_000):
        pass
    assert out.is_file() and not out.name.startswith(".")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["text"] for r in lines) == [f"Article {i} about Oslo." for i in range(3)]
    window.close()


def test_export_asks_before_replacing_a_file_it_did_not_write(tmp_path, qtbot):
    """The tester's case: ``news.db`` imported from ``news.jsonl`` proposed ``news.jsonl`` and
    replaced it. Now the default is ``news-export.jsonl``, and an existing file is replaced only
    when the person says yes."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "news.db"
    source = tmp_path / "news.jsonl"
    source.write_text('{"text": "One."}\n')
    with open_store(path) as store:
        store.documents.add([NewDocument(text="One.", source="news.jsonl")])
        store.documents.set_status(1, Status.ACCEPTED)
    window = open_window(path, qtbot)
    dialog = window.ask_export()
    assert Path(dialog.choice()[0]) == tmp_path / "news-export.jsonl"
    dialog.findChild(QLineEdit, "exportPath").setText(str(source))
    answers = []

    def answer(button) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):  # not asked yet: look again
            QTimer.singleShot(50, lambda: answer(button))
            return
        answers.append(box.text())
        box.button(button).click()

    QTimer.singleShot(50, lambda: answer(QMessageBox.StandardButton.No))
    dialog.accept()
    assert dialog.isVisible() and source.read_text() == '{"text": "One."}\n'
    QTimer.singleShot(50, lambda: answer(QMessageBox.StandardButton.Yes))
    dialog.accept()
    assert not dialog.isVisible()
    assert len(answers) == 2 and str(source) in answers[0]
    qtbot.waitUntil(lambda: window.worker is None, timeout=20_000)
    assert json.loads(source.read_text().splitlines()[0])["text"] == "One."
    window.close()
