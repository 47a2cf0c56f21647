"""A status bar whose texts shrink instead of being cut.

QStatusBar gives its permanent labels the width of their whole text and draws a message in what
is left, cut off at the edge: at 1024 px the report of a pre-annotation ended mid-word ("57
entity suggest") and nothing said there was more. Here every text is elided ("…") when it does
not fit, and the full text is in the tooltip, so a narrow window shows the start of each part
and the rest on hover, and a wide one shows everything.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

ELLIPSIS_ROOM = 48  # px a permanent label may shrink to: a word or two and "…"
MESSAGE_MARGIN = 12  # px between the message and the first permanent part


class ElidedLabel(QLabel):
    """A one-line label that may be narrower than its text: it draws as much as fits with
    "…" and shows the whole text (and any tooltip of its own) in its tooltip."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._own_tip = ""

    def setToolTip(self, tip: str) -> None:  # noqa: N802 - Qt's name
        self._own_tip = tip
        self._update_tip()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._update_tip()

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), ELLIPSIS_ROOM))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             rect.width())
        painter.drawText(rect, int(self.alignment()), text)

    def _update_tip(self) -> None:
        parts = [self.text()] if self.is_elided() else []
        if self._own_tip and self._own_tip not in parts:
            parts.append(self._own_tip)
        super().setToolTip("\n".join(parts))


class ElidingStatusBar(QStatusBar):
    """A status bar whose message is elided to the room left of its permanent parts, with the
    whole message in the tooltip; :meth:`currentMessage` returns the whole message."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        # our own timeout, so that eliding the message again on a resize keeps its time
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self.clearMessage)
        self.messageChanged.connect(self._on_message_changed)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self._expiry.stop()
        self._show(self._elided(text))
        if timeout > 0 and text:
            self._expiry.start(timeout)

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        return self._full if super().currentMessage() else ""

    def message_room(self) -> int:
        """Pixels the message may use: up to the leftmost visible permanent part."""
        lefts = [w.geometry().left() for w in self.findChildren(QWidget)
                 if w.parentWidget() is self and w.isVisible() and w.geometry().left() > 0]
        right = min(lefts) if lefts else self.width()
        return max(0, right - MESSAGE_MARGIN)

    def _elided(self, text: str) -> str:
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                             self.message_room())

    def _on_message_changed(self, text: str) -> None:
        if not text:
            self._full = ""
            self.setToolTip("")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # once the layout has moved the permanent parts to the new width
        QTimer.singleShot(0, self, self._elide_again)

    def _elide_again(self) -> None:
        if self._full and super().currentMessage():
            # the same message, elided to the new room (its time left runs on)
            elided = self._elided(self._full)
            if elided != super().currentMessage():
                self.blockSignals(True)
                try:
                    self._show(elided)
                finally:
                    self.blockSignals(False)

    def _show(self, elided: str) -> None:
        super().showMessage(elided, 0)
        self.setToolTip(self._full if elided != self._full else "")
