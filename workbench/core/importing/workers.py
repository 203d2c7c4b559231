"""Extraction in worker processes, one per core, for batches of PDFs and long PDFs.

PDFium cannot run in two threads at once, and text extraction is most of the cost of
importing born-digital PDFs, so a batch of them is spread over processes, and so are
the pages of one long PDF (a records release often comes as a single file of hundreds
of pages): each worker reads a range of its pages, and the ranges are put back
together in order before the document is stored, as one document. A worker
that dies (PDFium crashing on a hostile file) costs that one file, reported as failed;
the pool is started again for the rest.

Workers are started with ``spawn``: forking a process that already runs OCR threads
(or a GUI) could copy a lock in its held state into the child. Spawned workers import
the program's main module again, so every entry point guards its ``main()`` call, and
a frozen build calls ``multiprocessing.freeze_support()`` first (installer/entry.py).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from workbench.core.importing import guard
from workbench.core.importing.extract import Extracted, ImportOptions
from workbench.core.importing.ocr import workers

#: Batches with fewer PDFs than this are extracted in-process (starting workers costs
#: a few tenths of a second).
MIN_FILES = 8
#: Suffixes worth sending to a worker: the formats whose extraction is CPU-bound.
PARALLEL_SUFFIXES = (".pdf",)
#: A PDF this large may be worth starting workers for even alone, if it is long (a
#: scanned PDF is large for its pages: its page count decides, see :func:`is_long_pdf`).
SPLIT_BYTES = 2 * 1024 * 1024
#: A PDF with at least this many pages is read by several workers, in ranges of at
#: least :data:`MIN_RANGE` pages (fewer pages than that are not worth a hand-over).
SPLIT_PAGES = 120
MIN_RANGE = 60
#: Smaller PDFs are not even opened to count their pages (they cannot be that long).
SPLIT_MIN_FILE_BYTES = 64 * 1024


#: How long :func:`idle_cores` watches the processors before deciding.
IDLE_SAMPLE_SECONDS = 0.1


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) clock ticks of all processors so far, from ``/proc/stat``."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if len(fields) < 5 or fields[0] != "cpu":
        return None
    ticks = [int(v) for v in fields[1:9]]  # user .. steal; guest time is inside user
    return ticks[3] + ticks[4], sum(ticks)  # idle + iowait


#: ``always`` (or 1) / ``never`` (or 0): use worker processes for a batch of PDFs
#: whatever the machine's load (tests of the desktop bundle; a machine whose load readings
#: mislead); unset, they are used when two cores are idle.
ENV_FORCE = "WORKBENCH_IMPORT_WORKERS"


def idle_from_ticks(before: tuple[int, int], after: tuple[int, int], cores: int) -> float:
    """Cores left idle between two :func:`_cpu_times` readings."""
    idle, total = after[0] - before[0], after[1] - before[1]
    if total <= 0:
        return float(cores)
    return cores * idle / total


def idle_cores() -> float:
    """Cores not kept busy by other work right now.

    Linux: the share of processor time spent idle during a tenth of a second (this
    process sleeps meanwhile, so it does not count itself). The load average used
    before lagged by a minute: an import started right after other heavy work (or a
    previous import) ran in one process although the machine was idle again.
    Elsewhere: the last minute's load average.
    """
    cores = workers()
    before = _cpu_times()
    if before is not None:
        time.sleep(IDLE_SAMPLE_SECONDS)
        after = _cpu_times()
        if after is not None:
            online = os.cpu_count() or cores
            return min(cores, idle_from_ticks(before, after, online))
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this system: assume idle
        load = 0.0
    return cores - load


def _extract(data: bytes, name: str, options: ImportOptions) -> Extracted:
    return guard.extract_limited(data, None, len(data), name, options)


def _extract_range(data: bytes, options: ImportOptions, start: int, stop: int):
    from workbench.core.importing import pdf
    try:
        with guard.memory_limit(options.max_memory_bytes):
            return pdf.read_pages(data, force_ocr=options.ocr == "force", start=start,
                                  stop=stop, max_pages=options.max_pages,
                                  max_seconds=options.max_seconds)
    except BaseException as exc:
        if guard.over_limit(exc):
            raise guard.OverMemoryLimit(guard.limit_message(options)) from None
        raise


def is_long_pdf(source) -> bool:
    """Whether ``source`` (an import :class:`~.sources.Source`) is a PDF long enough to
    share among workers. Only large files are opened to count their pages (a file on
    disk by its path: PDFium then reads only what it needs to count)."""
    if not source.file_name.lower().endswith(".pdf") or source.size < SPLIT_BYTES:
        return False
    from workbench.core.importing import pdf
    try:
        pages = pdf.page_count(source.path if source.path is not None else source.read())
    except Exception:  # unreadable: the import itself will say why
        return False
    return pages is not None and pages >= SPLIT_PAGES


def page_ranges(pages: int, workers_: int) -> list[tuple[int, int]]:
    """Consecutive ``(start, stop)`` ranges covering ``pages`` pages for ``workers_``.

    Twice as many ranges as workers (pages differ in cost, so a worker that finishes
    early takes another), each of at least :data:`MIN_RANGE` pages.
    """
    count = max(1, min(2 * workers_, pages // MIN_RANGE))
    bounds = [round(pages * k / count) for k in range(count + 1)]
    return list(zip(bounds, bounds[1:]))


class _Joined:
    """One future for a PDF read in ranges: the whole extraction, in page order."""

    def __init__(self, parts: list[Future], name: str) -> None:
        self.future: Future = Future()
        self.parts = parts
        self.name = name
        self._lock = threading.Lock()
        self._left = len(parts)
        for part in parts:
            part.add_done_callback(self._part_done)

    def _part_done(self, part: Future) -> None:
        with self._lock:
            self._left -= 1
            if self.future.done():
                return
            if part.cancelled():
                self.future.cancel()
                return
            error = part.exception()
            if error is not None:
                self.future.set_exception(error)
                return
            if self._left:
                return
        from workbench.core.importing import pdf
        pages, candidates, metadata = [], [], {}
        try:
            for n, done in enumerate(self.parts):
                part_pages, part_candidates, part_metadata = done.result()
                pages += part_pages
                candidates += part_candidates
                if n == 0:
                    metadata = dict(part_metadata)
                else:  # what each range noticed, for assemble
                    for key in (pdf._UNLOADABLE, pdf._STOPPED):
                        metadata[key] = list(metadata.get(key, ())) + list(
                            part_metadata.get(key, ()))
            self.future.set_result(pdf.assemble(self.name, pages, candidates, metadata))
        except Exception as exc:  # an empty document, say
            self.future.set_exception(exc)


class ExtractPool:
    """A lazily started process pool running extractors; see the module docstring."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or workers()
        self._executor: ProcessPoolExecutor | None = None

    @staticmethod
    def wanted(sources: list) -> bool:
        """Whether a batch of import :class:`~.sources.Source` is worth extracting in
        processes: many PDFs, or a long one (:func:`is_long_pdf`, checked only when
        there are few).

        Only when at least two cores are idle: on a busy machine the workers merely
        take turns on one core, and passing files to them made the import slower.
        """
        pdfs = [s for s in sources if s.file_name.lower().endswith(PARALLEL_SUFFIXES)]
        if workers() < 2 or not pdfs:
            return False
        if len(pdfs) < MIN_FILES and not any(is_long_pdf(s) for s in pdfs):
            return False
        forced = os.environ.get(ENV_FORCE, "").strip().lower()
        if forced in ("1", "yes", "always"):
            return True
        if forced in ("0", "no", "never"):
            return False
        return idle_cores() >= 1.5

    def handles(self, name: str) -> bool:
        return name.lower().endswith(PARALLEL_SUFFIXES)

    def submit(self, data: bytes, name: str, options: ImportOptions) -> Future:
        """Extract one file in the workers; a long PDF is shared among them by pages."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.size, mp_context=multiprocessing.get_context("spawn"),
                initializer=guard.watch_parent, initargs=(os.getpid(),))
        try:
            ranges = self._ranges(data, name)
            if len(ranges) > 1:
                return _Joined([self._executor.submit(_extract_range, data, options, a, b)
                                for a, b in ranges], name).future
            return self._executor.submit(_extract, data, name, options)
        except BrokenProcessPool:
            self.restart()
            return self.submit(data, name, options)

    def _ranges(self, data: bytes, name: str) -> list[tuple[int, int]]:
        if self.size < 2 or not name.lower().endswith(".pdf") or len(data) < SPLIT_MIN_FILE_BYTES:
            return []
        from workbench.core.importing import pdf
        try:
            pdf.check_header(data)
        except Exception:
            return []  # the worker reports what is wrong with it
        pages = pdf.page_count(data)  # each range applies the page limit itself
        if pages is None or pages < SPLIT_PAGES:
            return []
        return page_ranges(pages, self.size)

    def restart(self) -> None:
        """Replace a pool broken by a crashed worker."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
