"""Making an excerpt: confirm the quote, add an optional note and actor."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QLabel, QPlainTextEdit, QVBoxLayout, QWidget)


class ExcerptDialog(QDialog):
    """Confirm a quote and add an optional note and actor."""

    def __init__(self, quote: str, where: str, actors: list[tuple[int, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New excerpt")
        self.setMinimumWidth(480)
        shown = QPlainTextEdit(quote, self)
        shown.setReadOnly(True)
        shown.setMaximumHeight(120)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText("Why this passage matters (optional)")
        self.note_edit.setMaximumHeight(80)
        self.actor_combo = QComboBox(self)
        self.actor_combo.addItem("(no actor)", None)
        for actor_id, name in actors:
            self.actor_combo.addItem(name, actor_id)
        form = QFormLayout()
        form.addRow("Quote:", shown)
        form.addRow("From:", QLabel(where))
        form.addRow("Note:", self.note_edit)
        form.addRow("Actor:", self.actor_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add excerpt")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.note_edit.setFocus()

    @property
    def note(self) -> str | None:
        return self.note_edit.toPlainText().strip() or None

    @property
    def actor_id(self) -> int | None:
        return self.actor_combo.currentData()
