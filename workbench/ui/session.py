"""An open case in the window: the writer thread and the GUI's reading connection.

Writes go through :attr:`CaseSession.jobs` (one writer thread). The GUI thread reads
through :attr:`CaseSession.reader`, a second connection to the same file: in WAL mode
readers never wait for the writer, so a long import cannot freeze a screen that reads.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication

from workbench.core.casefile import Case
from workbench.ui.jobs import JobRunner


class CaseSession(QObject):
    """One open case file. Create with :meth:`open`; end with :meth:`close`."""

    def __init__(self, path: Path, writer: Case, reader: Case,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.reader = reader
        self._writer_case = writer
        self.jobs = JobRunner(writer, self)
        self.index = None  # the search index, kept in step on the writer thread

    def start_indexing(self):
        """Bring the search index in step (a job), then keep it so after every action."""
        try:
            from workbench.core.search.store import CaseIndex
        except ImportError:  # search not installed in this build
            return None

        def prepare(case, progress):
            index = CaseIndex(case)
            state = index.ensure(progress)
            case.add_listener(index.apply)
            self.index = index
            return state
        return self.jobs.run("Preparing search", prepare, cancellable=True)

    @classmethod
    def open(cls, path: str | Path, parent: QObject | None = None) -> "CaseSession":
        """Open ``path``; raises CaseFileError (file untouched) when it cannot be."""
        path = Path(path).resolve()
        writer = Case.open(path)
        try:
            reader = Case.open(path)
        except Exception:
            writer.close()
            raise
        return cls(path, writer, reader, parent)

    @classmethod
    def create(cls, path: str | Path, title: str,
               parent: QObject | None = None) -> "CaseSession":
        Case.create(path, title=title).close()
        return cls.open(path, parent)

    @property
    def title(self) -> str:
        return self.reader.info.title

    def close(self) -> None:
        """Cancel running jobs, wait for the writer to stop, close both connections."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.jobs.shutdown()
        finally:
            QGuiApplication.restoreOverrideCursor()
        if self.index is not None:
            self.index.close()
            self.index = None
        self.reader.close()
        self._writer_case.close()
