"""The import pipeline: read, extract, OCR and store each file in its own transaction.

Extraction (PDFs, in worker processes for a batch) and OCR (seconds a page) overlap
across files: a file waits in a short queue while later files are read, extracted and
their pages join the same pool of Tesseract processes. Files are still stored one at a
time, in order, each in one transaction, on the calling thread (the only one that
writes the case).
"""

from __future__ import annotations

import sqlite3
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from workbench.core import documents
from workbench.core.casefile import Case
from workbench.core.documents import PageText
from workbench.core.importing.extract import (RENDERERS, ExtractionError, Extracted,
                                              ImportOptions, Unsupported, extractor_for,
                                              size_text)
from workbench.core.importing import guard, text
from workbench.core.importing.ocr import OcrPool
from workbench.core.importing.workers import ExtractPool
from workbench.core.importing.sources import ImportItem, Source, expand
from workbench.core.progress import Cancelled, Progress

#: OCR pages queued per Tesseract process before the pipeline stops reading ahead.
READ_AHEAD_PAGES = 4
#: Files (and bytes) held in memory waiting for an earlier file, at most.
READ_AHEAD_FILES = 32
READ_AHEAD_BYTES = 256 * 1024 * 1024


@dataclass
class Ready:
    """A file read and being extracted or OCR'd, waiting to be stored."""

    source: Source
    data: bytes
    digest: str
    parent_id: int | None
    extracted: Extracted | None = None
    extraction: Future | None = None  # extraction in a worker process
    attempts: int = 1
    futures: dict[int, Future] = field(default_factory=dict)  # OCR, by page index
    ocr_started: bool = False
    failure: ImportItem | None = None  # extraction failed in a worker
    #: A stored email whose attachments an earlier import left unfinished: this run
    #: reads it again to finish them (see :meth:`Importer._resume`).
    resume_of: int | None = None
    resumed_import: int | None = None
    #: The bytes left on disk (a large text file: ``data`` is then empty).
    file: documents.FileBytes | None = None
    #: Extracted by the memory-capped worker (:mod:`.guard`), not the batch's pool;
    #: when it must be done by (past it the worker is stopped), and whether it was.
    guarded: bool = False
    deadline: float = 0.0
    timed_out: bool = False

    def done(self) -> bool:
        if self.failure is not None:
            return True
        if self.extracted is None:
            return False
        return self.ocr_started and all(f.done() for f in self.futures.values())


