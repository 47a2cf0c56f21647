"""The annotation view: the article, read-only, with entity spans painted over it and the section
gutter beside it.

This is the one place that converts between Qt's text positions (UTF-16 code units) and the
store's offsets (Python code points). Everything that goes in or comes out of this class's public
methods is in code points; Qt positions stay inside (:class:`annotator.ui.offsets.OffsetMap`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from math import ceil, floor

from PySide6.QtCore import QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.core.tokens import trim_to_word
from annotator.domain import Section, Span
from annotator.ui.gutter import SectionGutter
from annotator.ui.offsets import OffsetMap
from annotator.ui.span_painter import Mark, Style, paint_decorations, paint_fills, place_marks
from annotator.ui.theme import is_dark

DIMMED_SECTIONS = frozenset({"boilerplate"})


class AnnotationView(QTextEdit):
    """Read-only text with spans and sections. Signals carry span ids, never Qt positions."""

    span_selected = Signal(int)  # the span under the cursor (-1: none)
    resize_requested = Signal(int, str, int)  # span id, "start" | "end", +1 grow / -1 shrink

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("annotationView")
        self.setAccessibleName("Article text")
        self.setAccessibleDescription("Select words and press a label key to mark an entity")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setAcceptDrops(False)
        self.document().setDocumentMargin(14)
        self._map = OffsetMap("")
        self._text = ""
        self._spans: dict[int, Span] = {}
        self._span_blocks: dict[int, range] = {}
        self._marks: dict[int, list[Mark]] = {}
        self._placed: dict[int, list] = {}
        self._sections: dict[int, Section] = {}
        self._entity_colours: dict[str, str] = {}
        self._section_colours: dict[str, str] = {}
        self._selected: int | None = None
        self._tag_cache: tuple[str, QFont, int] | None = None  # view font key, tag font, extent
        self.snap = True
        self.gutter = SectionGutter(self)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        # A selection that collapses where it ends (labelling a drag) moves no cursor.
        self.selectionChanged.connect(self._on_cursor_moved)
        self.document().documentLayout().documentSizeChanged.connect(self._forget_placement)
        self._update_margins()

    # -- content -----------------------------------------------------------------------------

    def set_label_colours(self, entity: dict[str, str], section: dict[str, str]) -> None:
        self._entity_colours = dict(entity)
        self._section_colours = dict(section)
        self._update_margins()
        self.viewport().update()

    def show_document(self, text: str, spans: Sequence[Span], sections: Sequence[Section]) -> None:
        """Replace the text and its annotations; the cursor goes to the top."""
        self._selected = None
        self.setExtraSelections([])
        self.setPlainText(text)
        self._text = text
        self._map = OffsetMap(text)
        self._apply_spacing()
        self._spans.clear()
        self._span_blocks.clear()
        self._marks.clear()
        self._placed.clear()
        for span in spans:
            self._add_mark(span)
        self.show_sections(sections)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def apply_span_changes(self, removed: Sequence[Span], added: Sequence[Span]) -> None:
        """Re-render only the blocks whose spans changed."""
        touched: set[int] = set()
        for span in removed:
            touched.update(self._remove_mark(span.id))
        for span in added:
            touched.update(self._add_mark(span))
        self._on_cursor_moved()
        for number in touched:
            self._update_block(number)

    def show_sections(self, sections: Sequence[Section]) -> None:
        doc = self.document()
        self._sections = {
            doc.findBlock(self._map.to_qt(s.start)).blockNumber(): s for s in sections
        }
        self.viewport().update()
        self.gutter.update()

    def text(self) -> str:
        """The article as shown, in code points (what offsets index)."""
        return self._text

    def spans(self) -> list[Span]:
        return sorted(self._spans.values(), key=lambda s: (s.start, s.end))

    def _add_mark(self, span: Span) -> range:
        assert span.id is not None
        start, end = self._map.to_qt(span.start), self._map.to_qt(span.end)
        doc = self.document()
        first = doc.findBlock(start).blockNumber()
        last = doc.findBlock(max(start, end - 1)).blockNumber()
        numbers = range(first, last + 1)
        mark = Mark(start, end, span.label, span.confirmed, span.id)
        for n in numbers:
            self._placed.pop(n, None)
            marks = self._marks.setdefault(n, [])
            marks.append(mark)
            marks.sort(key=lambda m: m.start)
        self._spans[span.id] = span
        self._span_blocks[span.id] = numbers
        return numbers

    def _remove_mark(self, span_id: int | None) -> range:
        numbers = self._span_blocks.pop(span_id, range(0))
        self._spans.pop(span_id, None)
        for n in numbers:
            self._placed.pop(n, None)
            self._marks[n] = [m for m in self._marks.get(n, []) if m.span_id != span_id]
        return numbers

    # -- positions (code points outside, UTF-16 inside) ------------------------------------------

    def selection_range(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return self._map.from_qt(cursor.selectionStart()), self._map.from_qt(cursor.selectionEnd())

    def cursor_offset(self) -> int:
        return self._map.from_qt(self.textCursor().position())

    def text_cursor(self, start: int, end: int) -> QTextCursor:
        """A cursor at ``start`` selecting up to ``end`` (code points)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_qt(start))
        cursor.setPosition(self._map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def select_range(self, start: int, end: int) -> None:
        """Put the cursor at ``start`` and select up to ``end`` (code points)."""
        self.setTextCursor(self.text_cursor(start, end))
        self.ensureCursorVisible()

    def offset_at(self, point: QPoint) -> int:
        """The code-point offset under a viewport point (for mouse tests and tooltips)."""
        return self._map.from_qt(self.cursorForPosition(point).position())

    def point_of(self, offset: int) -> QPoint:
        """The viewport point at the middle of the character at ``offset``."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_qt(offset))
        rect = self.cursorRect(cursor)
        return QPoint(rect.left() + 2, rect.center().y())

    def span_at(self, offset: int) -> Span | None:
        """The span covering ``offset``; a cursor just after a span's last character counts."""
        position = self._map.to_qt(offset)
        number = self.document().findBlock(position).blockNumber()
        inside = [m for m in self._marks.get(number, []) if m.start <= position <= m.end]
        if not inside:
            return None
        best = min(inside, key=lambda m: (m.start > position or position == m.end, m.start))
        return self._spans.get(best.span_id)

    def selected_span(self) -> Span | None:
        return self._spans.get(self._selected) if self._selected is not None else None

    def reveal_span(self, span: Span) -> None:
        self.select_range(span.start, span.start)

    # -- sections and the gutter -----------------------------------------------------------------

    def section_of_block(self, number: int) -> Section | None:
        return self._sections.get(number)

    def entity_colours(self) -> dict[str, str]:
        return dict(self._entity_colours)

    def section_colour(self, label: str) -> str:
        return self._section_colours.get(label, "#607d8b")

    def section_names(self) -> list[str]:
        return list(self._section_colours)

    def visible_blocks(self) -> Iterator[tuple[QTextBlock, float, float]]:
        """Blocks on screen with their top and height in viewport coordinates."""
        layout = self.document().documentLayout()
        scroll = self.verticalScrollBar().value()
        bottom = self.viewport().height()
        block = self.cursorForPosition(QPoint(0, 0)).block()
        if block.previous().isValid():
            block = block.previous()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            top = rect.top() - scroll
            if top > bottom:
                break
            yield block, top, rect.height()
            block = block.next()

    # -- painting ------------------------------------------------------------------------------

    def _tag_font(self) -> QFont:
        """The label tags' font, derived from the view's (zoom changes it); kept per view font,
        since every paint and every repainted block asks for it."""
        return self._tag_metrics()[0]

    def _tag_metrics(self) -> tuple[QFont, int]:
        """The tag font and how far a tag reaches below its line (pixels), for the current
        view font."""
        key = self.font().key()
        if self._tag_cache is None or self._tag_cache[0] != key:
            font = QFont(self.font())
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.68))
            font.setWeight(QFont.Weight.DemiBold)
            font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 104)
            extent = ceil(QFontMetricsF(font).height()) + 2
            self._tag_cache = (key, font, extent)
        return self._tag_cache[1], self._tag_cache[2]

    def _style(self) -> Style:
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        return Style(self._entity_colours, is_dark(self.palette()), self._tag_font(),
                     self._selected, highlight)

    def paintEvent(self, event: QPaintEvent) -> None:
        style = self._style()
        offset = QPointF(-self.horizontalScrollBar().value(), 0)
        painted = []
        region = event.rect()
        for block, top, height in self.visible_blocks():
            if top > region.bottom() + 2 or top + height + self._tag_extent() < region.top():
                continue  # outside what needs repainting (a partial update)
            placed = self._placed_marks(block)
            painted.append((block, top, placed, self._origin(block, top, offset)))
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for _block, _top, placed, origin in painted:
            if placed:
                painter.translate(origin)
                paint_fills(painter, placed, style)
                painter.translate(-origin)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dim = QColor(self.palette().color(QPalette.ColorRole.Base))
        dim.setAlphaF(0.5)
        layout = self.document().documentLayout()
        for block, top, placed, origin in painted:
            if placed:
                painter.translate(origin)
                paint_decorations(painter, block.position(), placed, style)
                painter.translate(-origin)
            section = self._sections.get(block.blockNumber())
            if section is not None and section.label in DIMMED_SECTIONS:
                rect = layout.blockBoundingRect(block)
                painter.fillRect(rect.translated(offset.x(), top - rect.top()), dim)
        painter.end()

    def _placed_marks(self, block: QTextBlock) -> list:
        """A block's marks with their rectangles relative to the block, kept until the block's
        spans or the layout change (scrolling and repainting reuse them)."""
        number = block.blockNumber()
        marks = self._marks.get(number)
        if not marks:
            return []
        placed = self._placed.get(number)
        if placed is None:
            placed = place_marks(block, QPointF(0, 0), marks)
            if all(rects for _mark, rects in placed):  # not yet laid out: try again next time
                self._placed[number] = placed
        return placed

    def _forget_placement(self, *_args: object) -> None:
        self._placed.clear()

    def _tag_room(self) -> int:
        return max(9, round(self.fontMetrics().height() * 0.7))

    def _tag_extent(self) -> int:
        """How far below a line's bottom a label tag can reach (pixels): the tag is drawn one
        pixel under the line in the tag font, so below the last line of a block it lies
        outside the block's bounding rectangle, in the gap before the next block."""
        return self._tag_metrics()[1]

    def _origin(self, block: QTextBlock, top: float, offset: QPointF) -> QPointF:
        rect = self.document().documentLayout().blockBoundingRect(block)
        return QPointF(rect.left() + offset.x(), top)

    def _update_block(self, number: int) -> None:
        """Repaint everything a block's spans can cover: the block, the tags under its last line
        (below the block's rectangle), and the whole width, since a tag may be wider than its
        span and run past the text's right edge. A smaller area leaves stale tags behind."""
        block = self.document().findBlockByNumber(number)
        if not block.isValid():
            return
        rect = self.document().documentLayout().blockBoundingRect(block)
        scroll = self.verticalScrollBar().value()
        top = floor(rect.top() - scroll) - 4
        bottom = ceil(rect.bottom() - scroll) + self._tag_extent() + 4
        self.viewport().update(QRect(0, top, self.viewport().width(), bottom - top))

    def _apply_spacing(self) -> None:
        """Room under every line for the label tags: a line distance that follows the zoom."""
        fmt = QTextBlockFormat()
        gap = self._tag_room()
        fmt.setLineHeight(gap, QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value)
        fmt.setBottomMargin(2)
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(fmt)

    def _update_margins(self) -> None:
        self.setViewportMargins(self.gutter.width_hint(), 0, 0, 0)
        self._place_gutter()

    def _place_gutter(self) -> None:
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter.width_hint(),
                                      rect.height()))

    # -- zoom ------------------------------------------------------------------------------------

    def zoom(self, steps: int) -> None:
        """Ctrl+ / Ctrl-: bigger or smaller text, with tags, spacing and gutter following."""
        font = self.font()
        size = min(40.0, max(6.0, font.pointSizeF() + steps))
        font.setPointSizeF(size)
        self.setFont(font)
        self.document().setDefaultFont(font)
        self._placed.clear()
        self._apply_spacing()
        self._update_margins()
        self.gutter.update()

    # -- events ----------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._placed.clear()  # lines re-wrap
        super().resizeEvent(event)
        self._place_gutter()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1 if event.angleDelta().y() > 0 else -1)
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Alt-drag selects characters exactly; a plain drag snaps to tokens when labelled."""
        self.snap = not (event.modifiers() & Qt.KeyboardModifier.AltModifier)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double-click selects the word under the mouse without the quotes, punctuation or
        clitic Qt's word keeps ("Japan’s" selects "Japan"); with Alt, Qt's word as it is."""
        self.snap = not (event.modifiers() & Qt.KeyboardModifier.AltModifier)
        super().mouseDoubleClickEvent(event)
        if self.snap and self.textCursor().hasSelection():
            start, end = self.selection_range()
            lo, hi = trim_to_word(self.toPlainText(), start, end)
            if lo < hi and (lo, hi) != (start, end):
                self.select_range(lo, hi)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Shift+Left/Right on a selected span move its end by a token (grow / shrink);
        with Alt too they move its start."""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift = Qt.KeyboardModifier.ShiftModifier
        alt = Qt.KeyboardModifier.AltModifier
        arrows = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        span = self.selected_span()
        if span is not None and event.key() in arrows and mods in (shift, shift | alt) \
                and not self.textCursor().hasSelection():
            direction = arrows[event.key()]
            if mods == shift:
                self.resize_requested.emit(span.id, "end", direction)
            else:
                self.resize_requested.emit(span.id, "start", -direction)
            return
        if event.key() in arrows or event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.snap = True
        super().keyPressEvent(event)

    def _on_cursor_moved(self) -> None:
        cursor = self.textCursor()
        span = None if cursor.hasSelection() else self.span_at(self.cursor_offset())
        new = span.id if span is not None else None
        if new != self._selected:
            old, self._selected = self._selected, new
            for span_id in (old, new):
                for number in self._span_blocks.get(span_id, ()):
                    self._update_block(number)
            self.span_selected.emit(-1 if new is None else new)

    def _on_scrolled(self, _value: int) -> None:
        self.gutter.update()
