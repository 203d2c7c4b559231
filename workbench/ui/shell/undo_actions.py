"""Undo and redo for the window: a QAction pair wired to ``workbench.core.undo``.

The core :class:`~workbench.core.undo.UndoStack` lives on the writer thread: it is
built inside a job on the writer's Case and hears every committed action there as a
Case listener, so the actions it records and the reverts it applies are in exactly the
writer's order. Undo and redo are writes, so they run as jobs too. The stack's labels
are published back to the GUI thread through a queued signal; the actions' texts follow
("Undo Add excerpt", "Redo Set verdict").
"""

from __future__ import annotations

import warnings

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from workbench.core import undo as undo_core
from workbench.core.undo import CannotUndo, UndoStack
from workbench.ui import writing


class CaseHistoryStack(UndoStack):
    """The window's stack, reaching into the case's history: once this session's actions
    are all undone (or right after the case opens), Undo offers what ``workbench undo``
    would revert, the newest action of the case's audit log not yet undone."""

    def _history(self):
        try:
            return undo_core.last_undoable(self.case)
        except CannotUndo:
            return None

    @property
    def undo_label(self) -> str | None:
        if self._done:
            return self._done[-1][1]
        older = self._history()
        return older.label if older is not None else None

    def undo(self):
        if self._done:
            return super().undo()
        older = self._history()
        if older is None:
            raise CannotUndo("nothing to undo")
        changes = self._revert(older.id, f"Undo {older.label}")
        self._undone.append((changes.action_id, older.label))
        return changes


class UndoController(QObject):
    """The session's undo stack, seen from the GUI thread."""

    labels_changed = Signal(object, object)  # undo label or None, redo label or None
    undone = Signal(object)  # the Changes of an undo
    redone = Signal(object)
    refused = Signal(str)  # why an undo or redo could not be done

    _published = Signal(object, object)

    def __init__(self, session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.undo_label: str | None = None
        self.redo_label: str | None = None
        self._stack: UndoStack | None = None
        self._detached = False
        self._published.connect(self._set_labels)
        self.ready_job = session.jobs.run("Preparing undo", self._install)

    def _install(self, case, _progress) -> None:
        # Writer thread: build the stack on the writer's Case and listen there.
        stack = CaseHistoryStack(case)

        def heard(changes) -> None:
            stack.record(changes)
            if not self._detached:
                self._publish(stack)
        case.add_listener(heard)
        self._stack = stack
        self._publish(stack)  # what the case's history offers before any new action

    def _publish(self, stack: UndoStack) -> None:
        try:
            self._published.emit(stack.undo_label, stack.redo_label)
        except RuntimeError:  # the controller was deleted with its window
            pass

    def detach(self) -> None:
        """Stop publishing (the window moved to another case, or closed this one).

        The listener stays on the writer's Case, which closes with its session; removing
        it would need a job on a writer that may already have stopped.
        """
        self._detached = True

    @Slot(object, object)
    def _set_labels(self, undo_label, redo_label) -> None:
        if (undo_label, redo_label) != (self.undo_label, self.redo_label):
            self.undo_label, self.redo_label = undo_label, redo_label
            self.labels_changed.emit(undo_label, redo_label)

    def undo(self):
        """Undo the newest action still done (a job on the writer); returns the Job."""
        return self._step("undo")

    def redo(self):
        return self._step("redo")

    def _step(self, which: str):
        def run(_case, _progress):
            if self._stack is None:
                return None
            try:
                return getattr(self._stack, which)()
            finally:
                self._publish(self._stack)
        label = self.undo_label if which == "undo" else self.redo_label
        job = self.session.jobs.run(f"{which.capitalize()} {label or ''}".strip(), run)
        job.finished.connect(lambda changes: changes is not None and (
            self.undone if which == "undo" else self.redone).emit(changes))
        job.failed.connect(self.refused)
        return job


class UndoActions(QObject):
    """ "Undo <label>" (Ctrl+Z) and "Redo <label>" (Ctrl+Shift+Z), kept up to date.

    Pass the window's own actions to take them over (their shortcuts stay unique);
    otherwise two new actions are made.
    """

    def __init__(self, session=None, parent: QObject | None = None, *,
                 undo_action: QAction | None = None,
                 redo_action: QAction | None = None) -> None:
        super().__init__(parent)
        self.controller: UndoController | None = None
        self.undo_action = undo_action or QAction(parent)
        self.redo_action = redo_action or QAction(parent)
        for action in (undo_action, redo_action):
            if action is None:
                continue
            with warnings.catch_warnings():  # the window's placeholder slot, if any
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    action.triggered.disconnect()
                except (RuntimeError, TypeError):
                    pass
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.undo_action.setObjectName("undoAction")
        self.redo_action.setObjectName("redoAction")
        self.undo_action.triggered.connect(lambda: self.undo())
        self.redo_action.triggered.connect(lambda: self.redo())
        self.reporter = writing.WriteReporter(parent if isinstance(parent, QWidget) else None)
        self.set_session(session)

    def set_session(self, session) -> None:
        """Follow another open case (None: nothing to undo)."""
        if self.controller is not None:
            self.controller.detach()
            self.controller.deleteLater()
            self.controller = None
        if session is not None:
            self.controller = UndoController(session, self)
            self.controller.labels_changed.connect(self._update)
            self.controller.refused.connect(lambda msg: self.reporter.show("Cannot undo", msg))
        self._update(None, None)

    def undo(self):
        return self.controller.undo() if self.controller is not None else None

    def redo(self):
        return self.controller.redo() if self.controller is not None else None

    @Slot(object, object)
    def _update(self, undo_label, redo_label) -> None:
        for action, verb, label in ((self.undo_action, "Undo", undo_label),
                                    (self.redo_action, "Redo", redo_label)):
            action.setText(f"&{verb} {label}" if label else f"&{verb}")
            action.setEnabled(label is not None)
            tip = (f"{verb} “{label}” ({action.shortcut().toString()})" if label
                   else f"Nothing to {verb.lower()}")
            action.setToolTip(tip)
            action.setStatusTip(tip)
