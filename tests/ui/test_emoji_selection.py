"""An Alt-drag (exact characters, no token snapping) next to emoji, through the real window with
the mouse (tester's defect 2): the selection, the stored span and the exported span are whole
characters as shown, without the whitespace, zero-width spaces or joiners a drag picks up at its
edges; an emoji the drag covers whole stays (the person picked it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.services.exporting import export
from annotator.store import open_store

FAMILY = "👨\u200d👩\u200d👧"
TEXT = f"Fans {FAMILY} \u200bParis\u200b 🇫🇷 \u200dcheered 👍🏽 loudly"


@pytest.fixture
def project(one_article) -> Path:
    """A project with one article (overrides the conftest's three)."""
    return one_article(TEXT, "emoji.txt")


def alt_drag(qtbot, editor, start: int, end: int) -> tuple[int, int]:
    """Press with Alt held at the caret line before ``start``, move to the one before ``end``
    and release, as a person Alt-drags the mouse; returns the selection Qt made before the
    release."""
    a, b = editor.point_of(start), editor.point_of(end)
    a.setX(a.x() - 2)
    b.setX(b.x() - 2)
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.mousePress(editor.viewport(), Qt.MouseButton.LeftButton, alt, pos=a)
    qtbot.mouseMove(editor.viewport(), pos=QPoint((a.x() + b.x()) // 2, b.y()))
    qtbot.mouseMove(editor.viewport(), pos=b)
    dragged = editor.selection_range()
    qtbot.mouseRelease(editor.viewport(), Qt.MouseButton.LeftButton, alt, pos=b)
    return dragged


def stored(project: Path) -> list[tuple[str, str]]:
    with open_store(project) as store:
        return [(TEXT[s.start:s.end], s.label) for s in store.spans.of(1)]


def exported(project: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "out.jsonl"
    with open_store(project) as store:
        export(store, "doccano", out, include_all=True)
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [record["text"][a:b] for a, b, _ in record["label"]]


def test_an_alt_drag_from_the_emoji_to_the_flag_labels_only_paris(window, project, qtbot,
                                                                   tmp_path):
    editor = window.editor
    start, end = TEXT.index(FAMILY) + len(FAMILY), TEXT.index("🇫🇷")  # " \u200bParis\u200b "
    assert alt_drag(qtbot, editor, start, end) == (start, end)  # the drag took the edges
    paris = TEXT.index("Paris")
    assert editor.selection_range() == (paris, paris + len("Paris"))  # shown trimmed on release
    qtbot.keyClick(editor, Qt.Key.Key_3)  # GPE
    assert stored(project) == [("Paris", "GPE")]
    assert exported(project, tmp_path) == ["Paris"]


def test_an_alt_drag_over_a_whole_emoji_keeps_it_without_the_joiner_after_it(window, project,
                                                                             qtbot, tmp_path):
    editor = window.editor
    flag = TEXT.index("🇫🇷")
    dragged = alt_drag(qtbot, editor, flag, TEXT.index("cheered"))
    assert dragged == (flag, TEXT.index("cheered"))  # "🇫🇷 \u200d"
    assert editor.selection_range() == (flag, flag + len("🇫🇷"))
    qtbot.keyClick(editor, Qt.Key.Key_3)
    assert stored(project) == [("🇫🇷", "GPE")]
    assert exported(project, tmp_path) == ["🇫🇷"]

