"""Importing evidence: files and folders in, documents out, and a report of every file.

One bad file never stops a batch: each file is read, extracted and committed in its own
transaction, and every file gets one line in the import's report (imported, duplicate,
unsupported, failed or skipped, with the reason). The report is stored in the case.

Format support lives in the extractor modules registered in :mod:`.extract`; archives
and mailboxes are opened by the expanders in :mod:`.sources`; the work itself is done by
:mod:`.pipeline`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.core.casefile import Case, is_case_or_sidecar, open_in_this_process, utcnow
from workbench.core.errors import NotFound, ValidationError
# Format modules register their extractors and expanders when imported.
from workbench.core.importing import archive as _archive  # noqa: F401
from workbench.core.importing import images as _images  # noqa: F401
from workbench.core.importing import mail as _mail  # noqa: F401
from workbench.core.importing import mbox as _mbox  # noqa: F401
from workbench.core.importing import outlook as _outlook  # noqa: F401
from workbench.core.importing import office as _office  # noqa: F401
from workbench.core.importing import pdf as _pdf  # noqa: F401
from workbench.core.importing import text as _text  # noqa: F401
from workbench.core.importing import web as _web  # noqa: F401
from workbench.core.importing import guard, ocr
from workbench.core.importing.extract import ImportOptions
from workbench.core.importing.pipeline import Importer
from workbench.core.importing.workers import ExtractPool
from workbench.core.importing.sources import (EXPANDERS, ImportItem, ImportReport, Source,
                                              expand, shown, walk)
from workbench.core.progress import NO_PROGRESS, Cancelled, Progress

__all__ = ["ImportOptions", "ImportItem", "ImportReport", "ImportSummary", "import_paths",
           "imports", "import_report", "import_summaries", "Source", "EXPANDERS"]

#: Imports running in this process; one left "running" in a file and not here was
#: interrupted (the process was killed).
_ACTIVE: set[tuple[str, int]] = set()

_OCR_MODES = ("auto", "force", "off")


def import_paths(case: Case, paths: Iterable[str | Path], *, origin: str | None = None,
                 confidential: bool = False, options: ImportOptions | None = None,
                 progress: Progress = NO_PROGRESS) -> ImportReport:
    """Import files, folders (recursively) and archives; return the report.

    Each file is its own transaction, so a cancelled or killed import keeps every file
    that was stored and none that was not; files still being extracted or OCR'd when
    the user cancels are left out (running the import again adds them). Runs on the
    calling thread, which must own the case; OCR runs in Tesseract processes beside
    it, and batches of PDFs may be extracted in worker processes.
    """
    options = options or ImportOptions()
    if options.ocr not in _OCR_MODES:
        raise ValidationError(f"OCR mode must be one of {', '.join(_OCR_MODES)}")
    if options.ocr != "off":
        ocr.check_languages(options.ocr_lang)
    names = [str(p) for p in paths]
    started = time.monotonic()
    interrupted = {r["id"] for r in case.rows(
        "SELECT id FROM imports WHERE status = 'running' AND finished_at IS NULL")
        if (str(case.path), r["id"]) not in _ACTIVE}
    with case.action("Start import") as act:
        import_id = act.insert("imports", {"started_at": utcnow(), "origin": origin,
                                           "paths": json.dumps([shown(p) for p in names],
                                                               ensure_ascii=False)})
    report = ImportReport(import_id=import_id, origin=origin, started_at=utcnow())
    _ACTIVE.add((str(case.path), import_id))
    pool = (ocr.OcrPool(options.ocr_lang)
            if options.ocr != "off" and ocr.tesseract() is not None else None)
    try:
        importer = Importer(case, import_id=import_id, origin=origin,
                            confidential=confidential, options=options, pool=pool,
                            progress=progress)
        importer.interrupted = interrupted
        _run(importer, report, names, progress)
        report.completes = sorted(importer.completes)
    finally:
        if pool is not None:
            pool.close(cancel=report.status != "done")
        if report.status != "done":
            # Cancelled or stopped: the capped worker may still be reading the last file
            # (up to its limits), and the next import's first file would wait behind it
            # and be blamed for its time. Stop it; a new one starts when next needed.
            guard.GUARD.stop()
            guard.GUARD.restart()
        guard.GUARD.trim()
        _ACTIVE.discard((str(case.path), import_id))
    report.seconds = time.monotonic() - started
    with case.action("Finish import") as act:
        act.update("imports", import_id, {
            "finished_at": utcnow(), "status": report.status, "imported": report.imported,
            "duplicates": report.duplicates, "failed": report.failed,
            "pages": report.pages, "ocr_pages": report.ocr_pages,
            "seconds": round(report.seconds, 3)})
    progress.update(1.0, f"Imported {report.imported} of {len(report.items)} files")
    return report


def _run(importer: Importer, report: ImportReport, paths: list[str],
         progress: Progress) -> None:
    progress.update(0.0, "Looking for files")
    walked = [_never_the_case(importer.case, entry)
              for entry in walk(paths, follow_links=importer.options.follow_links)]
    total = max(1, len(walked))
    if ExtractPool.wanted([e for e in walked if isinstance(e, Source)]):
        importer.extract_pool = ExtractPool()
    try:
        # Archives and mailboxes are opened when their turn comes, member by member,
        # so whatever is wrong inside one never stops the files before or after it.
        for n, top in enumerate(walked):
            progress.update(n / total, top.label if isinstance(top, Source) else top.path)
            for entry in expand([top], importer.options):
                progress.check()
                if isinstance(entry, ImportItem):
                    importer.record(entry)
                    report.items.append(entry)
                else:
                    report.items += importer.add_safely(entry)
        report.items += importer.flush()
        report.status = "done"
    except Cancelled:
        report.status = "cancelled"
    finally:
        if importer.extract_pool is not None:
            importer.extract_pool.close()


def _never_the_case(case: Case, entry: Source | ImportItem) -> Source | ImportItem:
    """The case file (and its -wal, -shm, journal) is never read as a source: besides
    making no sense, opening and closing it outside SQLite would drop this program's
    locks on the live case (see casefile). Nor is another case this program has open."""
    if isinstance(entry, Source) and entry.path is not None and (
            is_case_or_sidecar(case.path, entry.path) or open_in_this_process(entry.path)):
        return ImportItem(entry.label, "skipped", reason=(
            "is this case's own file (or one SQLite keeps beside it); a case is never "
            "imported into itself"))
    return entry


def imports(case: Case) -> list[ImportReport]:
    """Every past import, oldest first, with its per-file outcomes."""
    return [import_report(case, r["id"]) for r in case.rows("SELECT id FROM imports ORDER BY id")]


@dataclass(frozen=True)
class ImportSummary:
    """One past import in a line: how many files it imported and how many failed."""

    import_id: int
    origin: str | None
    started_at: str
    status: str
    imported: int
    failed: int


def import_summaries(case: Case) -> list[ImportSummary]:
    """Every past import, oldest first, counted in one query (what :func:`imports` says
    in a line, without reading each file's outcome: a leak-sized case has 250,000)."""
    counts: dict[int, dict[str, int]] = {}
    for r in case.rows("SELECT import_id, outcome, count(*) FROM import_items "
                       "GROUP BY import_id, outcome"):
        counts.setdefault(r[0], {})[r[1]] = r[2]
    out = []
    for row in case.rows("SELECT id, origin, started_at, status, finished_at FROM imports "
                         "ORDER BY id"):
        n = counts.get(row["id"], {})
        out.append(ImportSummary(row["id"], row["origin"], row["started_at"],
                                 _status(case, row), n.get("imported", 0),
                                 n.get("failed", 0) + n.get("unsupported", 0)))
    return out


def _status(case: Case, row) -> str:
    status = row["status"]
    if status == "running" and row["finished_at"] is None:
        status = "running" if (str(case.path), row["id"]) in _ACTIVE else "interrupted"
    return status


def import_report(case: Case, import_id: int) -> ImportReport:
    row = case.row("SELECT * FROM imports WHERE id = ?", (import_id,))
    if row is None:
        raise NotFound("import", import_id)
    status = _status(case, row)
    report = ImportReport(import_id=import_id, origin=row["origin"],
                          started_at=row["started_at"], status=status,
                          seconds=row["seconds"] or 0.0)
    for r in case.rows("SELECT i.*, d.page_count, (SELECT count(*) FROM pages p WHERE "
                       "p.document_id = i.document_id AND p.ocr = 'done') AS ocr_pages "
                       "FROM import_items i LEFT JOIN documents d ON d.id = i.document_id "
                       "WHERE i.import_id = ? ORDER BY i.id", (import_id,)):
        imported = r["outcome"] == "imported"
        report.items.append(ImportItem(
            r["path"], r["outcome"], r["document_id"], r["reason"],
            pages=(r["page_count"] or 0) if imported else 0,
            ocr_pages=(r["ocr_pages"] or 0) if imported else 0))
    return report
