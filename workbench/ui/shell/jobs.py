"""Background work: one writer thread owns every write to the case file.

A :class:`Job` wraps a plain function ``fn(case, progress) -> result`` written against
core. :class:`CaseWriter` lives in its own ``QThread`` and runs jobs one after another
on the writable :class:`~workbench.core.casefile.Case` (Anki's serialised collection
executor, datasette's single write thread). Jobs report back only through queued
signals; they never touch widgets. The case's change listener is forwarded as
:attr:`CaseWriter.case_changed`, so screens refresh only what changed.

:class:`JobRunner` is the GUI-thread front: it submits jobs, knows whether work is
running, and shows a delayed progress dialog with Cancel for jobs that ask for one.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from workbench.core.casefile import Case
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
                 cancellable: bool = False, show_progress: bool = False) -> None:
        super().__init__()
        self.label = label
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
        case.add_listener(self._forward)
        self._submitted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _forward(self, changes) -> None:
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

    def shutdown(self) -> None:
        """Cancel what can be cancelled, let the writer finish its job, stop its thread.

        Waits without a limit: closing the case under a running write would be worse
        than a wait (jobs check for cancellation between files and pages).
        """
        self.cancel_all()
        self._thread.quit()
        self._thread.wait()

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
