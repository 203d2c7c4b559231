"""PDF: text per page with PDFium (pypdfium2), and which pages need OCR.

A page whose text layer is empty but which draws something (a scanned image, text
turned into outlines) is a candidate for OCR; a page that draws nothing is blank and is
left alone. The extractor does not run OCR itself: it names the candidate pages, and
the import pipeline runs OCR for many files at once with :func:`render_page`.

PDFium is not thread-safe, not even across documents, so every call into it holds
:data:`PDFIUM_LOCK` (OCR workers render pages while the main thread extracts text).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
import re
import time
from itertools import islice
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from workbench.core.documents import PageText
from workbench.core.importing.extract import (RENDERERS, ExtractionError, Extracted,
                                              ImportOptions, register, title_from_name)

PDFIUM_LOCK = threading.RLock()

# glibc's mallopt parameters (malloc.h): M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3


@functools.cache
def tune_allocator() -> bool:
    """Keep freed memory for reuse instead of handing it back to the system at once.

    For every page PDFium builds a table of the page's characters (a few hundred bytes
    each) and frees it again. With glibc's defaults those blocks are mapped from and
    returned to the system page by page, so every page paid for tens of thousands of
    page faults: on 1,800 dense pages 256,000 faults and about 30 % of the extraction
    time (4.5-4.8 s of processor time; 3.0-3.5 s with this, 4,600 faults). Keeping up to
    32 MB at the top of the heap costs that much memory at most. Glibc only; elsewhere
    nothing changes. Returns whether the settings were made.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return all(mallopt(param, value) == 1 for param, value in (
        (_M_TRIM_THRESHOLD, 32 << 20), (_M_TOP_PAD, 4 << 20), (_M_MMAP_THRESHOLD, 16 << 20)))
#: Resolution pages are rendered at for OCR; Tesseract reads best at about 300 dpi.
OCR_DPI = 300
#: Longest side of a rendered page in pixels, so that a huge page cannot exhaust memory.
MAX_RENDER_SIDE = 10_000


#: A page tree with no pages (``/Kids []`` or ``/Count 0``). PDFium sets no error of its
#: own for such a file, so the error it reports is whatever an earlier file left.
_EMPTY_PAGE_TREE = re.compile(
    rb"/Type\s*/Pages\b(?:(?!>>).){0,200}?(?:/Kids\s*\[\s*\]|/Count\s+0\b)", re.S)


