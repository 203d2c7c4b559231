"""The flowables of each section of the report, from a snapshot.

Every string from the case goes through :func:`~workbench.report.text.esc` before it
reaches a ``Paragraph``. Headings carry an ``outline`` attribute (title, key, level)
that the document template turns into a PDF bookmark.
"""

from __future__ import annotations

from itertools import zip_longest

from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus import TableStyle

from workbench.core.findings import CITATION_MARK
from workbench.core.snapshot import (Claim, Evidence, Finding, Note,
                                     ReportSnapshot, Response, Source)
from workbench.report import fonts
from workbench.report.styles import Styles
from workbench.report.text import (CHANNELS, CLAIMS_TITLE, NARRATED, STANCES, VERDICTS,
                                   clean, esc, join, quoted)

#: Longest quotation a table cell prints whole; longer ones are cut with a pointer to
#: their source (a cell must fit on one page).
CELL_QUOTE_LIMIT = 1500


def heading(text: str, style, key: str, level: int, outline: str | None = None) -> Paragraph:
    """A heading that is also a link target and a bookmark."""
    para = Paragraph(f'<a name="{key}"/>{esc(text)}', style)
    para.outline = (outline or text, key, level)  # type: ignore[attr-defined]
    return para


def _link(target: str, text: str, s: Styles) -> str:
    return f'<a href="#{target}" color="{s.link.hexval()}">{text}</a>'


def _source_ref(src: Source | None, s: Styles) -> str:
    if src is None:
        return ""
    return _link(f"source-{src.number}", f"{esc(src.title)} [S{src.number}]", s)


# -- title page -------------------------------------------------------------------------

