"""Writes through the session's writer thread, and how a failed write is reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.core.casefile import Case


# -- writes ----------------------------------------------------------------------------


class WriteReporter(QObject):
    """Reports failed writes to the user, non-modally; remembers the last error."""

    failed = Signal(str, str)  # title, message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_error: str | None = None
        self.quiet = False  # tests set this to keep message boxes away

    def show(self, title: str, message: str) -> None:
        self.last_error = message
        self.failed.emit(title, message)
        if self.quiet:
            return
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("writeErrorDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def write(session, label: str, fn: Callable[[Case], Any], *,
          reporter: WriteReporter | None = None,
          done: Callable[[Any], None] | None = None,
          initiator: object | None = None):
    """Run ``fn(case)`` on the writer thread as one job; returns the Job.

    ``done(result)`` runs on the GUI thread after success; a failure goes to
    ``reporter`` (one line, titled "Cannot <label>"). The changes the job makes carry
    it as ``changes.op``, so ``initiator`` (the view asking) can tell them from others'
    (``workbench.ui.shell.jobs.caused_by``).
    """
    job = session.jobs.run(label, lambda case, _progress: fn(case), initiator=initiator)
    if done is not None:
        job.finished.connect(done)
    if reporter is not None:
        job.failed.connect(lambda message: reporter.show(f"Cannot {label.lower()}", message))
    return job
