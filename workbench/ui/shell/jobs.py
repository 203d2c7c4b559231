"""The window's one way to work in the background: a writer, a reader, a change batcher.

As Anki does with ``CollectionOp`` and ``QueryOp``, an open case (``session.CaseSession``)
has exactly one of each, and no screen starts its own thread or opens its own
connection:

- **Writes**, :class:`JobRunner` (``session.jobs``): a :class:`Job` wraps a plain
  function ``fn(case, progress) -> result`` written against core. :class:`CaseWriter`
  lives in its own ``QThread`` and runs jobs one after another on the writable
  :class:`~workbench.core.casefile.Case` (Anki's serialised collection executor,
  datasette's single write thread). It also owns the search index
  (:attr:`JobRunner.index`): only the writer thread writes it, after every action.
  A job may name its ``initiator`` (the widget that asked): the :class:`Changes` its
  actions cause carry the job as ``changes.op``, so that view can skip its own edits
  (:func:`caused_by`).
- **Reads**, :class:`QueryRunner` (``session.queries``): one thread with its own
  read-only connection, for reads too slow for the GUI thread (search, a dossier, the
  publication gate, the chronology, page rendering). ``run(fn, done, failed, key=...)``;
  ``fn(case)`` runs on that thread, ``done(result)`` on the GUI thread. A request made
  under a ``key`` supersedes older ones with that key: they are skipped if not started,
  and their results dropped if they were. The runner also keeps a read-only view of the
  search index (:meth:`QueryRunner.search_index`, for functions it runs).
- **Changes**, :class:`ChangeBatcher` (``session.batcher``): every committed change (the
  window's own and, through the session's watch, other programs') is merged and
  delivered at most every :data:`BATCH_INTERVAL_MS`, and at once when a job ends, on
  :attr:`ChangeBatcher.batched`. Screens subscribe there and nowhere else.

Who may touch what:

=========================  ==========================================================
writable ``Case``          the writer thread only (jobs' functions)
search index (writing)     the writer thread only (``JobRunner.index``)
``session.reader``         the GUI thread only: small reads (one record, a page of ids)
reader connection, index   the reader thread only (functions given to ``queries.run``)
   view and PDFium
widgets                    the GUI thread only; jobs and queries never touch them, and
                           their results come back through queued signals
=========================  ==========================================================

Page rendering runs on the reader thread too (``reading.page_rendering.PageRenderer``):
PDFium may be called from any one thread at a time, and the reader thread is one thread.
Core reads never write: a read given to the reader must not open the index through
``workbench.core.search.open_index`` (which may repair it); it uses
:meth:`QueryRunner.search_index`.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError
from workbench.core.progress import Cancelled, Progress


class Job(QObject):
    """One unit of background work. Signals arrive in the thread that created the job.

    ``progressed(fraction, status)`` while running; then exactly one of ``finished(result)``
    or ``failed(message)``; then ``ended()``.
    """

    started = Signal()
    progressed = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(self, label: str, fn: Callable[[Case, Progress], Any], *,
                 cancellable: bool = False, show_progress: bool = False,
                 initiator: object | None = None) -> None:
        super().__init__()
        self.label = label
        #: Who asked for the job (a view): its changes carry the job, so that view can
        #: tell its own edits from others' (:func:`caused_by`).
        self.initiator = initiator
        self.fn = fn
        self.cancellable = cancellable
        self.show_progress = show_progress
        self.result: Any = None
        self.error: str | None = None
        self.was_cancelled = False
        self.fraction = 0.0
        self.status = ""
        self._cancel = threading.Event()
        self.progressed.connect(self._remember)

    def cancel(self) -> None:
        """Ask the job to stop at its next check (thread-safe)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @Slot(float, str)
    def _remember(self, fraction: float, status: str) -> None:
        self.fraction, self.status = fraction, status


