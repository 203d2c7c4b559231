"""PDF pages as images, rendered off the GUI thread with pypdfium2.

Rendering is a read like any other and runs on the session's reader thread
(``session.queries``, see :mod:`workbench.ui.shell.jobs`). PDFium is not safe to call
from several threads at once, and the writer thread calls it too (an import renders
scanned pages for OCR, an export reads its PDF back), so every call here holds the
process's one PDFium lock (:data:`workbench.core.importing.pdf.PDFIUM_LOCK`). A request
names the document; the renderer reads the original bytes through the reader's
connection (a large PDF can take a moment to read), keeps the last opened document, and
answers with a ``QImage`` (safe to make outside the GUI thread, unlike ``QPixmap``). A
newer page request supersedes one not yet rendered.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from workbench.core import documents
from workbench.core.casefile import Case
from workbench.core.errors import WorkbenchError
from workbench.core.importing.pdf import PDFIUM_LOCK


class PageRenderer(QObject):
    """Renders on the session's reader thread; ``request(...)`` is called on the GUI
    thread and answers there through :attr:`page_rendered` or :attr:`render_failed`."""

    #: request number, image, and where each asked-for character range lies on it:
    #: ``[(key, [(x, y, width, height), ...]), ...]`` in the image's pixels.
    page_rendered = Signal(int, QImage, object)
    render_failed = Signal(int, str)

    def __init__(self, queries, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queries = queries
        # The open PDF: touched on the reader thread only.
        self._doc_id: int | None = None
        self._pdf = None
        queries.at_stop(self._close_pdf)

    def request(self, request_no: int, document_id: int, page_no: int, scale: float,
                marks: tuple = (), text: str = "") -> None:
        """Render a page; ``marks`` are ``(key, start, end)`` ranges of the stored page
        ``text`` whose boxes on the image come back with it. A newer request supersedes
        this one (the user already moved on)."""
        wanted = (tuple(marks), text)
        self.queries.run(
            lambda case: self._render_locked(case, document_id, page_no, scale, wanted),
            lambda out: self.page_rendered.emit(request_no, *out),
            lambda message: self.render_failed.emit(request_no, message), key="page")

    def _render_locked(self, case: Case, document_id: int, page_no: int, scale: float,
                       wanted):
        data = None
        if document_id != self._doc_id:  # read before taking the lock (a large PDF
            try:                          # takes a moment to read)
                data = documents.data(case, document_id)
            except Exception as exc:
                raise WorkbenchError(f"This page cannot be shown ({exc}).") from None
        with PDFIUM_LOCK:
            return self._render(case, document_id, page_no, scale, wanted, data)

    def _render(self, case: Case, document_id: int, page_no: int, scale: float, wanted,
                data: bytes | None = None):
        """On the reader thread, holding the PDFium lock: (image, boxes); a damaged PDF
        raises a one-line error."""
        try:
            import pypdfium2 as pdfium
            if document_id != self._doc_id:
                self._close_pdf()
                self._doc_id = document_id
                self._pdf = pdfium.PdfDocument(
                    data if data is not None else documents.data(case, document_id))
            page = self._pdf[page_no - 1]
            if scale < 0:  # a negative scale asks for that many pixels of width
                scale = -scale / max(1.0, page.get_width())
            bitmap = page.render(scale=scale, rev_byteorder=True,
                                 fill_color=(255, 255, 255, 255))
            channels = bitmap.stride // max(1, bitmap.width)
            fmt = (QImage.Format.Format_RGB888 if channels == 3
                   else QImage.Format.Format_RGBX8888)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           fmt).copy()
            marks, text = wanted
            boxes = char_boxes(page, text, marks, scale) if marks else []
            page.close()
        except Exception as exc:  # a damaged PDF: say so where the page would be
            self._doc_id = None
            self._pdf = None
            raise WorkbenchError(f"This page cannot be shown ({exc}).") from None
        return image, boxes

    def _close_pdf(self) -> None:
        if self._pdf is not None:
            with PDFIUM_LOCK:
                self._pdf.close()
        self._pdf = None
        self._doc_id = None


def _stored_to_pdfium(raw: str, stored: str) -> list[int] | None:
    """For each character of the stored page text, its index in PDFium's text of the page
    (the stored text is PDFium's with ``\r\n`` made ``\n`` and NULs dropped); None when
    the two differ otherwise (an OCR'd page, a page whose text was replaced)."""
    out: list[int] = []
    j = 0
    while j < len(raw):
        ch = raw[j]
        if ch == "\x00":
            j += 1
            continue
        if ch == "\r":
            out.append(j)
            j += 2 if raw[j + 1:j + 2] == "\n" else 1
            continue
        out.append(j)
        j += 1
    if len(out) != len(stored):
        return None
    return out


def char_boxes(page, text: str, marks, scale: float) -> list:
    """Where each ``(key, start, end)`` range of the stored text lies on the rendered page,
    as pixel rectangles (one per line the range spans)."""
    textpage = page.get_textpage()
    try:
        index = _stored_to_pdfium(textpage.get_text_range(), text)
        if index is None:
            return []
        height = page.get_height()
        out = []
        for key, start, end in marks:
            if not 0 <= start < end <= len(index):
                continue
            first, last = index[start], index[end - 1]
            rects = []
            for n in range(textpage.count_rects(first, last - first + 1)):
                left, bottom, right, top = textpage.get_rect(n)
                rects.append((left * scale, (height - top) * scale,
                              (right - left) * scale, (top - bottom) * scale))
            if rects:
                out.append((key, rects))
        return out
    finally:
        textpage.close()
