"""The annotation view: the article, read-only, with entity spans painted over it and the section
gutter beside it.

This is the one place that converts between Qt's text positions (UTF-16 code units) and the
store's offsets (Python code points). Everything that goes in or comes out of this class's public
methods is in code points; Qt positions stay inside (:class:`annotator.ui.offsets.OffsetMap`).

Long documents: the spans are kept in code points (:class:`SpanIndex`) and only those of the
lines being painted are converted and placed, a long block's lines a chunk at a time (a 1.7 MB
one-line document is one block of ~12,000 lines; see :mod:`annotator.ui.long_text`); the text is
laid out once per document (see :meth:`AnnotationView.show_document`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from math import ceil, floor

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, QRectF, Qt, Signal
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
from annotator.domain import Section, Span, visible_range
from annotator.ui.gutter import SectionGutter
from annotator.ui.long_text import (
    chunk_lines,
    chunk_range,
    chunks_in_view,
    first_visible,
)
from annotator.ui.offsets import OffsetMap, break_points
from annotator.ui.span_index import SpanIndex
from annotator.ui.span_painter import (
    Drawn,
    Mark,
    Style,
    paint_decorations,
    paint_fills,
    place_marks,
    prepare,
)
from annotator.ui.theme import is_dark

DIMMED_SECTIONS = frozenset({"boilerplate"})
LONG_TEXT = 50_000  # characters: more than a window shows, so the scroll bar is always there


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
        self._map = OffsetMap("")
        self._text = ""
        self._spans = SpanIndex()
        self._placed: dict[int, dict[int, Drawn]] = {}  # block number -> chunk -> ready to draw
        self._drawn_key: tuple[object, ...] | None = None  # the look they were made for
        self._sections: dict[int, Section] = {}
        self._entity_colours: dict[str, str] = {}
        self._section_colours: dict[str, str] = {}
        self._selected: int | None = None  # the id of the span under the cursor
        self._selected_span: Span | None = None  # that span
        self._first_hint = 0  # the first block on screen last time (see visible_blocks)
        self._tag_cache: tuple[str, QFont, int] | None = None  # view font key, tag font, extent
        self.snap = True
        self.gutter = SectionGutter(self)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        # A selection that collapses where it ends (labelling a drag) moves no cursor.
        self.selectionChanged.connect(self._on_cursor_moved)
        self.document().setDocumentMargin(14)
        self.document().documentLayout().documentSizeChanged.connect(self._forget_placement)
        self._update_margins()

    # -- content -----------------------------------------------------------------------------

    def set_label_colours(self, entity: dict[str, str], section: dict[str, str]) -> None:
        self._entity_colours = dict(entity)
        self._section_colours = dict(section)
        self._placed.clear()
        self._update_margins()
        self.viewport().update()

    def show_document(self, text: str, spans: Sequence[Span], sections: Sequence[Section]) -> None:
        """Replace the text and its annotations; the cursor goes to the top.

        The text is inserted with its line spacing already set, and a long one with the
        scroll bar already there: it is laid out once. Before, it was laid out three times
        (the text, then the spacing, then the narrower width once the scroll bar appeared);
        a 1.7 MB one-line text took seconds for each. ``spans``: in text order, as the store
        gives them (anything else is sorted)."""
        self._selected = self._selected_span = None
        self.setExtraSelections([])
        self._text = text
        self._map = OffsetMap(text, break_points(text))
        self._spans = SpanIndex(spans)
        self._placed.clear()
        self._first_hint = 0
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn
                                        if len(text) > LONG_TEXT
                                        else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        doc = self.document()
        doc.clear()
        cursor = QTextCursor(doc)
        cursor.setBlockFormat(self._spacing())  # every block of the text takes it
        cursor.insertText(self._map.shown(text))
        self.show_sections(sections)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def apply_span_changes(self, removed: Sequence[Span], added: Sequence[Span]) -> None:
        """Re-render only the blocks whose spans changed."""
        touched: set[int] = set()
        for span in removed:
            gone = self._spans.remove(span)
            if gone is not None:
                touched.update(self._blocks_of(gone))
        for span in added:
            assert span.id is not None
            self._spans.add(span)
            touched.update(self._blocks_of(span))
        for number in touched:
            self._placed.pop(number, None)
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
        return list(self._spans)

    def _blocks_of(self, span: Span) -> range:
        """The numbers of the blocks a span covers (a span may cross lines)."""
        start, end = self._map.to_qt(span.start), self._map.to_qt(span.end)
        doc = self.document()
        first = doc.findBlock(start).blockNumber()
        last = doc.findBlock(max(start, end - 1)).blockNumber()
        return range(first, last + 1)

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

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt's name)
        """Copy and drag give the document's own text: no display breaks (see
        :mod:`annotator.ui.offsets`), and characters as they are (Qt's plain text would turn a
        no-break space into a space)."""
        start, end = self.selection_range()
        data = QMimeData()
        data.setText(self._text[start:end])
        return data

    def span_at(self, offset: int) -> Span | None:
        """The span covering ``offset``; a cursor just after a span's last character counts."""
        return self._spans.at(offset)

    def selected_span(self) -> Span | None:
        return self._selected_span

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
        for block, top, rect in self.visible_blocks_rects():
            yield block, top, rect.height()

    def visible_blocks_rects(self) -> Iterator[tuple[QTextBlock, float, QRectF]]:
        """Blocks on screen with their top in viewport coordinates and their rectangle in the
        document's."""
        layout = self.document().documentLayout()
        scroll = self.verticalScrollBar().value()
        bottom = self.viewport().height()
        block = first_visible(self.document(), scroll, self._first_hint)
        self._first_hint = block.blockNumber()
        if block.previous().isValid():
            block = block.previous()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            top = rect.top() - scroll
            if top > bottom:
                break
            yield block, top, rect
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
        """Span boxes under the text, then outlines, tags and dimmed boilerplate over it. Per
        block on screen this replays what :meth:`_drawn` keeps (a path per colour, laid-out
        tags); nothing is computed per span unless the block's spans or layout changed."""
        style = self._style()
        key = (style.dark, style.tag_font.key(), self._edge())
        if key != self._drawn_key:  # palette, zoom or width changed
            self._placed.clear()
            self._drawn_key = key
        dx = -self.horizontalScrollBar().value()
        extent = self._tag_extent()
        region = event.rect()
        painted = []
        for block, top, rect in self.visible_blocks_rects():
            if top > region.bottom() + 2 or top + rect.height() + extent < region.top():
                continue  # outside what needs repainting (a partial update)
            drawn = self._drawn(block, top, region, style, extent)
            painted.append((block, top, rect, drawn, QPointF(rect.left() + dx, top)))
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        for _block, _top, _rect, drawn, origin in painted:
            if drawn:
                painter.translate(origin)
                for part in drawn:
                    paint_fills(painter, part)
                painter.translate(-origin)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dim = QColor(self.palette().color(QPalette.ColorRole.Base))
        dim.setAlphaF(0.5)
        sections = self._sections
        for block, top, rect, drawn, origin in painted:
            if drawn:
                painter.translate(origin)
                for part in drawn:
                    paint_decorations(painter, part, style)
                painter.translate(-origin)
            section = sections.get(block.blockNumber())
            if section is not None and section.label in DIMMED_SECTIONS:
                painter.fillRect(rect.translated(dx, top - rect.top()), dim)
        painter.end()

    def _edge(self) -> float:
        """The rightmost pixel a tag may reach, from the left of the text (a block's left is the
        document margin): just inside the view, past the text's own right margin."""
        return self.viewport().width() - self.document().documentMargin() - 3

    def _drawn(self, block: QTextBlock, top: float, region: QRect, style: Style,
               extent: int) -> list[Drawn]:
        """The marks on a block's lines that ``region`` (viewport pixels) shows, ready to draw
        relative to the block (``top``: the block's top in the viewport). They are placed a
        chunk of lines at a time (:mod:`annotator.ui.long_text`) and kept until the block's
        spans, the layout or the look change (scrolling and repainting reuse them)."""
        layout = block.layout()
        if layout.lineCount() == 0:
            return []  # not laid out yet
        chunks = chunks_in_view(layout, region.top() - top - extent, region.bottom() - top)
        kept = self._placed.setdefault(block.blockNumber(), {})
        drawn = []
        for k in chunks:
            part = kept.get(k)
            if part is None:
                placed = place_marks(block, QPointF(0, 0), self._chunk_marks(block, k),
                                     chunk_lines(layout, k))
                part = prepare(placed, block.position(), style, self._edge())
                if all(rects for _mark, rects in placed):  # not yet laid out: try again
                    kept[k] = part
            if part.placed:
                drawn.append(part)
        return drawn

    def _chunk_marks(self, block: QTextBlock, k: int) -> list[Mark]:
        """The spans that start on lines ``k * CHUNK`` to ``(k + 1) * CHUNK - 1`` of ``block``
        (chunk 0 also takes those coming from an earlier block), in Qt positions: the one place
        spans are converted for painting."""
        lo, hi = chunk_range(block, k)
        cp_lo, cp_hi = self._map.from_qt(lo), self._map.from_qt(hi)
        spans = self._spans.overlapping(cp_lo, cp_hi)
        to_qt = self._map.to_qt
        return [Mark(to_qt(s.start), to_qt(s.end), s.label, s.confirmed, s.id)
                for s in spans if k == 0 or s.start >= cp_lo]

    def _forget_placement(self, *_args: object) -> None:
        self._placed.clear()

    def _tag_room(self) -> int:
        return max(9, round(self.fontMetrics().height() * 0.7))

    def _tag_extent(self) -> int:
        """How far below a line's bottom a label tag can reach (pixels): the tag is drawn one
        pixel under the line in the tag font, so below the last line of a block it lies
        outside the block's bounding rectangle, in the gap before the next block."""
        return self._tag_metrics()[1]

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

    def _spacing(self) -> QTextBlockFormat:
        """Room under every line for the label tags: a line distance that follows the zoom."""
        fmt = QTextBlockFormat()
        distance = QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value
        fmt.setLineHeight(self._tag_room(), distance)
        fmt.setBottomMargin(2)
        return fmt

    def _apply_spacing(self) -> None:
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(self._spacing())

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

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """An Alt-drag's selection shows what it will label: whole characters as drawn (an
        emoji sequence is one, see :func:`annotator.domain.visible_range`) without the
        whitespace, ZWJ or variation selectors a drag picks up at its edges."""
        super().mouseReleaseEvent(event)
        if not self.snap and self.textCursor().hasSelection():
            start, end = self.selection_range()
            lo, hi = visible_range(self._text, start, end)
            if lo < hi and (lo, hi) != (start, end):
                self.select_range(lo, hi)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double-click selects the word under the mouse without the quotes, punctuation or
        clitic Qt's word keeps ("Japan’s" selects "Japan"); with Alt, Qt's word as it is."""
        self.snap = not (event.modifiers() & Qt.KeyboardModifier.AltModifier)
        super().mouseDoubleClickEvent(event)
        if self.snap and self.textCursor().hasSelection():
            start, end = self.selection_range()
            lo, hi = trim_to_word(self._text, start, end)
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
        if span != self._selected_span:  # not only the id: SQLite gives a relabelled span the
            # id of the one it replaced when that was the last row
            old, self._selected, self._selected_span = self._selected_span, new, span
            for shown in (old, span):
                for number in self._blocks_of(shown) if shown is not None else ():
                    self._update_block(number)
            self.span_selected.emit(-1 if new is None else new)

    def _on_scrolled(self, _value: int) -> None:
        self.gutter.update()

