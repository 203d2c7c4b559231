"""The report as PDF (reportlab): page geometry, page furniture, bookmarks, metadata.

:func:`render_pdf` takes a :class:`~workbench.core.snapshot.ReportSnapshot` and writes a
PDF; it never reads the case file. With ``reproducible=True`` reportlab's invariant mode
is on and the PDF's dates are the report's date, so the same snapshot always gives the
same bytes.

"Page X of Y": the total is unknown while pages are laid out, so each footer draws a
reference to a PDF form ("page-total") that :class:`_ReportCanvas` defines once, when
the document is saved. One pass, no second layout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak
from reportlab.platypus import PageTemplate

from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.snapshot import ReportSnapshot
from workbench.report import chronology_section, fonts, sections
from workbench.report.styles import Styles

PAGE_TOTAL_FORM = "page-total"


class _ReportCanvas(Canvas):
    """A canvas that defines the page-total form when saved, and fixes the PDF dates."""

    footer_font = fonts.SANS
    footer_size = 7.5
    pdf_date: str | None = None  # "D:YYYYMMDD000000+00'00'" in reproducible mode

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.pdf_date:
            stamp = self.pdf_date
            self.setDateFormatter(lambda *_parts: stamp)

    def save(self) -> None:
        total = self.getPageNumber() - (0 if self._code else 1)
        if self._code:
            self.showPage()
        self.beginForm(PAGE_TOTAL_FORM)
        self.setFont(self.footer_font, self.footer_size)
        self.setFillColor(Styles.muted)
        self.drawString(0, 0, str(total))
        self.endForm()
        super().save()


def _canvas_maker(pdf_date: str | None) -> type[_ReportCanvas]:
    return type("ReportCanvas", (_ReportCanvas,), {"pdf_date": pdf_date})


class ReportDocument(BaseDocTemplate):
    """Geometry and page furniture of the report."""

    page_size = A4
    margin_x = 20 * mm
    margin_top = 24 * mm
    margin_bottom = 22 * mm
    header_y_offset = 12 * mm  # from the top edge
    footer_y = 11 * mm

    def __init__(self, target: str, snap: ReportSnapshot, styles: Styles,
                 *, reproducible: bool) -> None:
        self.snap = snap
        self.styles = styles
        self._outline_shown = False
        super().__init__(
            target, pagesize=self.page_size, leftMargin=self.margin_x,
            rightMargin=self.margin_x, topMargin=self.margin_top,
            bottomMargin=self.margin_bottom, title=snap.title, author=snap.byline or "",
            subject=snap.subject, creator=snap.generator,
            keywords=["investigation", "findings", "sources"] + (["draft"] if snap.draft
                                                                  else []),
            invariant=1 if reproducible else 0, lang="en")
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("title", [frame], onPage=self._title_page),
            PageTemplate("body", [frame], onPage=self._body_page)])

    # -- page furniture -----------------------------------------------------------
    def _watermark(self, canv: Canvas) -> None:
        if not self.snap.draft:
            return
        w, h = self.pagesize
        canv.saveState()
        canv.setFillColor(self.styles.draft, alpha=0.10)
        canv.setFont(fonts.SANS_BOLD, 110)
        canv.translate(w / 2, h / 2)
        canv.rotate(50)
        canv.drawCentredString(0, -38, "DRAFT")
        canv.restoreState()

    def _footer(self, canv: Canvas) -> None:
        w, _h = self.pagesize
        canv.saveState()
        canv.setStrokeColor(self.styles.rule)
        canv.setLineWidth(0.4)
        canv.line(self.leftMargin, self.footer_y + 10, w - self.rightMargin, self.footer_y + 10)
        canv.setFont(_ReportCanvas.footer_font, _ReportCanvas.footer_size)
        canv.setFillColor(self.styles.muted)
        label = f"Page {canv.getPageNumber()} of "
        canv.drawString(self.leftMargin, self.footer_y, label)
        canv.translate(self.leftMargin + canv.stringWidth(label, _ReportCanvas.footer_font,
                                                         _ReportCanvas.footer_size),
                       self.footer_y)
        canv.doForm(PAGE_TOTAL_FORM)
        canv.restoreState()
        canv.saveState()
        canv.setFont(_ReportCanvas.footer_font, _ReportCanvas.footer_size)
        canv.setFillColor(self.styles.draft if self.snap.draft else self.styles.muted)
        right = ("DRAFT \u2014 not for publication" if self.snap.draft
                 else _fit(self.snap.byline or "", lambda t: canv.stringWidth(
                     t, _ReportCanvas.footer_font, _ReportCanvas.footer_size), w / 2))
        canv.drawRightString(w - self.rightMargin, self.footer_y, right)
        canv.restoreState()

    def _header(self, canv: Canvas) -> None:
        w, h = self.pagesize
        y = h - self.header_y_offset
        size = 7.5
        right = ("DRAFT \u00b7 " if self.snap.draft else "") + self.snap.date
        room = w - 2 * self.margin_x - canv.stringWidth(right, fonts.SANS, size) - 12
        title = _fit(self.snap.title, lambda t: canv.stringWidth(t, fonts.SANS, size), room)
        canv.saveState()
        canv.setFont(fonts.SANS, size)
        canv.setFillColor(self.styles.muted)
        canv.drawString(self.leftMargin, y, title)
        if self.snap.draft:
            canv.setFillColor(self.styles.draft)
        canv.drawRightString(w - self.rightMargin, y, right)
        canv.setStrokeColor(self.styles.rule)
        canv.setLineWidth(0.4)
        canv.line(self.leftMargin, y - 4, w - self.rightMargin, y - 4)
        canv.restoreState()

    def _title_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        self._watermark(canv)
        self._footer(canv)

    def _body_page(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        self._watermark(canv)
        self._header(canv)
        self._footer(canv)

    # -- bookmarks ---------------------------------------------------------------
    def afterFlowable(self, flowable) -> None:
        outline = getattr(flowable, "outline", None)
        if outline is None:
            return
        title, key, level = outline
        if not self._outline_shown:
            self.canv.showOutline()  # viewers open with the bookmarks panel
            self._outline_shown = True
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)


def _fit(text: str, width: Callable[[str], float], room: float) -> str:
    """``text`` cut with an ellipsis to fit ``room`` points."""
    if width(text) <= room:
        return text
    while text and width(text + "\u2026") > room:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def story(snap: ReportSnapshot, styles: Styles, width: float) -> list:
    flow: list = [NextPageTemplate("body")]
    flow += sections.title_page(snap, styles)
    flow.append(PageBreak())
    flow += sections.findings(snap, styles)
    flow.append(PageBreak())
    flow += sections.claims(snap, styles, width)
    flow.append(PageBreak())
    flow += sections.responses(snap, styles)
    flow.append(PageBreak())
    if snap.chronology:  # optional
        flow += chronology_section.chronology(snap, styles, width)
        flow.append(PageBreak())
    flow += sections.sources(snap, styles, width)
    return flow


def _progress_callback(progress: Progress) -> Callable[[str, int], None]:
    """Adapt reportlab's build progress (flowables laid out) to a core Progress."""
    total, done = [1], [0]

    def report(kind: str, value: int) -> None:
        if kind == "SIZE_EST":
            total[0] = max(1, value)
        elif kind == "PROGRESS":
            progress.check()  # raises Cancelled: the partial file is removed
            done[0] = max(done[0], value)  # a split flowable goes back on the queue
            progress.update(done[0] / total[0], "Laying out the report")

    return report


