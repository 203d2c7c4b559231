"""An open case in the window: its writer, its reader, its change batcher.

Writes go through :attr:`CaseSession.jobs` (one writer thread, which also keeps the
search index). Reads too slow for the GUI thread go through :attr:`CaseSession.queries`
(one reader thread with its own read-only connection). Screens hear what changed from
:attr:`CaseSession.batcher`. See :mod:`.jobs` for who may touch what. The GUI thread
itself reads small things through :attr:`CaseSession.reader`, a connection to the same
file: in WAL mode readers never wait for the writer.

Other programs may write the same case while the window is open (an import or a script
in a terminal). Every :data:`WATCH_INTERVAL_MS` the session compares the case's newest
audit row with the last it has seen; what other programs changed is announced on
``jobs.case_changed`` like the window's own edits (so every screen refreshes the rows
concerned) and on :attr:`CaseSession.changed_elsewhere`, and the search index catches up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from workbench.core import audit
from workbench.core.casefile import Case
from workbench.ui.shell.jobs import ChangeBatcher, JobRunner, QueryRunner

#: How often the window looks for changes made by other programs (a cheap query).
WATCH_INTERVAL_MS = 1000
#: The window's own action ids remembered to tell them from other programs' actions.
_OWN_ACTIONS_KEPT = 10_000


class CaseSession(QObject):
    """One open case file. Create with :meth:`open`; end with :meth:`close`."""

    #: What other programs changed (a Changes), after screens have heard of it.
    changed_elsewhere = Signal(object)

    def __init__(self, path: Path, writer: Case, reader: Case,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.reader = reader
        self._writer_case = writer
        self.jobs = JobRunner(writer, self)
        self.queries = QueryRunner(path, self)
        self.batcher = ChangeBatcher(self.jobs, self)
        self._own_actions: set[int] = set()
        writer.add_listener(self._remember_own)  # runs on the writer thread
        self._seen = reader.revision
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self.check_for_changes_elsewhere)
        self._watch.start()

    @property
    def index(self):
        """The search index, kept by the writer (None until prepared)."""
        return self.jobs.index

    def _remember_own(self, changes) -> None:
        if changes.action_id is not None:
            if len(self._own_actions) > _OWN_ACTIONS_KEPT:
                self._own_actions.clear()
            self._own_actions.add(changes.action_id)

    def check_for_changes_elsewhere(self) -> bool:
        """Announce what other programs committed since the last look; True if any."""
        if self.reader.conn is None:
            return False
        revision = self.reader.revision
        if revision <= self._seen:
            return False
        changes = audit.changes_between(self.reader, self._seen, revision,
                                        skip_actions=set(self._own_actions))
        self._seen = revision
        if changes.empty:
            return False
        self.jobs.case_changed.emit(changes)
        if self.index is not None:
            # The update reads from the audit log what the index lacks.
            self.jobs.run("Updating the search index",
                          lambda case, progress: self.index.update(set()))
        self.changed_elsewhere.emit(changes)
        return True

    def start_indexing(self):
        """Bring the search index in step (a job), then keep it so after every action."""
        from workbench.core.search.store import CaseIndex

        def prepare(case, progress):
            index = CaseIndex(case)
            state = index.ensure(progress)
            case.add_listener(index.apply)
            self.jobs.index = index
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
        """Cancel running jobs, wait for the writer to stop, close the connections."""
        self._watch.stop()
        self.queries.stop()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.jobs.shutdown(index_damaged=self.queries.index_fault_seen)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.queries.wait_stopped()
        self.reader.close()
        self._writer_case.close()
