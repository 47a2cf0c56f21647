"""The section gutter: a strip left of the text, like a line-number area, that shows each block's
section by a coloured bar and names it where a run of blocks with one section begins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget

from annotator.ui.theme import section_colour

if TYPE_CHECKING:
    from annotator.ui.editor import AnnotationView

BAR = 5
PAD = 8


class SectionGutter(QWidget):
    def __init__(self, view: AnnotationView):
        super().__init__(view)
        self.view = view
        self.setObjectName("sectionGutter")
        self.setAccessibleName("Section of each block")
        self.setAutoFillBackground(False)

    def label_font(self) -> QFont:
        font = QFont(self.view.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.72))
        return font

    def width_hint(self) -> int:
        metrics = QFontMetricsF(self.label_font())
        names = self.view.section_names() or ["related_links"]
        longest = max(metrics.horizontalAdvance(n + "?") for n in names)
        return int(longest + BAR + 3 * PAD)

    def sizeHint(self) -> QSize:
        return QSize(self.width_hint(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(event.rect(), pal.color(QPalette.ColorRole.AlternateBase))
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())
        font = self.label_font()
        metrics = QFontMetricsF(font)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        previous: tuple[str, bool] | None = None
        for block, top, height in self.view.visible_blocks():
            section = self.view.section_of_block(block.blockNumber())
            if section is None:
                if block.text().strip():
                    previous = None
                continue
            colour = self.view.section_colour(section.label)
            bar = section_colour(colour, section.confirmed)
            p.fillRect(QRectF(self.width() - BAR - PAD / 2, top, BAR, height), bar)
            if (section.label, section.confirmed) != previous:
                font.setItalic(not section.confirmed)
                p.setFont(font)
                p.setPen(QColor(colour) if section.confirmed else muted)
                name = section.label if section.confirmed else f"{section.label}?"
                p.drawText(QRectF(PAD, top, self.width() - BAR - 2 * PAD, metrics.height() + 2),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, name)
            previous = (section.label, section.confirmed)