class CaseWriter(QObject):
    """Owns the writable case; lives in its own thread and runs jobs in order.

    Its signals are emitted in the writer thread and received by :class:`JobRunner`
    in the GUI thread (queued), which re-emits them there: plain functions connected to
    a :class:`Job` therefore always run in the GUI thread.
    """

    case_changed = Signal(object)  # workbench.core.changes.Changes
    job_started = Signal(object)
    job_progressed = Signal(object, float, str)
    job_done = Signal(object)
    _submitted = Signal(object)

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self.running: Job | None = None
        case.add_listener(self._forward)
        self._submitted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _forward(self, changes: Changes) -> None:
        # Runs on the writer thread, inside the job that made the change.
        if self.running is not None:
            changes = dataclasses.replace(changes, op=self.running)
        self.case_changed.emit(changes)

    @Slot(object)
    def _run(self, job: Job) -> None:
        self.job_started.emit(job)
        last = [-1.0, ""]

        def report(fraction: float, status: str) -> None:
            # Many tiny steps would flood the GUI's event queue: send real changes only.
            if status != last[1] or fraction - last[0] >= 0.002:
                last[0], last[1] = fraction, status
                self.job_progressed.emit(job, fraction, status)
        progress = Progress(report, lambda: job.cancel_requested)

        def waiting(seconds: float) -> None:
            # Another program (a terminal import, a script) holds the write lock.
            progress.check()
            report(job.fraction, f"Waiting for the case: another program is writing to "
                                 f"it ({seconds:.0f} s)…")
        self.case.on_wait = waiting
        self.running = job
        try:
            if job.cancel_requested:
                raise Cancelled()
            job.result = job.fn(self.case, progress)
        except Cancelled:
            job.was_cancelled = True
            job.error = "Cancelled"
        except WorkbenchError as exc:
            job.error = str(exc)
        except Exception as exc:  # a bug: keep the window alive and say what happened
            traceback.print_exc()
            job.error = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            self.case.on_wait = None
            self.running = None
        self.job_done.emit(job)


class JobRunner(QObject):
    """The GUI-thread side of the writer: submit jobs, track them, show progress."""

    busy_changed = Signal(bool)
    case_changed = Signal(object)
    job_progressed = Signal(object)  # the Job, for status bars
    job_ended = Signal(object)
    #: Emitted before a job's own finished/failed: screens catch up with its changes.
    job_completed = Signal(object)

    def __init__(self, case: Case, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("case-writer")
        self.writer = CaseWriter(case)
        self.writer.moveToThread(self._thread)
        self.writer.case_changed.connect(self._changed)
        self.writer.job_started.connect(self._started)
        self.writer.job_progressed.connect(self._progressed)
        self.writer.job_done.connect(self._done)
        self._thread.start()
        #: The search index (a ``CaseIndex`` on the writable case), once
        #: ``CaseSession.start_indexing`` has prepared it; written on the writer thread only.
        self.index = None
        self.pending: list[Job] = []
        self.dialog_parent: QWidget | None = None
        self._dialog: QProgressDialog | None = None
        self._dialog_job: Job | None = None

    @property
    def busy(self) -> bool:
        return bool(self.pending)

    @property
    def current(self) -> Job | None:
        return self.pending[0] if self.pending else None

    def submit(self, job: Job) -> Job:
        """Queue ``job`` on the writer thread; returns it (connect to its signals)."""
        self.pending.append(job)
        if len(self.pending) == 1:
            self.busy_changed.emit(True)
        self.writer._submitted.emit(job)
        return job

    def run(self, label: str, fn: Callable[[Case, Progress], Any], **kw) -> Job:
        return self.submit(Job(label, fn, **kw))

    @Slot(object)
    def _changed(self, changes) -> None:
        self.case_changed.emit(changes)

    @Slot(object)
    def _started(self, job: Job) -> None:
        if job.show_progress:
            self._show_dialog(job)
        job.started.emit()

    @Slot(object, float, str)
    def _progressed(self, job: Job, fraction: float, status: str) -> None:
        job.progressed.emit(fraction, status)
        self.job_progressed.emit(job)

    @Slot(object)
    def _done(self, job: Job) -> None:
        self.job_completed.emit(job)
        if job.error is None:
            job.finished.emit(job.result)
        else:
            job.failed.emit(job.error)
        job.ended.emit()
        self._ended(job)

    def _ended(self, job: Job) -> None:
        if job in self.pending:
            self.pending.remove(job)
        if self._dialog is not None and self._dialog_job is job:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None
        self.job_ended.emit(job)
        if not self.pending:
            self.busy_changed.emit(False)

    def _show_dialog(self, job: Job) -> None:
        """A progress dialog that appears only if the job lasts more than half a second."""
        dialog = QProgressDialog(job.label, "Cancel" if job.cancellable else "",
                                 0, 1000, self.dialog_parent)
        dialog.setWindowTitle(job.label)
        # Not modal: the user keeps reading and searching while an import runs.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(500)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(460)
        self._dialog_job = job
        if not job.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(job.cancel)
        dialog.canceled.connect(lambda: dialog.setLabelText("Stopping after this file…"))

        def update(fraction: float, status: str) -> None:
            if job.cancel_requested:
                return
            dialog.setValue(int(fraction * 1000))
            dialog.setLabelText(f"{job.label}\n{_elide(status)}")
        job.progressed.connect(update)
        dialog.setValue(0)
        self._dialog = dialog

    def cancel_all(self) -> None:
        for job in list(self.pending):
            job.cancel()

    def shutdown(self, *, index_damaged: bool = False) -> None:
        """Cancel what can be cancelled, let the writer finish its job, stop its thread.

        Waits without a limit: closing the case under a running write would be worse
        than a wait (jobs check for cancellation between files and pages).
        """
        self.cancel_all()
        self._thread.quit()
        self._thread.wait()
        if self.index is not None:
            if index_damaged:  # the reader found it so: rebuilt at the next open
                self.index.mark_out_of_step()
            self.index.close()
            self.index = None

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until no job is pending (for tests and closing)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop
        deadline = QDeadlineTimer(timeout_ms)
        loop = QEventLoop()
        while self.pending and not deadline.hasExpired():
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return not self.pending


def _elide(text: str, width: int = 70) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]


