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

    @staticmethod
    def open_files(path: str | Path) -> tuple[Path, Case, Case]:
        """Open the writing and the reading connection. No Qt: runs on any thread.

        Raises CaseFileError (file untouched) when the file cannot be opened.
        """
        path = Path(path).resolve()
        writer = Case.open(path)
        try:
            reader = Case.open(path)
        except Exception:
            writer.close()
            raise
        return path, writer, reader

    @classmethod
    def open(cls, path: str | Path, parent: QObject | None = None, *,
             run=None) -> "CaseSession":
        """Open ``path``. ``run(fn)`` may run the file checks elsewhere (off the GUI
        thread: a large file's integrity check takes seconds)."""
        opened = (run or (lambda fn: fn()))(lambda: cls.open_files(path))
        return cls(*opened, parent)

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
