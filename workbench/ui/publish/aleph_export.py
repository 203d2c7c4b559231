"""File > Export > For Aleph (FollowTheMoney)…: the case as FtM entities for a newsroom.

:func:`install` adds the menu entry to a :class:`~workbench.ui.shell.main_window.MainWindow`;
the entry opens :class:`AlephExportDialog`, which runs
:func:`workbench.core.handoff.export.export_case` on the case's writer thread (the one
thread that owns the case) with progress and Cancel. Confidential documents and people
are left out unless the user ticks the box and confirms. Without the optional extra
``workbench[aleph]`` the entry stays in the menu and says how to install it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from workbench.core import handoff

TITLE = "Export for Aleph (FollowTheMoney)"


class AlephExportDialog(QDialog):
    """Where to write, whether to include confidential material, progress, the outcome."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alephExportDialog")
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(560)
        self.session = session
        self.job = None
        self.summary = None
        layout = QVBoxLayout(self)
        intro = QLabel("Writes the case as FollowTheMoney entities (JSON lines) for a "
                       "newsroom's Aleph or OpenAleph, to load with alephclient "
                       "write-entities. Nothing is sent anywhere.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("alephPath")
        self.path_edit.setText(str(Path(session.path).with_suffix(".ftm.jsonl")))
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(lambda: self.browse())
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.confidential_box = QCheckBox(
            "Include documents and people marked confidential", self)
        self.confidential_box.setObjectName("includeConfidential")
        self.confidential_box.setToolTip("Left out by default, with everything that "
                                         "depends on them")
        layout.addWidget(self.confidential_box)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel("", self)
        self.status.setObjectName("alephStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton("Export",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(lambda: self.start())
        self.cancel_button.clicked.connect(lambda: self.stop_or_close())
        layout.addWidget(buttons)
        self.confirm = self._ask_confirmation

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, TITLE, self.path_edit.text(),
                                              "FollowTheMoney entities (*.ftm.jsonl *.json)")
        if path:
            self.path_edit.setText(path)

    def _ask_confirmation(self) -> bool:
        answer = QMessageBox.warning(
            self, TITLE, "The file will contain the documents and people you marked "
            "confidential, under their real names. Anyone who receives it can read them."
            "\n\nInclude them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def start(self):
        """Export in the background; returns the Job (None if refused or running)."""
        if self.job is not None:
            return None
        path = self.path_edit.text().strip()
        if not path:
            self.status.setText("Choose where to write the file.")
            return None
        include = self.confidential_box.isChecked()
        if include and not self.confirm():
            self.status.setText("Not exported: confidential material stays on this "
                                "machine. Untick the box to export without it.")
            return None
        from workbench.core.handoff.export import export_case
        self.summary = None
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText("Exporting…")
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        job = self.session.jobs.run(
            TITLE, lambda case, progress: export_case(
                case, path, include_confidential=include, progress=progress),
            cancellable=True)
        job.progressed.connect(lambda f, s: self.progress.setValue(int(f * 1000)))
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        job.ended.connect(self._ended)
        self.job = job
        return job

    def stop_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText("Stopping…")
        else:
            self.reject()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.adjustSize()  # a summary of several lines: grow rather than clip it

    def _finished(self, summary) -> None:
        self.summary = summary
        self._say("\n\n".join(summary.lines()))

    def _failed(self, message: str) -> None:
        if self.job is not None and self.job.was_cancelled:
            self._say("Export cancelled; no file was written.")
        else:
            self._say(f"Not exported: {message}")

    def _ended(self) -> None:
        self.job = None
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")


def install(window) -> QAction:
    """Add File > Export > For Aleph (FollowTheMoney)… to ``window``; return the action."""
    action = QAction("For &Aleph (FollowTheMoney)…", window)
    action.setObjectName("alephExportAction")
    tip = ("Export the case as FollowTheMoney entities for Aleph/OpenAleph"
           if handoff.available() else handoff.INSTALL_HINT)
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(lambda: open_dialog(window))
    action.setEnabled(False)
    window.addAction(action)
    file_menu = window.menuBar().actions()[0].menu()
    menu = file_menu.addMenu("E&xport")  # E is "Export report…"
    menu.setObjectName("exportMenu")
    close = getattr(window, "close_action", None)
    if close is not None and close in file_menu.actions():
        file_menu.insertMenu(close, menu)
    menu.addAction(action)
    window.case_opened.connect(lambda _path: action.setEnabled(True))
    window.case_closed.connect(lambda: action.setEnabled(False))
    window.aleph_export_action = action
    window.aleph_export_dialog = None
    return action


def open_dialog(window) -> AlephExportDialog | None:
    """Open the export dialog, or say how to install the extra it needs."""
    if window.session is None:
        return None
    if not handoff.available():
        box = QMessageBox(QMessageBox.Icon.Information, TITLE,
                          handoff.INSTALL_HINT + "\n\nThen restart Workbench.",
                          QMessageBox.StandardButton.Ok, window)
        box.setObjectName("alephMissingExtra")
        box.open()
        return None
    dialog = AlephExportDialog(window.session, window)
    window.aleph_export_dialog = dialog
    dialog.open()
    return dialog
