"""OCR after import: pages marked ``needed`` (or ``failed``) run through Tesseract now.

For a case imported on a machine without Tesseract, or with ``--ocr off``. Each page's
new text is stored in its own transaction as its result arrives, so stopping halfway
keeps every page finished so far and leaves the rest marked as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from workbench.core import documents
from workbench.core.casefile import Case
from workbench.core.errors import ValidationError
from workbench.core.importing import ocr
from workbench.core.importing.extract import RENDERERS
from workbench.core.progress import NO_PROGRESS, Progress


@dataclass
class OcrSummary:
    pages: int = 0  # pages tried
    done: int = 0
    failed: int = 0
    skipped: list[str] = field(default_factory=list)  # pages left alone, with why
    confidence: float | None = None  # mean over the pages done


def pending_pages(case: Case, *, document_id: int | None = None,
                  retry_failed: bool = False) -> list[tuple[int, int]]:
    """(document id, page number) of every page waiting for OCR."""
    states = ("needed", "failed") if retry_failed else ("needed",)
    sql = ("SELECT p.document_id, p.page_no FROM pages p WHERE p.ocr IN "
           f"({', '.join('?' for _ in states)})")
    params: list = list(states)
    if document_id is not None:
        documents.get(case, document_id)
        sql += " AND p.document_id = ?"
        params.append(document_id)
    return [(r[0], r[1]) for r in case.rows(sql + " ORDER BY p.document_id, p.page_no",
                                             params)]


def _jobs(case: Case, pages: list[tuple[int, int]],
          summary: OcrSummary) -> Iterator[tuple[int, int, Callable[[], bytes], str]]:
    current: tuple[int, Callable[[int], bytes] | None] | None = None
    for doc_id, page_no in pages:
        if current is None or current[0] != doc_id:
            doc = documents.get(case, doc_id)
            data = documents.data(case, doc_id)
            draw_kind = RENDERERS.get(doc.kind)
            current = (doc_id, None if draw_kind is None else
                       (lambda index, draw_kind=draw_kind, data=data: draw_kind(data, index)))
        draw = current[1]
        if draw is None:
            summary.skipped.append(f"document {doc_id} page {page_no}: not a PDF or image")
            continue
        fallback = documents.page(case, doc_id, page_no).text
        yield (doc_id, page_no,
               lambda draw=draw, i=page_no - 1: draw(i),  # type: ignore[misc]
               fallback)


def ocr_documents(case: Case, *, document_id: int | None = None, lang: str = "eng",
                  retry_failed: bool = False,
                  progress: Progress = NO_PROGRESS) -> OcrSummary:
    """OCR every page waiting for it (of one document, or of the whole case).

    Runs on the calling thread, which must own the case; Tesseract runs beside it, one
    process per core. Raises :class:`ValidationError` when Tesseract is missing.
    """
    if ocr.tesseract() is None:
        raise ValidationError("Tesseract is not installed (Debian: apt-get install "
                              "tesseract-ocr tesseract-ocr-eng)")
    ocr.check_languages(lang)
    pages = pending_pages(case, document_id=document_id, retry_failed=retry_failed)
    summary = OcrSummary()
    confidences: list[float] = []
    total = max(1, len(pages))
    with ocr.OcrPool(lang) as pool:
        running: dict[Future, tuple[int, int]] = {}
        jobs = _jobs(case, pages, summary)
        exhausted = False
        while running or not exhausted:
            progress.check()
            while not exhausted and len(running) < 2 * pool.size:
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                    break
                doc_id, page_no, render, fallback = job
                running[pool.submit(render, fallback_text=fallback)] = (doc_id, page_no)
            finished, _ = wait(list(running), timeout=0.25, return_when=FIRST_COMPLETED)
            for future in finished:
                doc_id, page_no = running.pop(future)
                result = future.result()
                try:
                    documents.set_page_text(case, doc_id, page_no, result)
                except ValidationError as exc:
                    summary.skipped.append(f"document {doc_id} page {page_no}: {exc}")
                    continue
                summary.pages += 1
                if result.ocr == "done":
                    summary.done += 1
                    if result.ocr_confidence is not None:
                        confidences.append(result.ocr_confidence)
                else:
                    summary.failed += 1
                progress.update(summary.pages / total,
                                f"OCR: document {doc_id}, page {page_no}")
    if confidences:
        summary.confidence = round(sum(confidences) / len(confidences), 1)
    return summary
