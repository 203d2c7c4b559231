"""PDF pages as images, rendered off the GUI thread with pypdfium2.

PDFium is not safe to call from several threads, so one renderer thread does all of
it. A request names the document; the renderer reads the original bytes through the
session's reading connection itself (a large PDF can take a moment to read), keeps the
last opened document, and answers with a ``QImage`` (safe to make outside the GUI
thread, unlike ``QPixmap``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from workbench.core import documents
from workbench.core.casefile import Case


class PageRenderer(QObject):
    """Lives in its own thread; ``request(...)`` is thread-safe (a queued signal)."""

    page_rendered = Signal(int, QImage)  # request number, image
    render_failed = Signal(int, str)
    _requested = Signal(int, int, int, float)

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self._doc_id: int | None = None
        self._pdf = None
        self._latest = 0
        self._requested.connect(self._render)

    def request(self, request_no: int, document_id: int, page_no: int, scale: float) -> None:
        self._latest = request_no
        self._requested.emit(request_no, document_id, page_no, scale)

    @Slot(int, int, int, float)
    def _render(self, request_no: int, document_id: int, page_no: int, scale: float) -> None:
        if request_no != self._latest:  # the user already moved on
            return
        try:
            import pypdfium2 as pdfium
            if document_id != self._doc_id:
                if self._pdf is not None:
                    self._pdf.close()
                self._pdf = None
                self._doc_id = document_id
                self._pdf = pdfium.PdfDocument(documents.data(self.case, document_id))
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
            page.close()
        except Exception as exc:  # a damaged PDF: say so where the page would be
            self._doc_id = None
            self._pdf = None
            self.render_failed.emit(request_no, f"This page cannot be shown ({exc}).")
            return
        self.page_rendered.emit(request_no, image)

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


class RenderThread:
    """Owns the renderer and its thread."""

    def __init__(self, case: Case) -> None:
        self.thread = QThread()
        self.thread.setObjectName("pdf-renderer")
        self.renderer = PageRenderer(case)
        self.renderer.moveToThread(self.thread)
        self.thread.start()

    def stop(self) -> None:
        self.thread.quit()
        self.thread.wait()  # one page at most; closing under it would crash
        self.renderer.close()
