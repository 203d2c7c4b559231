"""Semantic colours (stance, relation, verdict) and the action icons, for every panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget


# -- semantic colours ------------------------------------------------------------------
# Only meanings get colours (stance, relation, verdict); everything else follows the
# palette. Each colour is a hue used as a translucent tint over the palette's base, so
# it reads on a light and on a dark palette alike, with the palette's own text colour.

STANCE_HUES = {"confirms": "#2e9e44", "denies": "#d03b3b", "disputes": "#e07b00",
               "declined": "#7a62c4", "no-response": "#808080"}
STANCE_WORDS = {"confirms": "confirms", "denies": "denies", "disputes": "disputes",
                "declined": "declined to comment", "no-response": "did not respond"}
RELATION_HUES = {"supports": "#2e9e44", "contradicts": "#d03b3b", "context": "#3b7dd8"}
VERDICT_HUES = {"confirmed": "#2e9e44", "refuted": "#d03b3b", "mixed": "#e07b00",
                "unresolved": "#b08900", "unverifiable": "#808080", "unverified": "#808080"}
OK_HUE = "#2e9e44"
PROBLEM_HUE = "#d03b3b"


def tint(hue: str, alpha: int = 70) -> QColor:
    colour = QColor(hue)
    colour.setAlpha(alpha)
    return colour


def is_dark(widget: QWidget | None = None) -> bool:
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def strong(hue: str, widget: QWidget | None = None) -> QColor:
    """The hue made readable as text on the current palette."""
    colour = QColor(hue)
    return colour.lighter(140) if is_dark(widget) else colour.darker(115)


# -- icons -----------------------------------------------------------------------------


def icon(name: str, widget: QWidget | None = None):
    """An action icon from ``resources/icons/actions``, drawn in the palette's text colour
    (so it reads on a light and on a dark palette). An empty icon if it is missing."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QIcon, QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    from workbench.core.resources import resource_dir

    path = resource_dir() / "icons" / "actions" / f"{name}.svg"
    if not path.exists():
        return QIcon()
    palette = widget.palette() if widget is not None else QApplication.palette()
    out = QIcon()
    source = path.read_text(encoding="utf-8")
    # A disabled action's icon is drawn in the palette's disabled text colour: the style's
    # own greying left a dark icon looking enabled on the welcome page.
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    if disabled == palette.color(QPalette.ColorRole.WindowText):
        disabled = palette.color(QPalette.ColorRole.Mid)
    for mode, colour in ((QIcon.Mode.Normal, palette.color(QPalette.ColorRole.WindowText)),
                         (QIcon.Mode.Disabled, disabled)):
        svg = source.replace("currentColor", colour.name())
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        for size in (16, 24, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            out.addPixmap(pixmap, mode)
    return out
