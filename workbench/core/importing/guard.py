"""Each file's extraction under a hard memory limit, in a process of its own.

A file's size says little about what reading it costs: a 38 MB web page of tiny
paragraphs took 1.2 GB to parse, and a library can be led to allocate without bound
by a hostile file. So every file whose extraction is not bounded by design (all but
plain text, which is read in a stream: see :mod:`.text`) is extracted in a worker
process whose address space is capped (``RLIMIT_AS``) at what it already uses plus
``ImportOptions.max_memory_bytes``. Past it, an allocation fails in the worker: the
file is reported "over the memory limit" and the worker goes on with the next file (or
is started again, if the library could not survive the failure). The import's own
process never holds the file's parse.

The worker also enforces a hard time limit: ``--max-seconds`` is checked by extractors
between pages, but one library call can run for ever; a file still being read a little
after its limit (:func:`hard_seconds`) has its worker killed, is reported, and a new
worker reads the next file.

One worker serves every import of the program (started on the first file that needs
it, with ``spawn``, like :mod:`.workers`); its limit is set anew for each file.
Where the operating system has no such limit (Windows), files are extracted in the
importing process, as before, with no cap.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from workbench.core.importing.extract import (ExtractionError, Extracted, ImportOptions,
                                              extractor_for, size_text)

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


#: Longest a new worker may take to start before files are read in-process instead.
STARTUP_SECONDS = 120


class OverMemoryLimit(ExtractionError):
    """Reading the file would take more memory than the limit allows."""


def available() -> bool:
    """Whether this system can cap a process's memory."""
    return resource is not None and hasattr(resource, "RLIMIT_AS")


def _address_space() -> int:
    """Bytes of address space this process uses now (Linux; else 0)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def memory_limit(limit: int) -> Iterator[None]:
    """Cap this process's address space at its present size plus ``limit`` bytes for
    the block (no cap when ``limit`` is 0 or the system has none)."""
    if not limit or not available():
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + limit
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def over_limit(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it was raised from or while handling) is a MemoryError:
    libraries often turn it into errors of their own."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def hard_seconds(options: ImportOptions) -> float:
    """How long one file may take in the worker before it is stopped: a little over
    ``--max-seconds``, which extractors check themselves between pages."""
    return options.max_seconds * 1.2 + 2


def time_message(options: ImportOptions) -> str:
    return (f"took longer than the time limit ({options.max_seconds:g} s to read one file; "
            "--max-seconds to change it)")


def limit_message(options: ImportOptions) -> str:
    return (f"over the memory limit ({size_text(options.max_memory_bytes)} to read one "
            "file; --max-memory to change it)")


def extract_limited(data: bytes | None, path: str | None, size: int, name: str,
                    options: ImportOptions) -> Extracted:
    """Extract one file under the memory limit (runs in a worker process). The bytes
    are read here from ``path`` (``size`` of them) when they are not given, so that
    they count too."""
    import workbench.core.importing  # noqa: F401  (registers every extractor)
    try:
        with memory_limit(options.max_memory_bytes):
            if data is None:
                assert path is not None
                data = Path(path).read_bytes()
                if len(data) != size:
                    raise ExtractionError("the file changed while it was imported")
            return extractor_for(name)(data, name, options)
    except BaseException as exc:
        if over_limit(exc):
            raise OverMemoryLimit(limit_message(options)) from None
        raise


def watch_parent(parent: int) -> None:
    """Make a worker end itself when the importing process is gone.

    A killed import (SIGKILL, a crash) cannot shut its pool down, and its workers would
    otherwise wait for work forever.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


#: Memory an idle worker may keep between imports before it is stopped (see trim).
IDLE_RSS_BYTES = 256 * 1024 * 1024


def _rss(pid: int) -> int:
    """Resident bytes of process ``pid`` (Linux; else 0)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def warm_up() -> int:
    """Load the extractors in a new worker (so their import is not counted in the first
    file's time); returns the worker's process id."""
    import workbench.core.importing  # noqa: F401
    return os.getpid()


class Guard:
    """The worker process that extracts files under the memory limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        #: Why no worker can be started in this program (None: one can).
        self.unavailable: str | None = None

    def submit(self, data: bytes | None, path: Path | None, name: str,
               options: ImportOptions) -> Future | None:
        """Extract one file in the worker: from ``path`` when given (its bytes are not
        sent across), else from ``data``. None when this program cannot start a worker
        (a program read from standard input cannot be started again by ``spawn``): the
        caller then extracts the file itself, with no cap."""
        with self._lock:
            if self.unavailable:
                return None
            if self._executor is None:
                executor = ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=watch_parent, initargs=(os.getpid(),))
                try:  # a worker that cannot start is not the fault of any file
                    executor.submit(warm_up).result(timeout=STARTUP_SECONDS)
                except Exception as exc:
                    executor.shutdown(wait=False, cancel_futures=True)
                    self.unavailable = f"{type(exc).__name__}: {exc}"
                    return None
                self._executor = executor
            return self._executor.submit(extract_limited, None if path else data,
                                         str(path) if path else None, len(data), name,
                                         options)

    def stop(self) -> None:
        """Kill the worker now (a file past its hard time limit): its future then fails
        with ``BrokenProcessPool``; :meth:`restart` before the next file."""
        with self._lock:
            executor = self._executor
        # ProcessPoolExecutor has no way to stop one task: kill its worker process.
        for process in list(getattr(executor, "_processes", {}).values()):
            with contextlib.suppress(OSError, AttributeError):
                process.kill()

    def trim(self) -> None:
        """Stop the worker if it holds more than :data:`IDLE_RSS_BYTES` (memory a big
        file left behind), so a long-running program (the window) does not keep it."""
        with self._lock:
            executor = self._executor
        for process in list(getattr(executor, "_processes", {}).values()):
            if _rss(process.pid) > IDLE_RSS_BYTES:
                self.restart()
                return

    def restart(self) -> None:
        """Replace a worker that died (a library that could not survive a hostile file
        or a failed allocation)."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


#: The one guard of this program.
GUARD = Guard()


def wanted(name: str, options: ImportOptions) -> bool:
    """Whether ``name`` should be extracted under the guard: every format but plain text
    (bounded by design), when a limit is set and the system can apply one, and when
    the worker knows the extractor (one registered at run time by other code than the
    format modules is run here)."""
    from workbench.core.importing.text import SUFFIXES
    if not options.max_memory_bytes or not available() or name.lower().endswith(SUFFIXES):
        return False
    try:
        extractor = extractor_for(name)
    except ExtractionError:
        return False
    return (extractor.__module__.startswith("workbench.core.importing.")
            and "<locals>" not in extractor.__qualname__)
