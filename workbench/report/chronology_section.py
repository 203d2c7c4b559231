"""The report's optional "Chronology" section: the findings' claims in time order.

One table row per entry: the date (with why it stands where it does when it is less
exact than a day), what happened with the words it rests on and the claims it bears
on, and its citation, linked to the report's Sources section.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from workbench.core.snapshot import ReportSnapshot
from workbench.report.sections import heading
from workbench.report.styles import Styles
from workbench.report.text import esc, quoted

#: Longest quotation a row prints whole.
ROW_QUOTE_LIMIT = 600
DATE_WIDTH = 34 * mm
SOURCE_WIDTH = 48 * mm


def _citation(line, s: Styles) -> str:
    src = line.source
    if src is None:
        return esc(f"{line.record} (no document)")
    page = f", page {line.page}" if line.page else ""
    return (f'<a href="#source-{src.number}" color="{s.link.hexval()}">'
            f"{esc(src.title)} [S{src.number}]</a>{esc(page)}")


def _what(line, s: Styles) -> str:
    muted = f'<font size="{s.small.fontSize}" color="{s.muted.hexval()}">'
    parts = [f"{muted}{esc(line.kind)}</font>", f"<b>{esc(line.title)}</b>"]
    if line.text:
        text = line.text
        if len(text) > ROW_QUOTE_LIMIT:
            text = text[:ROW_QUOTE_LIMIT].rsplit(" ", 1)[0] + " [\u2026]"
        quote = line.kind in ("Record", "Statement")
        parts.append(f"<i>{quoted(text)}</i>" if quote else esc(text))
    if line.bears_on:
        parts.append(f"{muted}Bears on {esc(', '.join(line.bears_on))}</font>")
    return "<br/>".join(parts)


def chronology(snap: ReportSnapshot, s: Styles, width: float) -> list[Flowable]:
    """The section's flowables; nothing when the snapshot has no chronology."""
    if not snap.chronology:
        return []
    out: list[Flowable] = [heading("Chronology", s.h1, "chronology", 0)]
    out.append(Paragraph(
        "What happened when, for the claims the findings rely on: the records, the "
        "statements, when each party was asked, and the verdicts, in one order. A date "
        "known only to the month or year stands before the days it covers; the entries "
        "that fall within it may have come before or after it.", s.body))
    muted = f'<font size="{s.small.fontSize}" color="{s.muted.hexval()}">'
    rows: list[list] = [[Paragraph("Date", s.cell_head), Paragraph("What", s.cell_head),
                         Paragraph("Source", s.cell_head)]]
    for line in snap.chronology:
        date = f"<b>{esc(line.date)}</b>"
        if line.precision_note:
            date += f"<br/>{muted}{esc(line.precision_note)}</font>"
        rows.append([Paragraph(date, s.cell), Paragraph(_what(line, s), s.cell),
                     Paragraph(_citation(line, s), s.cell)])
    table = Table(rows, colWidths=[DATE_WIDTH, width - DATE_WIDTH - SOURCE_WIDTH,
                                   SOURCE_WIDTH], repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, s.muted),
        ("LINEBELOW", (0, 1), (-1, -2), 0.4, s.rule),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    out.append(table)
    return out
