"""Search inside the article: a bar under the text (Ctrl+F) that highlights every match and
selects one at a time (Enter / F3 next, Shift+Enter / Shift+F3 previous, Escape closes).

The match it selects is an ordinary selection in the article, so a label key labels it: find
"Lumen", Escape, 2 makes it an ORG. Matching ignores case; offsets are code points, like
everything the editor takes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

from annotator.ui.theme import is_dark

if TYPE_CHECKING:
    from annotator.ui.editor import AnnotationView

MAX_HIGHLIGHTS = 2000  # beyond this, matches are counted and visited but not all painted


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Non-overlapping case-insensitive matches of ``query`` in ``text`` as (start, end)
    code-point offsets, in order; none for an empty or all-space query."""
    if not query.strip():
        return []
    return [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


class FindBar(QWidget):
    """Hidden until opened; follows the article's text through :meth:`text_changed`."""

    def __init__(self, editor: AnnotationView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.setAccessibleName("Find in article")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the stylesheet paints it
        self.editor = editor
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self.field = QLineEdit(self)
        self.field.setObjectName("findText")
        self.field.setAccessibleName("Text to find in the article")
        self.field.setPlaceholderText("Find in article")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("findCount")
        self.count.setAccessibleName("Matches")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 4, 8, 4)
        layout.setSpacing(4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        for name, text, tip, slot in (
                ("findPrevious", "↑", "Previous match (Shift+Enter, Shift+F3)", self.previous),
                ("findNext", "↓", "Next match (Enter, F3)", self.next),
                ("findClose", "✕", "Close (Escape)", self.close_bar)):
            button = QToolButton(self)
            button.setObjectName(name)
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.field.textChanged.connect(self._on_query_changed)
        self.hide()

    # -- opening and closing -----------------------------------------------------------------

    def open_bar(self) -> None:
        """Show and focus the bar; a selection in the article becomes the query."""
        start, end = self.editor.selection_range()
        selected = self.editor.text()[start:end] if end > start else ""
        if selected and "\n" not in selected:
            self.field.setText(selected)
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self._search(select=False)

    def close_bar(self) -> None:
        """Hide, drop the highlights, give the article the focus (the match stays selected)."""
        self.hide()
        self._highlight([])
        self.editor.setFocus()

    # -- moving between matches -----------------------------------------------------------------

    def next(self) -> None:
        self._step(1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        if not self.isVisible():
            self.open_bar()
        if not self.matches:
            return
        if self.current < 0:
            self.current = self._first_from_cursor() if direction > 0 else \
                self._first_from_cursor() - 1
        else:
            self.current += direction
        self.current %= len(self.matches)
        self._select_current()

    def text_changed(self) -> None:
        """Another document is shown: search it again from its top."""
        if self.isVisible():
            self._search(select=False)

    # -- internals ---------------------------------------------------------------------------------

    def _on_query_changed(self, _text: str) -> None:
        self._search(select=True)

    def _search(self, select: bool) -> None:
        """Find every match; with ``select``, go to the first one from the cursor on (typing
        moves through the text as it narrows, as in a browser)."""
        self.matches = find_all(self.editor.text(), self.field.text())
        self.current = -1
        self._highlight(self.matches[:MAX_HIGHLIGHTS])
        if select and self.matches:
            self.current = self._first_from_cursor() % len(self.matches)
            self._select_current()
        else:
            self._show_count()

    def _highlight(self, ranges: list[tuple[int, int]]) -> None:
        """Matches get a translucent amber behind the text, over any span; [] clears them."""
        colour = QColor("#f5b800")
        colour.setAlphaF(0.45 if is_dark(self.editor.palette()) else 0.55)
        selections = []
        for start, end in ranges:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self.editor.text_cursor(start, end)
            selection.format.setBackground(colour)
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def _first_from_cursor(self) -> int:
        start, _end = self.editor.selection_range()
        return bisect_left(self.matches, (start, -1))

    def _select_current(self) -> None:
        start, end = self.matches[self.current]
        self.editor.select_range(start, end)
        self._show_count()

    def _show_count(self) -> None:
        query = self.field.text()
        if not query.strip():
            text = ""
        elif not self.matches:
            text = "No matches"
        elif self.current < 0:
            text = f"{len(self.matches)} found"
        else:
            text = f"{self.current + 1} of {len(self.matches)}"
        self.count.setText(text)
        self.field.setProperty("notFound", bool(query.strip()) and not self.matches)
        self.field.style().unpolish(self.field)
        self.field.style().polish(self.field)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_bar()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous()
            else:
                self.next()
        else:
            super().keyPressEvent(event)