# -- reads off the GUI thread -------------------------------------------------------------


def breathe() -> None:
    """Let the event loop paint and run its timers between the steps of a long piece of
    GUI-thread work (opening a case): the window never stalls for the sum of the steps.
    User input waits for the work to end."""
    from PySide6.QtCore import QCoreApplication, QEventLoop
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)



class QueryRunner(QObject):
    """Runs reads off the GUI thread (Anki's ``QueryOp``); see the module docstring.

    One Python thread with its own read-only connection to the case file (opened on that
    thread, on first use): in WAL mode it never waits for the writer, and a slow read
    never freezes the window. Requests run in order. Results come back on the GUI
    thread through a queued signal.
    """

    _delivered = Signal(int, object, object)  # ticket, result, error

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._queue: queue.Queue = queue.Queue()
        self._callbacks: dict[int, tuple[Callable, Callable | None, str | None]] = {}
        self._latest: dict[str, int] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._case: Case | None = None
        self._index = None
        self._fault_seen = False
        self._stopping = False
        self._at_stop: list[Callable[[], None]] = []
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._loop, name="case-reader", daemon=True)
        self._thread.start()

    def run(self, fn: Callable[[Case], Any], done: Callable[[Any], None],
            failed: Callable[[str], None] | None = None, *, key: str | None = None) -> int:
        """Run ``fn(case)`` on the reader thread; ``done(result)`` or ``failed(message)``
        on the GUI thread. A newer request with the same ``key`` supersedes this one."""
        with self._lock:
            self._next += 1
            ticket = self._next
            if key is not None:
                self._latest[key] = ticket
        self._callbacks[ticket] = (done, failed, key)
        self._queue.put((ticket, key, fn))
        return ticket

    def call(self, fn: Callable[[Case], Any]) -> Any:
        """Run ``fn(case)`` on the reader thread and return its result here, the event
        loop turning meanwhile (painting and timers, not user input) so the window never
        stalls; for reads a step needs before it can go on (opening a case). Raises
        ``WorkbenchError`` with the read's error."""
        from PySide6.QtCore import QEventLoop
        box: dict[str, Any] = {}
        self.run(fn, lambda result: box.setdefault("result", result),
                 lambda message: box.setdefault("error", message))
        loop = QEventLoop()
        while not box and not self._stopping:
            QTimer.singleShot(5, loop.quit)
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        if not box:
            raise WorkbenchError("the case was closed")
        if "error" in box:
            raise WorkbenchError(box["error"])
        return box["result"]

    @property
    def pending(self) -> int:
        """Requests whose results have not been delivered (or dropped) yet."""
        return len(self._callbacks)

    def search_index(self):
        """The reader's view of the search index (a ``CaseIndex`` on the reader's
        connection, only ever read). Call it only from a function given to :meth:`run`."""
        if threading.current_thread() is not self._thread:
            raise RuntimeError("search_index() is for functions run on the reader thread")
        if self._index is None:
            from workbench.core.search.store import CaseIndex
            self._index = CaseIndex(self._reader_case(), viewer=True)
        return self._index

    @property
    def index_fault_seen(self) -> bool:
        """Whether a read found the index damaged (its owner, the writer, then has it
        rebuilt at the next open: see :meth:`JobRunner.shutdown`)."""
        return self._fault_seen or (self._index is not None and self._index.fault_seen)

    def forget_index(self) -> None:
        """Drop the index view after a failure (reader thread): the next use reopens it."""
        if self._index is not None:
            self._fault_seen = self._fault_seen or self._index.fault_seen
            try:
                self._index.close()
            except Exception:  # noqa: BLE001 - a cache being dropped
                pass
            self._index = None

    def at_stop(self, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the reader thread when it stops (to release what it holds)."""
        self._at_stop.append(fn)

    def stop(self) -> None:
        """Finish the current request, skip the others, close the connection."""
        self._stopping = True
        self._callbacks.clear()
        self._queue.put(None)

    def wait_stopped(self, timeout: float = 30.0) -> None:
        self._thread.join(timeout)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until every result is delivered (for tests and benches)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop
        deadline = QDeadlineTimer(timeout_ms)
        loop = QEventLoop()
        while self._callbacks and not deadline.hasExpired():
            QTimer.singleShot(10, loop.quit)
            loop.exec()
        return not self._callbacks

    def _reader_case(self) -> Case:
        if self._case is None:
            self._case = Case.open(self.path, read_only=True)
        return self._case

    def _loop(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is None or self._stopping:
                    break
                ticket, key, fn = item
                with self._lock:
                    stale = key is not None and self._latest.get(key) != ticket
                if stale:
                    self._delivered.emit(ticket, None, _Superseded())
                    continue
                try:
                    result, error = fn(self._reader_case()), None
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
            for fn in self._at_stop:
                try:
                    fn()
                except Exception:  # noqa: BLE001 - releasing, best effort
                    traceback.print_exc()
            self.forget_index()
            if self._case is not None:
                try:
                    self._case.close()
                except Exception:  # noqa: BLE001
                    pass
                self._case = None

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result, error) -> None:
        done, failed, key = self._callbacks.pop(ticket, (None, None, None))
        if done is None or isinstance(error, _Superseded):
            return
        if key is not None and self._latest.get(key) != ticket:
            return  # a newer request with this key was made while this one ran
        if error is None:
            done(result)
        elif failed is not None:
            failed(error)


class _Superseded:
    """A request replaced by a newer one with the same key before it ran."""


# -- changes --------------------------------------------------------------------------------

#: Changes arriving within this many milliseconds are delivered together.
BATCH_INTERVAL_MS = 120


def merge_changes(batch: list[Changes]) -> Changes:
    """One Changes for a batch; ``op`` is kept when one job caused all of them."""
    ops = {id(c.op) for c in batch}
    return Changes(action=batch[-1].action, id=batch[-1].id,
                   created=frozenset().union(*(c.created for c in batch)),
                   updated=frozenset().union(*(c.updated for c in batch)),
                   deleted=frozenset().union(*(c.deleted for c in batch)),
                   action_id=batch[-1].action_id,
                   op=batch[-1].op if len(ops) == 1 else None)


def caused_by(changes: Changes, initiator: object) -> bool:
    """Whether ``changes`` come only from jobs that ``initiator`` asked for."""
    op = changes.op
    return op is not None and getattr(op, "initiator", None) is initiator


class ChangeBatcher(QObject):
    """The session's one change batcher: merges committed changes, delivers them on
    :attr:`batched` (GUI thread).

    An import commits one action per file: refreshing a screen for each would keep the
    GUI thread busy, so changes arriving together are merged and delivered at most every
    :data:`BATCH_INTERVAL_MS`, and at once when a job ends (before the job's own
    ``finished`` handlers, so they, and tests, see the screens up to date).
    """

    batched = Signal(object)  # Changes

    def __init__(self, jobs: JobRunner, parent: QObject | None = None,
                 interval: int = BATCH_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._batch: list[Changes] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval)
        self._timer.timeout.connect(self.flush)
        jobs.case_changed.connect(self._heard)
        jobs.job_completed.connect(lambda _job: self.flush())

    def _heard(self, changes: Changes) -> None:
        self._batch.append(changes)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Deliver what is waiting now."""
        self._timer.stop()
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        self.batched.emit(merge_changes(batch))