def _open(data: bytes | str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        # PDFium's last error is global and not always reset by a failed load: after an
        # encrypted file, a damaged one also says "password". Only an /Encrypt entry
        # makes a PDF encrypted.
        if "password" in message and (isinstance(data, str) or b"/Encrypt" in data):
            raise ExtractionError("password required (encrypted PDF)") from None
        if "password" in message:
            message = "success"
        if not isinstance(data, str) and _EMPTY_PAGE_TREE.search(data):
            message = "success"  # the stale error of an earlier file, not this one's
        if "format" in message or "file" in message:
            raise ExtractionError("damaged or truncated PDF (cannot be parsed)") from None
        if "success" in message:  # PDFium found no error, only no document to load
            raise ExtractionError("damaged PDF (no page tree or no pages)") from None
        raise ExtractionError(f"PDF cannot be read ({exc})") from None


def _draws_something(page: pdfium.PdfPage) -> bool:
    for _ in page.get_objects(max_depth=1):
        return True
    return False


def _metadata(doc: pdfium.PdfDocument) -> dict:
    try:
        raw = doc.get_metadata_dict(skip_empty=True)
    except Exception:  # odd metadata never stops an import
        return {}
    keep = {"Title": "title", "Author": "author", "CreationDate": "created",
            "ModDate": "modified", "Producer": "producer", "Creator": "creator"}
    return {keep[k]: v for k, v in raw.items() if k in keep}


#: No real page takes fewer bytes than this (its dictionary, its entry in the page tree
#: and the cross-reference table), so a file of n bytes has at most n / 16 pages.
MIN_PAGE_BYTES = 16

#: Keys of the metadata dict that carry what :func:`read_pages` noticed to
#: :func:`assemble` (also across worker processes); never stored.
_UNLOADABLE, _CLAIMED, _STOPPED = "_unloadable", "_claimed", "_stopped"


def bounded_count(claimed: int, size: int, max_pages: int | None = None) -> int:
    """How many pages of a PDF of ``size`` bytes claiming ``claimed`` pages are read."""
    bound = min(claimed, max(1, size // MIN_PAGE_BYTES))
    return bound if max_pages is None else min(bound, max_pages)


def read_pages(data: bytes, *, force_ocr: bool = False, start: int = 0,
               stop: int | None = None, max_pages: int | None = None,
               max_seconds: float | None = None) -> tuple[list[PageText], list[int], dict]:
    """Text of pages ``start`` to ``stop`` (all by default), the indexes (in the whole
    document) of pages to OCR, and document metadata.

    Pages with no text layer that draw something come back marked ``needed``. A range
    lets several processes share one long document (:mod:`.workers`). The page count a
    PDF states is not trusted: no more pages are tried than its size can hold
    (:func:`bounded_count`) or ``max_pages``; pages that cannot be loaded are listed in
    the metadata for :func:`assemble`, which drops them when they end the document. Past
    ``max_seconds`` the remaining pages are left out, and said so.
    """
    tune_allocator()
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    with PDFIUM_LOCK:
        doc = _open(data)
        try:
            pages: list[PageText] = []
            candidates: list[int] = []
            unloadable: list[int] = []
            claimed = len(doc)
            count = bounded_count(claimed, len(data), max_pages)
            last = count if stop is None else min(stop, count)
            stopped: list[tuple[int, int]] = []
            for index in range(min(start, count), last):
                if deadline is not None and time.monotonic() > deadline:
                    stopped.append((index, last))
                    break
                page_text = _read_page(doc, index)
                if page_text is None:
                    unloadable.append(index)
                    page_text = PageText("", "needed")
                pages.append(page_text)
                if page_text.ocr == "needed" or (force_ocr and page_text.text.strip()):
                    candidates.append(index)
            metadata = _metadata(doc)
            metadata[_UNLOADABLE] = unloadable
            metadata[_STOPPED] = stopped
            if start == 0:
                metadata[_CLAIMED] = (claimed, count)
            return pages, candidates, metadata
        finally:
            doc.close()


def page_count(data: bytes | Path, *, max_pages: int | None = None) -> int | None:
    """How many pages of a PDF (its bytes, or its file) are read, or None when PDFium
    cannot open it: its stated count, bounded by its size (:func:`bounded_count`).
    From a file, PDFium reads only the parts it needs to count."""
    with PDFIUM_LOCK:
        try:
            doc = _open(str(data) if isinstance(data, Path) else data)
        except ExtractionError:
            return None
        try:
            size = data.stat().st_size if isinstance(data, Path) else len(data)
            return bounded_count(len(doc), size, max_pages)
        except OSError:
            return None
        finally:
            doc.close()


def _read_page(doc: pdfium.PdfDocument, index: int) -> PageText | None:
    """The page's text; None when PDFium cannot load the page at all."""
    try:
        page = doc[index]
    except pdfium.PdfiumError:
        return None
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
        if text.strip():
            return PageText(text)
        return PageText("", "needed") if _draws_something(page) else PageText("")
    except pdfium.PdfiumError:
        return PageText("", "needed")
    finally:
        page.close()


#: A scan is used as it is (not drawn again) at resolutions Tesseract reads well.
SCAN_DPI_RANGE = (150, 600)


def _scanned_image(page: pdfium.PdfPage) -> bytes | None:
    """The page's scan as a PGM image, taken straight from the PDF, or None.

    Only for a page that is nothing but one upright 8-bit greyscale image covering it,
    as a scanner writes them, at 150-600 dpi, with no annotations. Decoding that image
    took about 7 ms where drawing the page took 110-130 ms, which the OCR of the page
    (about 2.5 s) had to wait for. Anything else is drawn by :func:`render_page`.
    """
    objects = list(islice(page.get_objects(max_depth=1), 2))
    if len(objects) != 1 or objects[0].type != pdfium_raw.FPDF_PAGEOBJ_IMAGE:
        return None
    if page.get_rotation() or pdfium_raw.FPDFPage_GetAnnotCount(page.raw):
        return None
    image = objects[0]
    a, b, c, d, _, _ = image.get_matrix().get()
    if b or c or a <= 0 or d <= 0:  # turned, skewed or mirrored
        return None
    x0, y0, x1, y1 = page.get_cropbox()
    width, height = x1 - x0, y1 - y0
    left, bottom, right, top = image.get_bounds()
    if max(abs(left - x0), abs(right - x1)) > 0.02 * width or \
            max(abs(bottom - y0), abs(top - y1)) > 0.02 * height:
        return None  # does not cover the visible page
    meta = image.get_metadata()
    if meta.bits_per_pixel != 8 or meta.colorspace != pdfium_raw.FPDF_COLORSPACE_DEVICEGRAY:
        return None
    dpi_x, dpi_y = meta.width * 72 / width, meta.height * 72 / height
    low, high = SCAN_DPI_RANGE
    if not (low <= dpi_x <= high and abs(dpi_y - dpi_x) <= 0.05 * dpi_x):
        return None
    # Freed when it goes out of scope (pypdfium2 warns against closing it by hand).
    bitmap = image.get_bitmap(render=False)
    if bitmap.mode != "L" or (bitmap.width, bitmap.height) != (meta.width, meta.height):
        return None
    return _pgm(bitmap)


def render_page(data: bytes, index: int, *, dpi: int = OCR_DPI) -> bytes:
    """Page ``index`` (from 0) drawn in grey at ``dpi``, as a binary PGM image; a scanned
    page is its scan as it is (:func:`_scanned_image`).

    PGM needs no compression, so it is the cheapest image to hand to Tesseract.
    """
    tune_allocator()
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(data)
        try:
            page = doc[index]
            try:
                try:
                    scan = _scanned_image(page)
                except pdfium.PdfiumError:
                    scan = None
                if scan is not None:
                    return scan
                width, height = page.get_size()  # in points, 1/72 inch
                scale = min(dpi / 72, MAX_RENDER_SIDE / max(width, height, 1))
                bitmap = page.render(scale=scale, grayscale=True)
                try:
                    return _pgm(bitmap)
                finally:
                    bitmap.close()
            finally:
                page.close()
        finally:
            doc.close()


def _pgm(bitmap: pdfium.PdfBitmap) -> bytes:
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    buffer = memoryview(bitmap.buffer).cast("B")
    header = f"P5\n{width} {height}\n255\n".encode("ascii")
    if stride == width:
        return header + bytes(buffer[:width * height])
    rows = b"".join(bytes(buffer[y * stride:y * stride + width]) for y in range(height))
    return header + rows


def check_header(data: bytes) -> None:
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF file (no %PDF header)")


def assemble(name: str, pages: list[PageText], candidates: list[int],
             metadata: dict) -> Extracted:
    """The extraction of a whole PDF from its pages (read at once or in ranges).

    Pages that could not be loaded at the end of the document are not there (a page
    count that claims more than the page tree holds); one inside it keeps its place, so
    that page numbers do not shift, and waits for OCR.
    """
    metadata = dict(metadata)
    unloadable = set(metadata.pop(_UNLOADABLE, ()))
    stopped = metadata.pop(_STOPPED, ())
    claimed, read = metadata.pop(_CLAIMED, (len(pages), len(pages)))
    notes = []
    if stopped:
        first = min(a for a, _ in stopped)
        pages = pages[:first]
        notes.append(f"reading stopped at the time limit: pages {first + 1}-{read} "
                     "left out")
    while pages and len(pages) - 1 in unloadable:
        pages.pop()
    candidates = [i for i in candidates if i < len(pages)]
    if not pages:
        if claimed:
            raise ExtractionError(f"damaged PDF: claims {claimed:,} "
                                  f"page{'' if claimed == 1 else 's'}, none can be read")
        raise ExtractionError("PDF has no pages")
    if claimed != len(pages) and not stopped:
        notes.append(f"claims {claimed:,} pages; {len(pages):,} found")
    elif claimed > read:
        notes.append(f"claims {claimed:,} pages; at most {read:,} read")
    title = metadata.get("title", "")
    if title.strip().lower() in ("", "untitled"):  # producers' placeholder titles
        title = title_from_name(name)
    return Extracted(kind="pdf", title=title, pages=pages, media_type="application/pdf",
                     metadata=metadata, ocr_pages=candidates, notes=notes)


@register(".pdf")
def extract_pdf(data: bytes, name: str, options: ImportOptions) -> Extracted:
    check_header(data)
    pages, candidates, metadata = read_pages(data, force_ocr=options.ocr == "force",
                                             max_pages=options.max_pages,
                                             max_seconds=options.max_seconds)
    return assemble(name, pages, candidates, metadata)


RENDERERS["pdf"] = render_page
