"""Qt positions are UTF-16 code units; the store's are code points. The view converts, so what a
person selects is exactly the Python substring, whatever characters come before it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor

from annotator.ui.editor import AnnotationView
from annotator.ui.offsets import OffsetMap

TEXTS = {
    "emoji": "Storm 🌀🌀 hits: Météo-France warns",
    "flag": "France 🇫🇷 and Japan 🇯🇵: Emmanuel Macron met Fumio Kishida",
    "combining": "Zoe\u0308 Mu\u0308ller (NFD) met Jose\u0301 in Sa\u0303o Paulo",
    "cjk": "東京 (Tokyo) 😀 and 北京: 習近平 met 岸田文雄 in 𠮷野家",
    "newlines": "line one 🙂\n\n🙂 line two with Serra Verde\nend",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_offset_map_round_trips_every_position(name):
    """Every code point offset maps to a UTF-16 position and back to itself."""
    text = TEXTS[name]
    omap = OffsetMap(text)
    utf16 = text.encode("utf-16-le")
    for cp in range(len(text) + 1):
        u = omap.to_qt(cp)
        assert u == len(text[:cp].encode("utf-16-le")) // 2
        assert omap.from_qt(u) == cp
    assert omap.to_qt(len(text)) == len(utf16) // 2


def test_a_position_inside_a_surrogate_pair_snaps_to_the_character_start():
    omap = OffsetMap("a😀b")
    assert [omap.from_qt(u) for u in range(5)] == [0, 1, 1, 2, 3]


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_the_view_selects_exactly_the_python_substring(qtbot, name):
    """select_range (code points) selects in Qt the same characters Python slices, and
    selection_range reads them back unchanged, for every word of the text."""
    text = TEXTS[name]
    view = AnnotationView()
    qtbot.addWidget(view)
    view.show_document(text, [], [])
    for word in text.replace("\n", " ").split():
        start = text.index(word)
        view.select_range(start, start + len(word))
        selected = view.textCursor().selectedText().replace("\u2029", "\n")
        assert selected == word
        assert view.selection_range() == (start, start + len(word))


def test_a_qt_selection_after_emoji_reads_back_as_code_points(qtbot):
    """A selection made in Qt's own positions (as a mouse or keys make it) comes out in code
    points: the store never sees UTF-16 offsets."""
    text = TEXTS["flag"]
    view = AnnotationView()
    qtbot.addWidget(view)
    view.show_document(text, [], [])
    qt_text = view.toPlainText()
    qt_start = qt_text.index("Emmanuel") + len("🇫🇷🇯🇵")  # Qt counts each flag letter twice
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_start)
    cursor.setPosition(qt_start + len("Emmanuel Macron"), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    start, end = view.selection_range()
    assert text[start:end] == "Emmanuel Macron"
