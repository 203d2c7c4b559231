"""The report's fonts: DejaVu, shipped in ``resources/fonts`` and embedded in every PDF.

DejaVu covers Latin, Cyrillic and Greek, so quotations in those scripts print without
missing-glyph boxes. Registration happens once per process.
"""

from __future__ import annotations

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from workbench.core.resources import resource

SANS = "WorkbenchSans"
SANS_BOLD = "WorkbenchSans-Bold"
SANS_ITALIC = "WorkbenchSans-Oblique"
MONO = "WorkbenchMono"

_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf",
          SANS_ITALIC: "DejaVuSans-Oblique.ttf", MONO: "DejaVuSansMono.ttf"}


def register() -> None:
    """Register the fonts with reportlab (idempotent)."""
    if SANS in pdfmetrics.getRegisteredFontNames():
        return
    for name, file_name in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", file_name))))
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_ITALIC)
    addMapping(SANS, 1, 1, SANS_BOLD)  # no bold oblique shipped: bold reads well enough
    addMapping(MONO, 0, 0, MONO)
    addMapping(MONO, 1, 0, MONO)
    addMapping(MONO, 0, 1, MONO)
    addMapping(MONO, 1, 1, MONO)


def missing_glyphs(text: str, font_name: str = SANS) -> set[str]:
    """Characters of ``text`` the font has no glyph for (whitespace ignored)."""
    register()
    face = pdfmetrics.getFont(font_name).face
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in face.charToGlyph}
