"""Following the session's changes, for the panels.

The background machinery itself (the writer, the reader, the one change batcher, and
who may touch what) is in :mod:`workbench.ui.shell.jobs`; a panel reaches it through
its session (``session.jobs``, ``session.queries``, ``session.batcher``) and hears what
changed through a :class:`ChangeWatcher`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from workbench.core.changes import Changes


class ChangeWatcher(QObject):
    """Hands ``slot`` what the session's one change batcher (``session.batcher``)
    delivers, while a session is set. Batches nothing itself."""

    def __init__(self, parent: QObject, slot: Callable[[Changes], None]) -> None:
        super().__init__(parent)
        self.slot = slot
        self.session = None

    def set_session(self, session) -> None:
        if self.session is not None:
            try:
                self.session.batcher.batched.disconnect(self._heard)
            except (RuntimeError, TypeError):
                pass
        self.session = session
        if session is not None:
            session.batcher.batched.connect(self._heard)

    def _heard(self, changes: Changes) -> None:
        self.slot(changes)
