"""The report's one stylesheet: colours, sizes and paragraph styles."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from workbench.report import fonts


class Styles:
    """Paragraph styles and colours used by every section."""

    ink = colors.HexColor("#1d1d1f")
    muted = colors.HexColor("#5f6368")
    rule = colors.HexColor("#c9ccd1")
    accent = colors.HexColor("#1f4e79")
    link = colors.HexColor("#1f4e79")
    panel = colors.HexColor("#f3f5f8")
    for_tint = colors.HexColor("#eaf4ec")
    against_tint = colors.HexColor("#fbeceb")
    draft = colors.HexColor("#c0392b")

    def __init__(self) -> None:
        fonts.register()
        base = ParagraphStyle("body", fontName=fonts.SANS, fontSize=9.5, leading=13.5,
                              textColor=self.ink, alignment=TA_LEFT, spaceAfter=6)
        self.body = base
        self.title = ParagraphStyle("title", parent=base, fontName=fonts.SANS_BOLD,
                                    fontSize=24, leading=30, spaceAfter=10,
                                    textColor=self.accent)
        self.subtitle = ParagraphStyle("subtitle", parent=base, fontSize=12, leading=17,
                                       textColor=self.muted, spaceAfter=4)
        self.draft_banner = ParagraphStyle("draft", parent=base, fontName=fonts.SANS_BOLD,
                                           fontSize=13, leading=18, textColor=self.draft,
                                           spaceBefore=8, spaceAfter=8)
        self.h1 = ParagraphStyle("h1", parent=base, fontName=fonts.SANS_BOLD, fontSize=16,
                                 leading=21, spaceBefore=4, spaceAfter=10,
                                 textColor=self.accent)
        self.h2 = ParagraphStyle("h2", parent=base, fontName=fonts.SANS_BOLD, fontSize=12,
                                 leading=16, spaceBefore=14, spaceAfter=6,
                                 keepWithNext=True)
        self.h3 = ParagraphStyle("h3", parent=base, fontName=fonts.SANS_BOLD, fontSize=10,
                                 leading=14, spaceBefore=10, spaceAfter=3,
                                 keepWithNext=True)
        self.label = ParagraphStyle("label", parent=base, fontName=fonts.SANS_BOLD,
                                    fontSize=8, leading=11, textColor=self.muted,
                                    spaceAfter=2, keepWithNext=True)
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=11,
                                    textColor=self.muted, spaceAfter=2)
        self.note = ParagraphStyle("note", parent=base, fontSize=8.5, leading=12,
                                   leftIndent=20, bulletIndent=0, spaceAfter=7,
                                   bulletFontName=fonts.SANS_BOLD, bulletFontSize=8.5)
        self.quote = ParagraphStyle("quote", parent=base, fontName=fonts.SANS_ITALIC,
                                    fontSize=8.5, leading=12, spaceAfter=3)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=12,
                                   spaceAfter=2)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell,
                                        fontName=fonts.SANS_BOLD)
        self.mono = ParagraphStyle("mono", parent=self.cell, fontName=fonts.MONO,
                                   fontSize=7.5, leading=11)
        self.toc = ParagraphStyle("toc", parent=base, fontSize=10, leading=16, spaceAfter=0)
        self.verdict = ParagraphStyle("verdict", parent=base, fontSize=9, leading=13,
                                      spaceAfter=2)
