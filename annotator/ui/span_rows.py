"""How a row of the spans panel is painted: a colour swatch and the label, then the span's text;
suggestions in italics; the selected row in the palette's highlight.

Qt's own item delegate lays each cell's text out three times through the style (the icon's,
the text's and the check box's places) and asks the model for every role: about 125 us a cell
under our stylesheet, so 5 ms to repaint 20 rows, and the list repaints whole after each edit
(its rows shift). Painted here directly from the span, a cell costs a few drawing calls.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QStaticText, QTransform
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

SWATCH = 14  # pixels, as the swatch icons are made
PAD = 4  # pixels left of the swatch and of the text


class SpanRowDelegate(QStyledItemDelegate):
    """Paints the cells of a :class:`annotator.ui.side_panel.SpanListModel` (column 0: swatch
    and label, column 1: text); anything else is left to Qt's delegate."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._texts: dict[tuple[str, str, bool, int], tuple[QStaticText, QFont]] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        model = index.model()
        span = model.span(index.row()) if hasattr(model, "span") else None
        if span is None:
            super().paint(painter, option, index)
            return
        rect, state, palette = option.rect, option.state, option.palette
        group = (QPalette.ColorGroup.Active if state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
            ink = palette.color(group, QPalette.ColorRole.HighlightedText)
        else:
            ink = palette.color(group, QPalette.ColorRole.Text)
        x = rect.left() + PAD
        if index.column() == 0:
            icon = model.data(index, Qt.ItemDataRole.DecorationRole)
            if icon is not None:
                icon.paint(painter, QRect(x, rect.top() + (rect.height() - SWATCH) // 2,
                                          SWATCH, SWATCH))
            x += SWATCH + PAD
        width = rect.right() - x - PAD
        text, font = self._laid_out(model.data(index, Qt.ItemDataRole.DisplayRole),
                                    option.font, not span.confirmed, width)
        painter.save()
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawStaticText(x, rect.top() + (rect.height() - round(text.size().height())) // 2,
                               text)
        painter.restore()

    def _laid_out(self, text: str, font: QFont, italic: bool, width: int
                  ) -> tuple[QStaticText, QFont]:
        """``text`` elided to ``width`` pixels and laid out, once per text, font and width: rows
        show the same labels and names again and again, and laying a text out is most of what
        painting it costs."""
        key = (text, font.key(), italic, width)
        done = self._texts.get(key)
        if done is None:
            if len(self._texts) > 4096:
                self._texts.clear()
            shown = QFont(font)
            shown.setItalic(italic)
            elided = QFontMetrics(shown).elidedText(text, Qt.TextElideMode.ElideRight, width)
            static = QStaticText(elided)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), shown)
            done = self._texts[key] = (static, shown)  # drawn in the font it was laid out in
        return done