def render_pdf(snap: ReportSnapshot, path: str | Path, *, reproducible: bool = False,
               progress: Progress = NO_PROGRESS, atomic: bool = True) -> Path:
    """Write the report to ``path`` (replaced only once the PDF is complete).

    ``progress`` hears how far the layout is and may cancel it; the file at ``path`` is
    then left as it was. With ``atomic`` (the default) the PDF is written to a temporary
    file beside ``path`` and renamed over it (never through a link or onto a device:
    :func:`workbench.report.export.replacing`); without, ``path`` is written directly
    (it is already such a temporary file).
    """
    from workbench.report.export import replacing

    path = Path(path)
    if atomic:
        with replacing(path, fmt="any") as tmp:
            render_pdf(snap, tmp, reproducible=reproducible, progress=progress, atomic=False)
        return path
    styles = Styles()
    a85 = rl_config.useA85
    rl_config.useA85 = 0  # binary streams: ASCII85-encoding them costs ~10% of the export
    try:
        doc = ReportDocument(str(path), snap, styles, reproducible=reproducible)
        doc.setProgressCallBack(_progress_callback(progress))
        pdf_date = "D:" + snap.date.replace("-", "") + "000000+00'00'" if reproducible \
            else None
        doc.build(story(snap, styles, doc.width), canvasmaker=_canvas_maker(pdf_date))
    finally:
        rl_config.useA85 = a85
    return path
