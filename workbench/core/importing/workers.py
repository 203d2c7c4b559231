"""Extraction in worker processes, one per core, for batches of PDFs.

PDFium cannot run in two threads at once, and text extraction is most of the cost of
importing born-digital PDFs, so a batch of them is spread over processes. A worker
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

from workbench.core.importing.extract import Extracted, ImportOptions, extractor_for
from workbench.core.importing.ocr import workers

#: Batches with fewer PDFs than this are extracted in-process (starting workers costs
#: a few tenths of a second).
MIN_FILES = 8
#: Suffixes worth sending to a worker: the formats whose extraction is CPU-bound.
PARALLEL_SUFFIXES = (".pdf",)


def idle_cores() -> float:
    """Cores not kept busy by other work, from the last minute's load average."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this system: assume idle
        load = 0.0
    return workers() - load


def _watch_parent(parent: int) -> None:
    """Make a worker end itself when the importing process is gone.

    A killed import (SIGKILL, a crash) cannot shut its pool down, and its workers would
    otherwise wait for work forever.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _extract(data: bytes, name: str, options: ImportOptions) -> Extracted:
    import workbench.core.importing  # noqa: F401  (registers every extractor)
    return extractor_for(name)(data, name, options)


class ExtractPool:
    """A lazily started process pool running extractors; see the module docstring."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or workers()
        self._executor: ProcessPoolExecutor | None = None

    @staticmethod
    def wanted(names: list[str]) -> bool:
        """Whether a batch with these file names is worth extracting in processes.

        Only when at least two cores are idle: on a busy machine the workers merely
        take turns on one core, and passing files to them made the import slower.
        """
        return (workers() > 1 and idle_cores() >= 1.5 and
                sum(1 for n in names if n.lower().endswith(PARALLEL_SUFFIXES)) >= MIN_FILES)

    def handles(self, name: str) -> bool:
        return name.lower().endswith(PARALLEL_SUFFIXES)

    def submit(self, data: bytes, name: str, options: ImportOptions) -> Future:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.size, mp_context=multiprocessing.get_context("spawn"),
                initializer=_watch_parent, initargs=(os.getpid(),))
        try:
            return self._executor.submit(_extract, data, name, options)
        except BrokenProcessPool:
            self.restart()
            return self.submit(data, name, options)

    def restart(self) -> None:
        """Replace a pool broken by a crashed worker."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
