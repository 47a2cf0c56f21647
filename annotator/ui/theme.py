"""Colours and palettes: light and dark, and how a label's colour is drawn on each.

Label colours come from the project (Okabe-Ito / Paul Tol derived, colour-blind safe). On a dark
background they are drawn translucent so the light text stays readable; suggestions are drawn
fainter with a dashed outline, so shape tells them apart as well as colour.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory

RESOURCES = Path(__file__).resolve().parents[2] / "resources"

LIGHT = {
    "window": "#f4f5f7", "base": "#ffffff", "alt": "#f0f2f5", "text": "#1f2328",
    "muted": "#6b7280", "highlight": "#2f6fd6", "button": "#eceef1", "border": "#d0d5dc",
}
DARK = {
    "window": "#1e2126", "base": "#17191d", "alt": "#22262c", "text": "#e6e8eb",
    "muted": "#9aa3ad", "highlight": "#4c8ee8", "button": "#2a2e35", "border": "#3a4049",
}


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette in use is a dark one (by the lightness of the base colour)."""
    pal = palette or QApplication.palette()
    return pal.color(QPalette.ColorRole.Base).lightness() < 128


def make_palette(dark: bool) -> QPalette:
    c = DARK if dark else LIGHT
    pal = QPalette()
    role = QPalette.ColorRole
    pairs = {
        role.Window: c["window"], role.WindowText: c["text"], role.Base: c["base"],
        role.AlternateBase: c["alt"], role.Text: c["text"], role.Button: c["button"],
        role.ButtonText: c["text"], role.Highlight: c["highlight"],
        role.HighlightedText: "#ffffff", role.ToolTipBase: c["base"],
        role.ToolTipText: c["text"], role.PlaceholderText: c["muted"], role.Mid: c["border"],
        role.Dark: c["border"], role.Light: c["base"], role.BrightText: "#ffffff",
        role.Link: c["highlight"],
    }
    for r, colour in pairs.items():
        pal.setColor(r, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(disabled, r, QColor(c["muted"]))
    return pal


def stylesheet(dark: bool) -> str:
    """resources/app.qss with the palette's colours filled in (``@name`` placeholders) and
    ``@resources`` as the folder of our images."""
    path = RESOURCES / "app.qss"
    if not path.exists():
        return ""
    qss = path.read_text(encoding="utf-8").replace("@resources", RESOURCES.as_posix())
    for name, value in sorted((DARK if dark else LIGHT).items(), key=lambda kv: -len(kv[0])):
        qss = qss.replace(f"@{name}", value)
    return qss


_EXTENSION_EXTENT = QStyle.PixelMetric.PM_ToolBarExtensionExtent


class AppStyle(QProxyStyle):
    """Fusion with a toolbar overflow button wide enough to see and hit (Fusion's is 12 px,
    which our toolbar padding left empty: the button was there but showed nothing), and its
    chevrons drawn in the palette's text colour (Fusion's are dark on the dark palette too)."""

    def __init__(self, ink: str) -> None:
        super().__init__(QStyleFactory.create("Fusion"))
        self._chevrons = _chevrons(QColor(ink))

    def pixelMetric(self, metric: QStyle.PixelMetric, option=None, widget=None) -> int:
        # asked thousands of times per paint of a table: compared by identity, not enum lookups
        if metric is _EXTENSION_EXTENT:
            return 26
        return super().pixelMetric(metric, option, widget)

    def standardIcon(self, icon: QStyle.StandardPixmap, option=None, widget=None) -> QIcon:
        if icon == QStyle.StandardPixmap.SP_ToolBarHorizontalExtensionButton:
            return self._chevrons
        return super().standardIcon(icon, option, widget)


def _chevrons(ink: QColor) -> QIcon:
    """"»" as two strokes, 16 px (drawn at twice the size for sharp high-DPI screens)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(ink, 3.2)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    for x in (7, 16):
        painter.drawPolyline([QPointF(x, 9), QPointF(x + 7, 16), QPointF(x, 23)])
    painter.end()
    pixmap.setDevicePixelRatio(2)
    return QIcon(pixmap)


def apply_theme(app: QApplication, dark: bool) -> None:
    """Fusion, our palette and stylesheet. Applied once per change: setting the same style
    again while windows are open re-creates the style under them, and widgets made after that
    lose the stylesheet's padding (a second window drew its toolbar 8 px shorter)."""
    if app.property("annotatorDark") == dark:
        return
    app.setStyle(AppStyle((DARK if dark else LIGHT)["text"]))
    app.setPalette(make_palette(dark))
    app.setStyleSheet(stylesheet(dark))
    app.setProperty("annotatorDark", dark)


def span_fill(colour: str, confirmed: bool, dark: bool) -> QColor:
    """The background of an entity span: solid for confirmed, faint for suggestions."""
    fill = QColor(colour)
    if dark:
        fill.setAlphaF(0.42 if confirmed else 0.20)
    else:
        fill.setAlphaF(0.85 if confirmed else 0.32)
    return fill


def span_edge(colour: str, dark: bool) -> QColor:
    """The outline and the label tag colour: the label colour, darker on light backgrounds."""
    edge = QColor(colour)
    return edge.lighter(115) if dark else edge.darker(165)


def section_colour(colour: str, confirmed: bool) -> QColor:
    fill = QColor(colour)
    fill.setAlphaF(1.0 if confirmed else 0.45)
    return fill


def set_dark(dark: bool) -> None:
    """Switch the running application's palette."""
    app = QApplication.instance()
    if app is not None:
        apply_theme(app, dark)
