"""Work off the GUI thread for the panels: a background reader for slow reads, and the
batching of a session's committed changes (:class:`ChangeWatcher`).
"""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError


# -- background reads -----------------------------------------------------------------


class BackgroundReader(QObject):
    """Runs slow reads (the publication gate, a dossier's mentions) off the GUI thread.

    One Python thread with its own connection to the case file, so reads never wait for
    the writer and never freeze the window. Requests run in order; a request submitted
    under a ``key`` replaces any older request with the same key that has not started.
    Results come back on the GUI thread through a queued signal.
    """

    _delivered = Signal(int, object, object)  # ticket, result, error

    def __init__(self, path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._queue: queue.Queue = queue.Queue()
        self._callbacks: dict[int, tuple[Callable, Callable | None]] = {}
        self._latest: dict[str, int] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._loop, name="background-reader", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[Case], Any], done: Callable[[Any], None],
               failed: Callable[[str], None] | None = None, *, key: str | None = None) -> int:
        with self._lock:
            self._next += 1
            ticket = self._next
            if key is not None:
                self._latest[key] = ticket
        self._callbacks[ticket] = (done, failed)
        self._queue.put((ticket, key, fn))
        return ticket

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def stop(self) -> None:
        """Finish the current request, then close the connection (no more results)."""
        self._callbacks.clear()
        self._queue.put(None)

    def _loop(self) -> None:
        case: Case | None = None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                ticket, key, fn = item
                with self._lock:
                    stale = key is not None and self._latest.get(key) != ticket
                if stale:
                    self._delivered.emit(ticket, None, _Skipped())
                    continue
                try:
                    if case is None:
                        case = Case.open(self.path)
                    result, error = fn(case), None
                except WorkbenchError as exc:
                    result, error = None, str(exc)
                except Exception as exc:  # a bug: report it, keep the thread alive
                    traceback.print_exc()
                    result, error = None, f"internal error: {type(exc).__name__}: {exc}"
                try:
                    self._delivered.emit(ticket, result, error)
                except RuntimeError:  # the receiving object is gone
                    break
        finally:
            if case is not None:
                _close_quietly(case)

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result, error) -> None:
        done, failed = self._callbacks.pop(ticket, (None, None))
        if isinstance(error, _Skipped) or done is None:
            return
        if error is None:
            done(result)
        elif failed is not None:
            failed(error)


class _Skipped:
    """A request replaced by a newer one before it ran."""


def _close_quietly(case: Case) -> None:
    try:
        import sys
        search = sys.modules.get("workbench.core.search")
        if search is not None and hasattr(search, "close_index"):
            search.close_index(case)
    except Exception:  # noqa: BLE001 - the index is a cache; closing is best effort
        pass
    try:
        case.close()
    except Exception:  # noqa: BLE001
        pass


_readers: dict[int, BackgroundReader] = {}


def background_reader(session) -> BackgroundReader:
    """The session's one background reader (made on first use, stopped with the session)."""
    reader = _readers.get(id(session))
    if reader is None or reader.path != session.path:
        reader = BackgroundReader(session.path)
        _readers[id(session)] = reader

        def gone(*_args, key=id(session), r=reader) -> None:  # noqa: B008 - bound now
            r.stop()
            if _readers.get(key) is r:
                del _readers[key]
        session.destroyed.connect(gone)
        reader._gone = gone  # type: ignore[attr-defined]
    return reader


def stop_background_reader(session) -> None:
    reader = _readers.get(id(session))
    if reader is not None:
        reader._gone()  # type: ignore[attr-defined]


# -- following changes ----------------------------------------------------------------


def merge_changes(batch: list[Changes]) -> Changes:
    return Changes(action=batch[-1].action, id=batch[-1].id,
                   created=frozenset().union(*(c.created for c in batch)),
                   updated=frozenset().union(*(c.updated for c in batch)),
                   deleted=frozenset().union(*(c.deleted for c in batch)),
                   action_id=batch[-1].action_id)


class ChangeWatcher(QObject):
    """Delivers a session's committed changes to ``slot``, merged.

    An import commits one action per file: refreshing a screen for each would keep the
    GUI thread busy, so changes arriving together are merged and delivered at most every
    ``interval`` ms, and at once when a job ends (so its ``finished`` handlers, and tests,
    see the screen up to date).
    """

    def __init__(self, parent: QObject, slot: Callable[[Changes], None],
                 interval: int = 120) -> None:
        super().__init__(parent)
        self.slot = slot
        self.session = None
        self._batch: list[Changes] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval)
        self._timer.timeout.connect(self.flush)

    def set_session(self, session) -> None:
        if self.session is not None:
            for signal, slot in self._connections():
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
        self.session = session
        self._batch.clear()
        if session is not None:
            for signal, slot in self._connections():
                signal.connect(slot)

    def _connections(self):
        jobs = self.session.jobs
        out = [(jobs.case_changed, self._heard)]
        # Flush before the job's own finished handlers (the window's runner has this
        # signal; without it, a job's end is still seen, just after its handlers).
        ended = getattr(jobs, "job_completed", None) or jobs.job_ended
        out.append((ended, self._job_done))
        return out

    def _heard(self, changes: Changes) -> None:
        self._batch.append(changes)
        if not self._timer.isActive():
            self._timer.start()

    def _job_done(self, _job) -> None:
        self.flush()

    def flush(self) -> None:
        self._timer.stop()
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        self.slot(merge_changes(batch))
