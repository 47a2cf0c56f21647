"""Painting entity spans over the text, displaCy style: a coloured box behind the words and a small
label tag under the first line of the span. Everything here works in the text layout's own
positions (UTF-16 code units within a block); the editor hands them in already converted.

The work per span (rectangles, colours, where its tag goes) is done once when a block's spans or
layout change (:func:`place_marks`, :func:`prepare`); a repaint only replays the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QStaticText,
    QTextBlock,
    QTextLine,
    QTransform,
)

from annotator.ui.tag_layout import Slot, arrange
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
    """Each mark with its rectangles (one per visual line it covers)."""
    return [(mark, mark_rects(block, origin, mark.start, mark.end, line_for))
            for mark in marks]


@dataclass(slots=True)
class Drawn:
    """Placed marks made ready to draw, kept with them (see :func:`prepare`): a repaint draws
    one path per colour and a laid-out text per tag, with no Python work per span.

    ``fills``: the boxes, one path per fill colour; ``dashes``: the suggestions' outlines, one
    path per outline colour; ``tags``: (colour, top left, text), sorted by colour; ``rects_of``:
    span id -> its rectangles (for the selected span's outline)."""

    placed: Placed
    fills: list[tuple[QBrush, QPainterPath]]
    dashes: list[tuple[QPen, QPainterPath]]
    tags: list[tuple[QColor, QPointF, QStaticText]]
    rects_of: dict[int, list[QRectF]]


def _path() -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)  # overlapping boxes of one colour: their union
    return path


def prepare(placed: Placed, block_start: int, style: Style, edge: float) -> Drawn:
    """Group ``placed`` (marks of one block, rectangles relative to it) by colour into paths,
    and place their tags: under the first line of each span that starts in this block
    (``block_start``: its first position), arranged per line by :func:`tag_layout.arrange`
    so that none covers another or runs past ``edge`` (the view's right edge, in the same
    coordinates), shortened with "…" where there is no room for the whole tag."""
    fills: dict[tuple[str, bool], QPainterPath] = {}
    dashes: dict[str, QPainterPath] = {}
    lines: dict[float, list[tuple[QRectF, str, str]]] = {}
    rects_of: dict[int, list[QRectF]] = {}
    colours = style.colours
    for mark, rects in placed:
        if not rects:
            continue
        colour = colours.get(mark.label, "#bbbbbb")
        rects_of[mark.span_id] = rects
        fill = fills.get((colour, mark.confirmed))
        if fill is None:
            fill = fills[(colour, mark.confirmed)] = _path()
        for rect in rects:
            fill.addRoundedRect(rect, 3, 3)
        if not mark.confirmed:
            dash = dashes.get(colour)
            if dash is None:
                dash = dashes[colour] = _path()
            for rect in rects:
                dash.addRoundedRect(rect, 3, 3)
        if mark.start >= block_start:  # the tag sits under the span's first line only
            tag = mark.label if mark.confirmed else f"{mark.label}?"
            lines.setdefault(rects[0].top(), []).append((rects[0], tag, colour))
    tags = []
    for on_line in lines.values():
        tags.extend(_line_tags(sorted(on_line, key=lambda t: t[0].left()), style, edge))
    tags.sort(key=lambda t: t[0].rgba())
    return Drawn(
        placed,
        [(QBrush(_fill(colour, confirmed, style.dark)), path)
         for (colour, confirmed), path in fills.items()],
        [(_dashed(colour, style.dark), path) for colour, path in dashes.items()],
        tags, rects_of)


def _line_tags(on_line: list[tuple[QRectF, str, str]], style: Style, edge: float
               ) -> list[tuple[QColor, QPointF, QStaticText]]:
    """The tags of one line (sorted by their span's left), placed and shortened."""
    font, key = style.tag_font, style.tag_font.key()
    texts = [_tag_text(tag, key, font) for _rect, tag, _colour in on_line]
    slots = [Slot(rect.left() + 2, rect.right(), text.size().width())
             for (rect, _tag, _colour), text in zip(on_line, texts, strict=True)]
    out = []
    for (rect, tag, colour), text, slot, (x, room) in zip(
            on_line, texts, slots, arrange(slots, edge), strict=True):
        if room < slot.width:
            short = _shorten(tag, room, _metrics(key, font))
            if not short:
                continue
            text = _tag_text(short, key, font)
        out.append((_edge(colour, style.dark), QPointF(x, rect.bottom() + 1), text))
    return out


def _shorten(tag: str, room: float, metrics: QFontMetricsF) -> str:
    """``tag`` cut to ``room`` pixels: "PRODU…"; where only "…" would fit, the first letters
    that fit ("P"), which tell more; "" when not even one letter fits."""
    short = metrics.elidedText(tag, Qt.TextElideMode.ElideRight, room)
    if len(short) > 1:
        return short
    n = 0
    while n < len(tag) and metrics.horizontalAdvance(tag[:n + 1]) <= room:
        n += 1
    return tag[:n]


@lru_cache(maxsize=16)
def _metrics(font_key: str, font: QFont) -> QFontMetricsF:
    return QFontMetricsF(font)


def paint_fills(p: QPainter, drawn: Drawn) -> None:
    """Backgrounds, drawn before the text so the words stay crisp on top."""
    for brush, path in drawn.fills:
        p.fillPath(path, brush)


def paint_decorations(p: QPainter, drawn: Drawn, style: Style) -> None:
    """Outlines (dashed for suggestions, strong for the selected span) and label tags, drawn
    after the text."""
    p.setBrush(Qt.BrushStyle.NoBrush)
    for pen, path in drawn.dashes:
        p.setPen(pen)
        p.drawPath(path)
    if style.selected_id is not None and style.highlight is not None:
        rects = drawn.rects_of.get(style.selected_id)
        if rects:
            p.setPen(QPen(style.highlight, 2))
            for rect in rects:
                p.drawRoundedRect(rect, 3, 3)
    if drawn.tags:
        p.setFont(style.tag_font)
        last = None
        for colour, point, text in drawn.tags:
            if colour is not last:
                p.setPen(colour)
                last = colour
            p.drawStaticText(point, text)
