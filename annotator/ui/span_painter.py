"""Painting entity spans over the text, displaCy style: a coloured box behind the words and a small
label tag under the first line of the span. Everything here works in the text layout's own
positions (UTF-16 code units within a block); the editor hands them in already converted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPen,
    QStaticText,
    QTextBlock,
    QTextLine,
    QTransform,
)

from annotator.ui.theme import span_edge, span_fill


@dataclass(frozen=True, slots=True)
class Mark:
    """One span as the painter sees it: positions in the Qt document, and how to draw it."""

    start: int
    end: int
    label: str
    confirmed: bool
    span_id: int


@dataclass
class Style:
    colours: dict[str, str]
    dark: bool
    tag_font: QFont
    selected_id: int | None = None
    highlight: QColor | None = None


# A view shows a handful of labels hundreds of times: their colours, pens and laid-out tag texts
# are made once (a full repaint of a 1,000-span article drew ~60 tags, each re-laying its text).
# The cached objects are shared: never change one after it is returned.
_fill = lru_cache(maxsize=256)(span_fill)
_edge = lru_cache(maxsize=256)(span_edge)


@lru_cache(maxsize=256)
def _dashed(colour: str, dark: bool) -> QPen:
    return QPen(_edge(colour, dark), 1, Qt.PenStyle.DashLine)


@lru_cache(maxsize=512)
def _tag_text(tag: str, font_key: str, font: QFont) -> QStaticText:
    """``tag`` laid out once in the tag font (``font_key`` is the font's identity for the
    cache: :meth:`QFont.key`)."""
    text = QStaticText(tag)
    text.setTextFormat(Qt.TextFormat.PlainText)
    text.prepare(QTransform(), font)
    return text


def _x(line, pos: int) -> float:
    value = line.cursorToX(pos)
    return value[0] if isinstance(value, tuple) else value


LineFinder = Callable[[int], QTextLine]  # a position in a block -> the line holding it


def mark_rects(block: QTextBlock, origin: QPointF, start: int, end: int,
               line_for: LineFinder | None = None) -> list[QRectF]:
    """Rectangles (viewport coordinates) covering ``start``-``end`` (document positions) inside
    ``block``, one per visual line the span touches. ``line_for``: a faster way than the
    layout's own (which walks the lines: ~50 us deep in a block of 10,000 lines) to find the
    line of a position in the block."""
    layout = block.layout()
    find = line_for or layout.lineForTextPosition
    base = block.position()
    lo = max(start, base) - base
    hi = min(end, base + block.length() - 1) - base
    if hi <= lo or layout.lineCount() == 0:
        return []
    first = find(lo)
    last = find(max(lo, hi - 1))
    if not first.isValid() or not last.isValid():
        return []
    rects = []
    for n in range(first.lineNumber(), last.lineNumber() + 1):
        line = layout.lineAt(n)
        a = max(lo, line.textStart())
        b = min(hi, line.textStart() + line.textLength())
        x1, x2 = _x(line, a), _x(line, b)
        rects.append(QRectF(origin.x() + x1 - 1, origin.y() + line.y(), x2 - x1 + 2,
                            line.height()))
    return rects


Placed = list[tuple[Mark, list[QRectF]]]


def place_marks(block: QTextBlock, origin: QPointF, marks: list[Mark],
                line_for: LineFinder | None = None) -> Placed:
    """Each mark with its rectangles, computed once per paint for both passes."""
    return [(mark, mark_rects(block, origin, mark.start, mark.end, line_for))
            for mark in marks]


def paint_fills(p: QPainter, placed: Placed, style: Style) -> None:
    """Backgrounds, drawn before the text so the words stay crisp on top."""
    p.setPen(Qt.PenStyle.NoPen)
    for mark, rects in placed:
        colour = style.colours.get(mark.label, "#bbbbbb")
        p.setBrush(_fill(colour, mark.confirmed, style.dark))
        for rect in rects:
            p.drawRoundedRect(rect, 3, 3)


def paint_decorations(p: QPainter, block_start: int, placed: Placed, style: Style) -> None:
    """Outlines (dashed for suggestions, strong for the selected span) and label tags, drawn
    after the text."""
    font_key = style.tag_font.key()
    p.setFont(style.tag_font)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for mark, rects in placed:
        if not rects:
            continue
        colour = style.colours.get(mark.label, "#bbbbbb")
        edge = _edge(colour, style.dark)
        selected = mark.span_id == style.selected_id
        if selected and style.highlight is not None:
            p.setPen(QPen(style.highlight, 2))
            for rect in rects:
                p.drawRoundedRect(rect, 3, 3)
        elif not mark.confirmed:
            p.setPen(_dashed(colour, style.dark))
            for rect in rects:
                p.drawRoundedRect(rect, 3, 3)
        if mark.start < block_start:
            continue  # the tag sits under the span's first line only
        tag = mark.label if mark.confirmed else f"{mark.label}?"
        first = rects[0]
        p.setPen(edge)
        p.drawStaticText(QPointF(first.left() + 2, first.bottom() + 1),
                         _tag_text(tag, font_key, style.tag_font))
