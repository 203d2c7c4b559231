"""The readiness panel: the publication gate (``workbench.core.gate``), live.

The gate builds the whole report snapshot, so it runs off the GUI thread (the session's
background reader), shortly after each committed change. Each problem is listed with how
to fix it; activating one emits :attr:`ReadinessPanel.location_requested` with the record
to open (``"finding"``, ``"claim"``, ``"actor"``, ``"excerpt"``...) and its id.
"""

from __future__ import annotations

from PySide6.QtCore import (QAbstractListModel, QModelIndex, QPersistentModelIndex, QTimer,
                            Qt, Signal)
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QHBoxLayout, QVBoxLayout, QWidget

from workbench.core import gate
from workbench.core.changes import Changes
from workbench.ui import background, style

_Index = QModelIndex | QPersistentModelIndex
KIND_TITLES = {"no-citation": "No citation", "quote-mismatch": "Quote does not match",
               "no-verdict": "No verdict", "no-response": "No response on record",
               "confidential": "Confidential source", "draft": "Draft",
               "event-no-source": "Event without a source"}


class ProblemsModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.problems: list[gate.Problem] = []

    def set_problems(self, problems) -> None:
        problems = list(problems)
        if problems == self.problems:
            return
        self.beginResetModel()
        self.problems = problems
        self.endResetModel()

    def problem(self, row: int) -> gate.Problem | None:
        return self.problems[row] if 0 <= row < len(self.problems) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.problems):
            return None
        p = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{KIND_TITLES.get(p.kind, p.kind)}: {p.message}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{p.message}\n\nWhere: {p.where}\nFix: {p.fix}\n\n" \
                   "Double-click or Enter to go there"
        if role == Qt.ItemDataRole.DecorationRole:
            return style.tint(style.PROBLEM_HUE if p.kind != "draft" else "#e07b00", 230)
        return None


class ReadinessPanel(QWidget):
    """Is the case publishable? Re-checked after every change, in the background."""

    location_requested = Signal(str, int)  # subject kind, id
    checked = Signal(bool)  # True when the gate passes

    DELAY_MS = 400

    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readinessPanel")
        self.session = None
        self.watcher = background.ChangeWatcher(self, self.apply_changes)
        self.passed: bool | None = None
        self.runs = 0
        self.model = ProblemsModel(self)
        self.status_label = QLabel("Not checked yet", self)
        self.status_label.setObjectName("readinessStatus")
        self.status_label.setWordWrap(True)
        self.recheck_button = QPushButton("Check a&gain", self)
        self.recheck_button.setToolTip("Run the publication checks now")
        self.recheck_button.clicked.connect(lambda: self.recheck())
        self.view = QListView(self)
        self.view.setObjectName("problemsView")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setSpacing(2)
        self.view.setAlternatingRowColors(True)
        from PySide6.QtCore import QSize
        self.view.setIconSize(QSize(10, 10))
        self.view.activated.connect(self._go)
        self.view.doubleClicked.connect(self._go)
        self.view.setToolTip("What stands between the case and a final report; "
                             "double-click one to go where it is fixed")
        top = QHBoxLayout()
        top.addWidget(self.status_label, 1)
        top.addWidget(self.recheck_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.setTabOrder(self.recheck_button, self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.recheck)
        self.set_session(session)

    def set_session(self, session) -> None:
        self.session = session
        self.watcher.set_session(session)
        self.passed = None
        self.model.set_problems(())
        if session is not None:
            self.recheck()
        else:
            self._show_status(None, 0)
        self.setEnabled(session is not None)

    def apply_changes(self, _changes: Changes) -> None:
        self._timer.start()  # a burst of changes is checked once

    def recheck(self) -> None:
        if self.session is None:
            return
        self._timer.stop()
        self.status_label.setText(self.status_label.text() if self.passed is not None
                                  else "Checking…")
        self.session.queries.run(
            lambda case: gate.check(case), self._checked,
            lambda msg: self.status_label.setText(f"Could not check: {msg}"), key="gate")

    def _checked(self, problems: list[gate.Problem]) -> None:
        self.runs += 1
        self.model.set_problems(problems)
        self.passed = not problems
        self._show_status(self.passed, len(problems))
        self.checked.emit(self.passed)

    def _show_status(self, passed: bool | None, count: int) -> None:
        if passed is None:
            self.status_label.setText("Not checked yet")
            self.status_label.setStyleSheet("")
            return
        hue = style.OK_HUE if passed else style.PROBLEM_HUE
        tint = style.tint(hue)
        self.status_label.setText(
            "✔ Ready to publish: every check passes" if passed else
            f"✖ Not ready: {count} problem{'s' if count != 1 else ''} before a final report")
        self.status_label.setStyleSheet(
            f"QLabel {{ font-weight: 600; padding: 4px 6px; border-radius: 3px; "
            f"background: rgba({tint.red()}, {tint.green()}, {tint.blue()}, 0.28); }}")
        self.status_label.setToolTip("A draft can always be exported; a final report "
                                     "needs every check to pass")

    def _go(self, index) -> None:
        p = self.model.problem(index.row())
        if p is None:
            return
        if p.subject_id is not None:
            self.location_requested.emit(p.subject, p.subject_id)
        elif p.finding_id is not None:
            self.location_requested.emit("finding", p.finding_id)
        else:
            self.location_requested.emit(p.subject, 0)  # e.g. the report's title
