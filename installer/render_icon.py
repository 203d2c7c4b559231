"""Render resources/icons/workbench.svg to the PNG sizes desktops want (run by hand).

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/render_icon.py

Writes resources/icons/workbench.png (256 px). Uses Qt's own SVG renderer, so nothing
beyond the project's venv is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(ICONS / "workbench.svg"))
    if not renderer.isValid():
        sys.exit("workbench.svg does not parse")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out), "PNG"):
        sys.exit(f"cannot write {out}")


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    render(256, ICONS / "workbench.png")
    print(ICONS / "workbench.png")