def title_page(snap: ReportSnapshot, s: Styles) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 30 * mm), Paragraph(esc(snap.title), s.title)]
    if snap.byline:
        out.append(Paragraph(esc(snap.byline), s.subtitle))
    out.append(Paragraph(esc(snap.date), s.subtitle))
    if snap.draft:
        out.append(Paragraph("DRAFT \u2014 not for publication. This report has not passed "
                             "the publication checks.", s.draft_banner))
    out.append(Spacer(1, 10 * mm))
    out.append(Paragraph("At a glance", s.h2))
    counts = [[Paragraph(esc(label), s.cell), Paragraph(f"{n:,}", s.cell_head)]
              for label, n in snap.counts]
    counts.append([Paragraph("Contradictions resolved", s.cell),
                   Paragraph(f"{snap.resolved_contradictions} of "
                             f"{len(snap.contradictions)}", s.cell_head)])
    table = Table(counts, colWidths=[60 * mm, 40 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, s.rule),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    out.append(table)
    out.append(Spacer(1, 8 * mm))
    out.append(Paragraph("Contents", s.h2))
    chronology = (("chronology", "Chronology"),) if snap.chronology else ()
    for key, name in (("findings", "Findings"), ("claims", CLAIMS_TITLE),
                      ("responses", "Responses"), *chronology, ("sources", "Sources")):
        out.append(Paragraph(_link(key, name, s), s.toc))
    out.append(Spacer(1, 8 * mm))
    out.append(Paragraph(
        "How to read this report: each finding carries numbered marks; each mark links to a "
        "note giving the source document, its page and the exact words quoted, with the "
        "first 12 characters of the document\u2019s SHA-256 fingerprint. The full "
        "fingerprints are under Sources. Sources that must stay confidential appear only "
        "as \u201cConfidential source N\u201d.", s.small))
    return out


# -- findings ---------------------------------------------------------------------------

def _marks(notes: tuple[Note, ...], s: Styles) -> str:
    links = [_link(f"note-{n.number}", str(n.number), s) for n in notes]
    return f"<super>{', '.join(links)}</super>" if links else ""


def _with_marks(f: Finding, text: str, s: Styles) -> str:
    """Escaped paragraph text with each citation mark ``[k]`` as its linked note number."""
    out, last = [], 0
    for m in CITATION_MARK.finditer(text):
        note = f.note_at(int(m.group(1)))
        if note is None:
            continue  # not a citation of this finding: printed as written
        # A mark belongs to the word before it, as a footnote number does.
        out += [esc(text[last:m.start()].rstrip(" ")), _marks((note,), s)]
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def _note(n: Note, s: Styles) -> list[Flowable]:
    anchor = f'<a name="note-{n.number}"/>'
    src = n.source
    if n.kind == "excerpt":
        head = join([_source_ref(src, s), esc(src.origin) if src else None,
                     f"page&nbsp;{n.page}" if n.page else None, esc(n.date)])
    else:
        who = esc(n.actor) + (f" \u2014 {esc(join([n.speaker, n.role], ', '))}"
                              if n.speaker or n.role else "")
        when = esc(n.date) if n.date else (f"asked {esc(n.asked_on)}" if n.asked_on else None)
        head = join([f"<b>{who}</b>", STANCES.get(n.stance or "", n.stance),
                     CHANNELS.get(n.channel or "", n.channel), when])
        if src is not None:
            head += "<br/>Recorded in " + join([_source_ref(src, s), esc(src.origin),
                                                f"page&nbsp;{n.page}" if n.page else None])
    if src is not None and src.short_hash:
        head += f' · SHA-256&nbsp;<font name="WorkbenchMono">{src.short_hash}</font>'
    if n.withheld:
        body = "Quotation withheld to protect a confidential source."
    elif n.quote and n.narrated:
        body = NARRATED + esc(n.quote)
    elif n.quote:
        body = quoted(n.quote)
    elif n.stance == "no-response":
        body = "No response by the date of this report."
    else:
        body = ""
    # One paragraph per note: a report may hold hundreds, and each costs a parse.
    text = anchor + head + (f"<br/><i>{body}</i>" if body else "")
    return [Paragraph(text, s.note, bulletText=f"{n.number}")]


def findings(snap: ReportSnapshot, s: Styles) -> list[Flowable]:
    out: list[Flowable] = [heading("Findings", s.h1, "findings", 0)]
    if not snap.findings:
        out.append(Paragraph("This case has no findings yet.", s.body))
    for f in snap.findings:
        title = f"{f.number}. {f.title}"
        out.append(CondPageBreak(40 * mm))
        out.append(heading(title, s.h2, f"finding-{f.number}", 1))
        paragraphs = list(f.paragraphs) or [""]
        trailing = _marks(f.unmarked_notes, s)
        for i, text in enumerate(paragraphs):
            marks = trailing if i == len(paragraphs) - 1 else ""
            out.append(Paragraph(_with_marks(f, text, s) + marks, s.body))
        if f.status == "draft":
            out.append(Paragraph("Marked draft by its author.", s.small))
        if f.notes:
            out.append(Paragraph("Sources for this finding", s.label))
            for n in f.notes:
                out.extend(_note(n, s))
        else:
            out.append(Paragraph("This finding cites no source yet.", s.small))
    return out


# -- contradictions ---------------------------------------------------------------------

def _evidence_cell(e: Evidence | None, s: Styles) -> list[Flowable]:
    if e is None:
        return []
    label = _source_ref(e.source, s) if e.source and e.label.startswith(e.source.title) \
        else ""
    if label:
        label += esc(e.label[len(e.source.title):])  # type: ignore[union-attr]
    else:
        label = esc(e.label)
        if e.source is not None:
            label += " \u2014 " + _source_ref(e.source, s)
    parts = [f"<b>{label}</b>"]
    if e.withheld:
        parts.append("<i>Quotation withheld to protect a confidential source.</i>")
    elif e.quote:
        text = e.quote
        if len(text) > CELL_QUOTE_LIMIT:
            text = text[:CELL_QUOTE_LIMIT].rsplit(" ", 1)[0] + " [\u2026]"
        parts.append(NARRATED + esc(text) if e.narrated else f"<i>{quoted(text)}</i>")
    if e.note:
        parts.append(f'<font size="{s.small.fontSize}" color="{s.muted.hexval()}">'
                     f"{esc(e.note)}</font>")
    # One paragraph per item: label, quotation and note (each Paragraph costs a parse).
    return [Paragraph("<br/>".join(parts), s.cell)]


def _evidence_list(c: Claim, s: Styles) -> list[Flowable]:
    """Evidence on at most one side: listed, not set side by side."""
    out: list[Flowable] = []
    for title, items in (("Evidence for", c.supports), ("Evidence against", c.contradicts)):
        if items:
            out.append(Paragraph(title, s.label))
            for e in items:
                out.extend(_evidence_cell(e, s))
    if not (c.supports or c.contradicts):
        out.append(Paragraph("No evidence for or against is linked to this claim.", s.small))
    return out


def _claim(number: int, c: Claim, s: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(45 * mm),
                           heading(f"Claim {number}: {c.text}", s.h2, f"claim-{c.number}",
                                   1, outline=c.text)]
    if c.about:
        out.append(Paragraph("About: " + esc(", ".join(c.about)), s.small))
    if c.contested:
        out.append(Paragraph("<b>Contradiction:</b> the evidence goes both ways.", s.small))
    else:
        out.extend(_evidence_list(c, s))
        out.extend(_verdict_tail(c, s, width))
        return out
    rows: list[list] = [[Paragraph("Evidence for", s.cell_head),
                         Paragraph("Evidence against", s.cell_head)]]
    for left, right in zip_longest(c.supports, c.contradicts):
        rows.append([_evidence_cell(left, s), _evidence_cell(right, s)])
    table = Table(rows, colWidths=[width / 2] * 2, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, -1), s.for_tint),
        ("BACKGROUND", (1, 0), (1, -1), s.against_tint),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, s.muted),
        ("LINEBELOW", (0, 1), (-1, -2), 0.4, s.rule),
        ("LINEAFTER", (0, 0), (0, -1), 0.8, white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    out.append(table)
    out.extend(_verdict_tail(c, s, width))
    return out


def _verdict_tail(c: Claim, s: Styles, width: float) -> list[Flowable]:
    tail: list[Flowable] = []
    if c.context:
        tail.append(Spacer(1, 4))
        tail.append(Paragraph("Context", s.label))
        for e in c.context:
            tail.extend(_evidence_cell(e, s))
    verdict = [Paragraph(f"<b>Verdict: {esc(VERDICTS.get(c.status, c.status))}</b>"
                         + (f" (decided {esc(c.decided_on)})" if c.decided_on else ""),
                         s.verdict)]
    verdict.append(Paragraph(esc(c.rationale) if c.rationale
                             else "No rationale recorded yet.", s.verdict))
    box = Table([[verdict]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), s.panel),
        ("LINEBEFORE", (0, 0), (0, -1), 2.5, s.accent),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    tail += [Spacer(1, 6), box]
    return [KeepTogether(tail)]  # the verdict stays with the context it weighs


def claims(snap: ReportSnapshot, s: Styles, width: float) -> list[Flowable]:
    """Every claim checked, with its evidence and verdict; a contradiction (evidence on
    both sides) sets the two sides side by side."""
    out: list[Flowable] = [heading(CLAIMS_TITLE, s.h1, "claims", 0)]
    if not snap.claims:
        out.append(Paragraph("No claim is recorded in this case.", s.body))
    else:
        out.append(Paragraph(
            "Every claim checked for this report, with the evidence for and against it and "
            "the verdict, with its reasons. Where the evidence goes both ways (a "
            "contradiction) a table sets the two sides side by side.", s.body))
    for c in snap.claims:
        out.extend(_claim(c.number, c, s, width))
    return out


# -- responses --------------------------------------------------------------------------

def _response(r: Response, s: Styles, *, repeat_speaker: bool = True) -> list[Flowable]:
    if r.stance == "no-response":
        line = "<b>Did not respond</b> to questions sent " + join(
            [f"on {esc(r.asked_on)}" if r.asked_on else None,
             f"by {esc(CHANNELS.get(r.channel or '', r.channel))}" if r.channel else None],
            " ") + "."
        return [Paragraph(line, s.body)]
    who = join([r.speaker, r.role], ", ") if repeat_speaker else None
    line = join([f"<b>{esc(STANCES.get(r.stance, r.stance))}</b>", esc(r.date),
                 esc(CHANNELS.get(r.channel or "", r.channel)), esc(who)])
    if r.source is not None:
        line += " · " + _source_ref(r.source, s)
    out: list[Flowable] = [Paragraph(line, s.body)]
    if r.withheld:
        out.append(Paragraph("Words withheld to protect a confidential source.", s.quote))
    elif r.text and r.narrated:
        out.append(Paragraph(NARRATED + esc(r.text), s.body))
    elif r.text:
        out.append(Paragraph(quoted(r.text), s.quote))
    out.append(Spacer(1, 4))
    return out


def responses(snap: ReportSnapshot, s: Styles) -> list[Flowable]:
    """One entry per party (and, within it, per speaker): those that gave no words on
    record first, with the date they were asked."""
    out: list[Flowable] = [heading("Responses", s.h1, "responses", 0)]
    out.append(Paragraph(
        "The statements on record from each party in this report, verbatim, with who "
        "spoke, when and how. Parties that did not respond are listed first, with the date "
        "they were asked.", s.body))
    for i, a in enumerate(snap.responses, start=1):
        out.append(heading(a.name, s.h3, f"actor-{i}", 1))
        if a.not_needed is not None:
            out.append(Paragraph(f"<b>No response needed:</b> {esc(a.not_needed)}", s.body))
        elif not a.on_record:
            out.append(Paragraph("No response on record.", s.body))
        last_speaker = None
        for r in a.responses:
            out.extend(_response(r, s, repeat_speaker=r.speaker != last_speaker))
            last_speaker = r.speaker
    return out


# -- sources ----------------------------------------------------------------------------

class Anchor(Flowable):
    """A zero-height link target (cheaper than a Paragraph holding ``<a name>``)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 12)


class _WholeTable(Table):
    """A table that moves to the next page rather than split (a source's details)."""

    def split(self, avail_width: float, avail_height: float) -> list:
        return []


def _cell(text: str, font: str, size: float, width: float, style) -> str | Paragraph:
    """Plain text when it fits on one line (no markup parsing: fast), else a Paragraph."""
    text = clean(text).replace("\n", " ")
    if stringWidth(text, font, size) <= width:
        return text
    return Paragraph(esc(text), style)


def _source(src: Source, s: Styles, width: float) -> list[Flowable]:
    label_w = 25 * mm
    value_w = width - label_w
    head = _cell(f"S{src.number}. {src.title}", fonts.SANS_BOLD, s.h3.fontSize, width, s.h3)
    rows: list[list] = [[head, ""]]
    if src.confidential:
        rows.append(["Details withheld to protect a confidential source.", ""])
    else:
        for label, value, mono in (
                ("Origin", src.origin, False), ("File name", src.file_name, False),
                ("Received", src.received, False),
                ("Dated", src.date if src.date != src.received else None, False),
                ("Pages", str(src.pages) if src.pages is not None else None, False),
                ("SHA-256", src.sha256, True)):
            if value:
                font, size, style = ((fonts.MONO, s.mono.fontSize, s.mono) if mono
                                     else (fonts.SANS, s.cell.fontSize, s.cell))
                rows.append([label, _cell(value, font, size, value_w - 2, style)])
    table = _WholeTable(rows, colWidths=[label_w, value_w], hAlign="LEFT")
    commands = [
        ("SPAN", (0, 0), (-1, 0)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("FONT", (0, 0), (-1, 0), fonts.SANS_BOLD, s.h3.fontSize, s.h3.leading),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("FONT", (0, 1), (0, -1), fonts.SANS, s.small.fontSize, s.cell.leading),
        ("TEXTCOLOR", (0, 1), (0, -1), s.muted),
        ("FONT", (1, 1), (1, -1), fonts.SANS, s.cell.fontSize, s.cell.leading)]
    if src.confidential:
        commands += [("SPAN", (0, 1), (-1, 1)), ("TEXTCOLOR", (0, 1), (-1, 1), s.muted)]
    elif src.sha256:
        commands.append(("FONT", (1, -1), (1, -1), fonts.MONO, s.mono.fontSize,
                         s.cell.leading))
    table.setStyle(TableStyle(commands))
    return [Anchor(f"source-{src.number}"), table, Spacer(1, 9)]


def sources(snap: ReportSnapshot, s: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = [heading("Sources", s.h1, "sources", 0)]
    out.append(Paragraph(
        "Every document this report cites, as it was received. Anyone holding a copy can "
        "check it is the same file by computing its SHA-256 fingerprint.", s.body))
    for src in snap.sources:
        out.extend(_source(src, s, width))
    if not snap.sources:
        out.append(Paragraph("No document is cited.", s.body))
    return out
