"""The Qt binding must keep Python's reference counts straight: PySide6 6.12.0 under Python 3.11
dropped a reference to ``None`` on every call of a void method, and the app died with
"deallocating None" after a few thousand paints. pyproject.toml excludes it; this catches a
binding with the same fault."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter


def test_void_qt_calls_do_not_drop_references_to_none(qapp):
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(200):
            painter.setPen(QColor("red"))
            painter.fillRect(QRectF(0, 0, 2, 2), QColor("blue"))
        after = sys.getrefcount(None)
    finally:
        painter.end()
    assert after >= before - 20, f"None lost {before - after} references in 400 calls"
