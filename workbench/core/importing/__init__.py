"""Importing evidence: files and folders in, documents out, and a report of every file.

One bad file never stops a batch: each file is read, extracted and committed in its own
transaction, and every file gets one line in the import's report (imported, duplicate,
unsupported, failed or skipped, with the reason). The report is stored in the case.

Format support lives in the extractor modules registered in :mod:`.extract`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core import documents
from workbench.core.casefile import Case, utcnow
from workbench.core.errors import NotFound
# Format modules register their extractors when imported.
from workbench.core.importing import mail as _mail  # noqa: F401
from workbench.core.importing import text as _text  # noqa: F401
from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              Unsupported, extractor_for)
from workbench.core.progress import NO_PROGRESS, Cancelled, Progress

__all__ = ["ImportOptions", "ImportItem", "ImportReport", "import_paths", "imports",
           "import_report", "Source"]


@dataclass(frozen=True)
class ImportItem:
    path: str
    outcome: str  # imported | duplicate | unsupported | failed | skipped
    document_id: int | None = None
    reason: str | None = None
    pages: int = 0
    ocr_pages: int = 0


@dataclass
class ImportReport:
    import_id: int
    origin: str | None
    started_at: str
    status: str = "running"  # running | done | cancelled | interrupted
    items: list[ImportItem] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def imported(self) -> int:
        return self.count("imported")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def failed(self) -> int:
        return self.count("failed") + self.count("unsupported")

    @property
    def pages(self) -> int:
        return sum(i.pages for i in self.items)

    @property
    def ocr_pages(self) -> int:
        return sum(i.ocr_pages for i in self.items)

    @property
    def problems(self) -> list[ImportItem]:
        return [i for i in self.items if i.outcome in ("failed", "unsupported")]


@dataclass
class Source:
    """One file to import: where it came from and how to read its bytes."""

    label: str  # what the user sees: a path, or "archive.zip:inner/path"
    file_name: str
    size: int
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


def _walk(paths: Iterable[str | Path]) -> Iterator[Source | ImportItem]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    yield from _file(Path(folder) / name)
        elif path.exists():
            yield from _file(path)
        else:
            yield ImportItem(str(path), "failed", reason="no such file or folder")


def _file(path: Path) -> Iterator[Source | ImportItem]:
    if path.name.startswith("."):
        yield ImportItem(str(path), "skipped", reason="hidden file")
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield ImportItem(str(path), "failed", reason=f"cannot be read ({exc.strerror})")
        return
    yield Source(label=str(path), file_name=path.name, size=size, path=path)


#: Imports running in this process; one left "running" in a file and not here was
#: interrupted (the process was killed).
_ACTIVE: set[tuple[str, int]] = set()

#: Hooks that expand a source into other sources (archives); set by format modules.
EXPANDERS: list = []


def _expand(items: Iterator[Source | ImportItem],
            options: ImportOptions) -> Iterator[Source | ImportItem]:
    for item in items:
        if isinstance(item, Source):
            for expander in EXPANDERS:
                expanded = expander(item, options)
                if expanded is not None:
                    yield from _expand(iter(expanded), options)
                    break
            else:
                yield item
        else:
            yield item


def import_paths(case: Case, paths: Iterable[str | Path], *, origin: str | None = None,
                 confidential: bool = False, options: ImportOptions | None = None,
                 progress: Progress = NO_PROGRESS) -> ImportReport:
    """Import files, folders (recursively) and archives; return the report.

    Each file is its own transaction, so a cancelled or killed import keeps every file
    that finished and none that did not. Cancelling stops between files.
    """
    options = options or ImportOptions()
    paths = [str(p) for p in paths]
    started = time.monotonic()
    with case.action("Start import") as act:
        import_id = act.insert("imports", {"started_at": utcnow(), "origin": origin,
                                           "paths": json.dumps(paths, ensure_ascii=False)})
    report = ImportReport(import_id=import_id, origin=origin, started_at=utcnow())
    _ACTIVE.add((str(case.path), import_id))
    try:
        _run(case, report, paths, origin=origin, confidential=confidential,
             options=options, progress=progress)
    finally:
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


def _run(case: Case, report: ImportReport, paths: list[str], *, origin: str | None,
         confidential: bool, options: ImportOptions, progress: Progress) -> None:
    import_id = report.import_id
    progress.update(0.0, "Looking for files")
    queue = list(_expand(_walk(paths), options))
    total = max(1, len(queue))
    try:
        for n, entry in enumerate(queue):
            progress.check()
            if isinstance(entry, ImportItem):
                item = entry
                _record(case, import_id, item)
            else:
                progress.update(n / total, entry.label)
                item = _import_one(case, entry, import_id=import_id, origin=origin,
                                   confidential=confidential, options=options)
            report.items.append(item)
        report.status = "done"
    except Cancelled:
        report.status = "cancelled"


def _record(case: Case, import_id: int, item: ImportItem) -> None:
    with case.action("Record import outcome") as act:
        act.insert("import_items", {"import_id": import_id, "path": item.path,
                                    "outcome": item.outcome,
                                    "document_id": item.document_id, "reason": item.reason})


def _import_one(case: Case, source: Source, *, import_id: int, origin: str | None,
                confidential: bool, options: ImportOptions,
                parent_id: int | None = None) -> ImportItem:
    item = _try_import(case, source, import_id=import_id, origin=origin,
                       confidential=confidential, options=options, parent_id=parent_id)
    if item.outcome != "imported":
        _record(case, import_id, item)
    return item


def _try_import(case: Case, source: Source, *, import_id: int, origin: str | None,
                confidential: bool, options: ImportOptions,
                parent_id: int | None) -> ImportItem:
    label = source.label
    if source.size > options.max_file_bytes:
        limit = options.max_file_bytes / 1024 / 1024
        return ImportItem(label, "failed",
                          reason=f"larger than the import limit ({limit:g} MB)")
    if source.size == 0:
        return ImportItem(label, "failed", reason="empty file")
    try:
        data = source.read()
    except OSError as exc:
        return ImportItem(label, "failed", reason=f"cannot be read ({exc.strerror})")
    existing = documents.find_by_sha256(case, documents.sha256_of(data))
    if existing is not None:
        documents.add_name(case, existing, file_name=source.file_name,
                           source_path=source.label, origin=origin)
        return ImportItem(label, "duplicate", document_id=existing,
                          reason=f"duplicate of document {existing}")
    try:
        extracted = extractor_for(source.file_name)(data, source.file_name, options)
    except Unsupported as exc:
        return ImportItem(label, "unsupported", reason=str(exc))
    except ExtractionError as exc:
        return ImportItem(label, "failed", reason=str(exc))
    except Exception as exc:  # a library choking on a malformed file
        return ImportItem(label, "failed",
                          reason=f"could not be read ({type(exc).__name__}: {exc})"[:300])
    return _store(case, source, data, extracted, import_id=import_id, origin=origin,
                  confidential=confidential, options=options, parent_id=parent_id)


def _store(case: Case, source: Source, data: bytes, extracted: Extracted, *,
           import_id: int, origin: str | None, confidential: bool,
           options: ImportOptions, parent_id: int | None) -> ImportItem:
    ocr_pages = sum(1 for p in extracted.pages if p.ocr == "done")
    with case.action(f"Import {source.file_name}") as act:
        changes = documents.add(
            case, data=data, title=extracted.title, kind=extracted.kind,
            pages=extracted.pages, file_name=source.file_name, source_path=source.label,
            origin=origin, media_type=extracted.media_type, confidential=confidential,
            metadata=extracted.metadata, parent_id=parent_id, import_id=import_id,
            email=extracted.email)
        doc_id = changes.id
        act.row_id = doc_id
        act.insert("import_items", {"import_id": import_id, "path": source.label,
                                    "outcome": "imported", "document_id": doc_id,
                                    "reason": None})
    item = ImportItem(source.label, "imported", document_id=doc_id,
                      pages=len(extracted.pages), ocr_pages=ocr_pages)
    for name, blob in extracted.attachments:
        _import_one(case, Source(label=f"{source.label}:{name}", file_name=name,
                                 size=len(blob), data=blob),
                    import_id=import_id, origin=origin, confidential=confidential,
                    options=options, parent_id=doc_id)
    return item


def imports(case: Case) -> list[ImportReport]:
    """Every past import, oldest first, with its per-file outcomes."""
    return [import_report(case, r["id"]) for r in case.rows("SELECT id FROM imports ORDER BY id")]


def import_report(case: Case, import_id: int) -> ImportReport:
    row = case.row("SELECT * FROM imports WHERE id = ?", (import_id,))
    if row is None:
        raise NotFound("import", import_id)
    status = row["status"]
    if status == "running" and row["finished_at"] is None:
        status = "running" if (str(case.path), import_id) in _ACTIVE else "interrupted"
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