class Importer:
    """Imports sources into one case for one import run (see :func:`import_paths`)."""

    def __init__(self, case: Case, *, import_id: int, origin: str | None,
                 confidential: bool, options: ImportOptions, pool: OcrPool | None,
                 progress: Progress, extract_pool: ExtractPool | None = None) -> None:
        self.case = case
        self.import_id = import_id
        self.origin = origin
        self.confidential = confidential
        self.options = options
        self.pool = pool
        self.extract_pool = extract_pool
        self.progress = progress
        self.waiting: deque[Ready] = deque()
        self._waiting_digests: set[str] = set()
        #: Earlier imports that were interrupted (set by the caller), and those of them
        #: whose files this run met again: it finishes what they began.
        self.interrupted: set[int] = set()
        self.completes: set[int] = set()

    # -- the queue of files being extracted or OCR'd ------------------------------------
    def add(self, source: Source) -> list[ImportItem]:
        """Start importing ``source``; return the items of every file finished meanwhile."""
        finished: list[ImportItem] = []
        prepared = self._prepare(source, None, parallel=True)
        if isinstance(prepared, Ready) and prepared.digest in self._waiting_digests:
            # The same bytes are still waiting: store those first, then this is a
            # duplicate of them like any other.
            finished += self.flush()
            prepared = self._prepare(source, None, parallel=True)
        if isinstance(prepared, ImportItem):
            self.record(prepared)
            return finished + [prepared]
        self.waiting.append(prepared)
        self._waiting_digests.add(prepared.digest)
        for ready in self.waiting:
            self._advance(ready)
        while self.waiting and (self.waiting[0].done() or self._over_limit()):
            finished += self._store_next()
        return finished

    def add_safely(self, source: Source) -> list[ImportItem]:
        """:meth:`add`, with anything unforeseen going wrong in this one file turned
        into its failed line, so that the batch goes on. A full disk or a locked case
        still stops the import: every later file would fail the same way."""
        try:
            return self.add(source)
        except (Cancelled, sqlite3.OperationalError):
            raise
        except Exception as exc:
            item = _failure(source.label, exc)
            self.record(item)
            return [item]

    def flush(self) -> list[ImportItem]:
        """Wait for every queued file's extraction and OCR and store them all."""
        finished: list[ImportItem] = []
        while self.waiting:
            finished += self._store_next()
        return finished

    def _over_limit(self) -> bool:
        ocr_backlog = sum(1 for r in self.waiting for f in r.futures.values()
                          if not f.done())
        extracting = sum(1 for r in self.waiting if r.extracted is None)
        held = sum(len(r.data) for r in self.waiting)
        return (ocr_backlog > READ_AHEAD_PAGES * (self.pool.size if self.pool else 1)
                or extracting > 2 * (self.extract_pool.size if self.extract_pool else 1)
                or len(self.waiting) > READ_AHEAD_FILES or held > READ_AHEAD_BYTES)

    def _store_next(self) -> list[ImportItem]:
        ready = self.waiting[0]
        try:
            outcome = self._complete(ready)
        except (Cancelled, sqlite3.OperationalError):
            raise
        except Exception as exc:  # one file's OCR or extraction went wrong oddly
            outcome = _failure(ready.source.label, exc)
        self.waiting.popleft()
        self._waiting_digests.discard(ready.digest)
        if isinstance(outcome, ImportItem):
            self.record(outcome)
            return [outcome]
        return self._finish(ready)

    def _complete(self, ready: Ready) -> ImportItem | None:
        """Wait for ``ready``'s extraction and OCR; an item when extraction failed."""
        while ready.extracted is None and ready.failure is None:
            self._wait([ready.extraction])
            self._advance(ready)
        if ready.failure is not None:
            return ready.failure
        self._start_ocr(ready)
        self._wait(list(ready.futures.values()))
        return None

    def _advance(self, ready: Ready) -> None:
        """Take a finished extraction's result (or failure) and start its OCR."""
        if ready.extracted is None and ready.extraction is not None \
                and ready.extraction.done():
            future, ready.extraction = ready.extraction, None
            try:
                ready.extracted = future.result()
            except BrokenProcessPool:
                if ready.guarded:  # it holds one file at a time: this one killed it
                    guard.GUARD.restart()
                    ready.failure = ImportItem(ready.source.label, "failed", reason=(
                        guard.time_message(self.options) if ready.timed_out else
                        "its reader crashed (a damaged or hostile file, or one over "
                        "the memory limit)"))
                    return
                # A worker died; this file may be the one that killed it, or not.
                assert self.extract_pool is not None
                self.extract_pool.restart()
                if ready.attempts >= 2:
                    ready.failure = ImportItem(
                        ready.source.label, "failed",
                        reason="crashed the PDF reader (damaged or hostile file)")
                    return
                ready.attempts += 1
                ready.extraction = self.extract_pool.submit(
                    ready.data, ready.source.file_name, self.options)
                return
            except Exception as exc:
                ready.failure = _failure(ready.source.label, exc)
                return
        if ready.extracted is not None:
            self._start_ocr(ready)

    def _wait(self, futures: list) -> None:
        pending = [f for f in futures if f is not None and not f.done()]
        while pending:
            self.progress.check()  # cancelling works while OCR runs
            _, not_done = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            pending = list(not_done)
            self._stop_overdue()

    def _stop_overdue(self) -> None:
        """Stop the capped worker when the file it reads is past its hard time limit
        (one library call can run for ever, where --max-seconds is checked between
        pages): the file is then reported, and a new worker reads the next."""
        now = time.monotonic()
        for ready in self.waiting:
            if ready.guarded and not ready.timed_out and ready.extraction is not None \
                    and not ready.extraction.done() and now > ready.deadline:
                ready.timed_out = True
                guard.GUARD.stop()

    # -- one file ------------------------------------------------------------------
    def import_now(self, source: Source, parent_id: int | None) -> list[ImportItem]:
        """Import one file straight away (attachments, whose parent is being stored)."""
        prepared = self._prepare(source, parent_id, parallel=False)
        if isinstance(prepared, ImportItem):
            self.record(prepared)
            return [prepared]
        self._complete(prepared)
        return self._finish(prepared)

    def _prepare(self, source: Source, parent_id: int | None, *,
                 parallel: bool) -> ImportItem | Ready:
        label, options = source.label, self.options
        if source.size > options.max_file_bytes:
            return ImportItem(label, "failed", reason=(
                f"larger than the import limit ({size_text(options.max_file_bytes)})"))
        if source.size == 0:
            return ImportItem(label, "failed", reason="empty file")
        on_disk = None
        try:
            if text.streams(source.file_name, source.path, source.size):
                # A large text file is never read whole: hashed, decoded and stored
                # a piece at a time (see importing.text).
                assert source.path is not None
                on_disk = text.file_bytes(source.path)
                data = b""
                if on_disk.size > options.max_file_bytes:
                    return ImportItem(label, "failed", reason=(
                        f"larger than the import limit ({size_text(options.max_file_bytes)})"))
            else:
                data = source.read()
        except OSError as exc:
            return ImportItem(label, "failed",
                              reason=f"cannot be read ({exc.strerror or exc})")
        except ExtractionError as exc:  # an archive member that cannot be unpacked
            return ImportItem(label, "failed", reason=str(exc))
        if not data and on_disk is None:
            return ImportItem(label, "failed", reason="empty file")
        digest = on_disk.sha256 if on_disk is not None else documents.sha256_of(data)
        existing = documents.find_by_sha256(self.case, digest)
        ready = Ready(source, data, digest, parent_id, file=on_disk)
        if existing is not None:
            documents.add_name(self.case, existing, file_name=source.file_name,
                               source_path=label, origin=self.origin)
            pending = self.case.row("SELECT import_id FROM import_pending "
                                    "WHERE document_id = ?", (existing,))
            if pending is None:
                reason = f"duplicate of document {existing}"
                earlier = self._stored_by(existing)
                if earlier in self.interrupted:
                    self.completes.add(earlier)
                    reason += f", stored by import {earlier} before it was interrupted"
                return ImportItem(label, "duplicate", document_id=existing, reason=reason)
            self.completes.add(pending[0])
            ready.resume_of, ready.resumed_import = existing, pending[0]
        try:
            extractor = extractor_for(source.file_name)
        except Unsupported as exc:
            return ImportItem(label, "unsupported", reason=str(exc))
        if parallel and self.extract_pool and self.extract_pool.handles(source.file_name):
            ready.extraction = self.extract_pool.submit(data, source.file_name, options)
            return ready
        if on_disk is None and guard.wanted(source.file_name, options):
            # One file at a time in the capped worker, so that if it dies, the file
            # that killed it is known.
            for other in list(self.waiting):
                if other.guarded and other.extracted is None and other.failure is None:
                    self._wait([other.extraction])
                    self._advance(other)
            ready.extraction = guard.GUARD.submit(data, source.path, source.file_name,
                                                  options)
            if ready.extraction is not None:
                ready.guarded = True
                ready.deadline = time.monotonic() + guard.hard_seconds(options)
                return ready
        try:
            if on_disk is not None:
                ready.extracted = text.extract_text_file(on_disk.path, source.file_name,
                                                         options, sha256=on_disk.sha256)
            else:
                ready.extracted = extractor(data, source.file_name, options)
        except Exception as exc:
            return _failure(label, exc)
        return ready

    def _start_ocr(self, ready: Ready) -> None:
        if ready.ocr_started or ready.extracted is None:
            return
        ready.ocr_started = True
        extracted = ready.extracted
        draw = RENDERERS.get(extracted.kind)
        if self.pool is None or self.options.ocr == "off" or draw is None:
            return
        data = ready.data
        for index in extracted.ocr_pages:
            fallback = extracted.pages[index].text
            ready.futures[index] = self.pool.submit(
                lambda index=index: draw(data, index),  # type: ignore[misc]
                fallback_text=fallback)

    def _finish(self, ready: Ready) -> list[ImportItem]:
        assert ready.extracted is not None
        if ready.resume_of is not None:
            return self._resume(ready)
        pages: Sequence[PageText] = ready.extracted.pages  # made as read (a text file)
        if ready.futures:
            pages = list(pages)
            for index, future in ready.futures.items():
                pages[index] = future.result()
        item, doc_id = self._store(ready, pages)
        items = [item]
        if doc_id is None:
            return items
        items += self._attachments(ready, doc_id)
        if ready.extracted.attachments:
            self._finished(doc_id)
        return items

    def _resume(self, ready: Ready) -> list[ImportItem]:
        """Finish an email an earlier import stored without all its attachments: each
        attachment already stored is a duplicate, the others are stored now."""
        doc_id = ready.resume_of
        assert doc_id is not None
        children = self._attachments(ready, doc_id)
        self._finished(doc_id)
        added = sum(1 for i in children if i.outcome == "imported")
        item = ImportItem(ready.source.label, "duplicate", document_id=doc_id, reason=(
            f"duplicate of document {doc_id}; completed what import "
            f"{ready.resumed_import} left unfinished: {added} attachment(s) added, "
            f"{len(children) - added} already there or refused"))
        self.record(item)
        return [item] + children

    def _stored_by(self, doc_id: int) -> int | None:
        row = self.case.row("SELECT import_id FROM documents WHERE id = ?", (doc_id,))
        return None if row is None else row[0]

    def _finished(self, doc_id: int) -> None:
        """Take away the mark that ``doc_id``'s attachments are still to come."""
        with self.case.action("Finish import of attachments"):
            self.case.conn.execute("DELETE FROM import_pending WHERE document_id = ?",
                                   (doc_id,))

    def _attachments(self, ready: Ready, doc_id: int) -> list[ImportItem]:
        """Import the attachments of the email ``ready``, stored as ``doc_id``."""
        assert ready.extracted is not None
        items: list[ImportItem] = []
        attachments = [Source(label=f"{ready.source.label}:{name}", file_name=name,
                              size=len(blob), data=blob, depth=ready.source.depth)
                       for name, blob in ready.extracted.attachments]
        # An attached archive or mailbox is opened too; its members hang off the email.
        for entry in expand(attachments, self.options):
            if isinstance(entry, ImportItem):
                self.record(entry)
                items.append(entry)
            else:
                try:
                    items += self.import_now(entry, doc_id)
                except (Cancelled, sqlite3.OperationalError):
                    raise
                except Exception as exc:
                    item = _failure(entry.label, exc)
                    self.record(item)
                    items.append(item)
        return items

    def _store(self, ready: Ready,
               pages: Sequence[PageText]) -> tuple[ImportItem, int | None]:
        source, extracted = ready.source, ready.extracted
        assert extracted is not None
        try:
            with self.case.action(f"Import {source.file_name}") as act:
                changes = documents.add(
                    self.case, data=ready.file or ready.data, title=extracted.title,
                    kind=extracted.kind, pages=pages, file_name=source.file_name,
                    source_path=source.label, origin=self.origin,
                    media_type=extracted.media_type, confidential=self.confidential,
                    metadata=extracted.metadata, parent_id=ready.parent_id,
                    import_id=self.import_id, email=extracted.email)
                doc_id = int(changes.id)
                act.row_id = doc_id
                if extracted.attachments:
                    # Marked in the email's own transaction: a crash before the last
                    # attachment is stored leaves the mark, and a re-run finishes it.
                    self.case.conn.execute(
                        "INSERT INTO import_pending (document_id, import_id) VALUES (?, ?)",
                        (doc_id, self.import_id))
                note = "; ".join(extracted.notes)[:500] or None
                act.insert("import_items", {"import_id": self.import_id,
                                            "path": source.label, "outcome": "imported",
                                            "document_id": doc_id, "reason": note})
        except documents.DuplicateDocument as exc:  # stored meanwhile (same bytes)
            item = ImportItem(source.label, "duplicate", document_id=exc.document_id,
                              reason=str(exc))
            documents.add_name(self.case, exc.document_id, file_name=source.file_name,
                               source_path=source.label, origin=self.origin)
            self.record(item)
            return item, None
        except sqlite3.OperationalError:
            raise  # disk full, file locked: every later file would fail the same way
        except Exception as exc:  # a value the case file refuses; rolled back whole
            item = ImportItem(source.label, "failed", reason=(
                f"could not be stored ({type(exc).__name__}: {exc})")[:300])
            self.record(item)
            return item, None
        ocr_pages = (sum(1 for p in pages if p.ocr == "done")
                     if isinstance(pages, list) else 0)
        return ImportItem(source.label, "imported", document_id=doc_id, pages=len(pages),
                          ocr_pages=ocr_pages, reason=note), doc_id

    def record(self, item: ImportItem) -> None:
        """Store the outcome of a file that was not imported."""
        with self.case.action("Record import outcome") as act:
            act.insert("import_items", {"import_id": self.import_id, "path": item.path,
                                        "outcome": item.outcome,
                                        "document_id": item.document_id,
                                        "reason": item.reason})


def _failure(label: str, exc: BaseException) -> ImportItem:
    """The report line for an extractor's exception."""
    if isinstance(exc, Unsupported):
        return ImportItem(label, "unsupported", reason=str(exc))
    if isinstance(exc, ExtractionError):
        return ImportItem(label, "failed", reason=str(exc))
    if guard.over_limit(exc):  # no cap here, but the machine ran out
        return ImportItem(label, "failed", reason="over the memory this machine has")
    # A library choking on a malformed file.
    return ImportItem(label, "failed",
                      reason=f"could not be read ({type(exc).__name__}: {exc})"[:300])
