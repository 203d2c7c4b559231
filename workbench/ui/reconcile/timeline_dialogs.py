"""The timeline's dialogs: add or edit an event, and pick among dates found in the pages.

Both only gather input on the GUI thread; the timeline panel does the writing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from workbench.core import actors, chronology, claims, dates, events
from workbench.core.errors import WorkbenchError
from workbench.ui import style


class EventDialog(QDialog):
    """Add or edit an event: date (with precision), circa, text, actors, sources, claims."""

    def __init__(self, case, parent: QWidget | None = None, *, event=None,
                 date: str = "", text: str = "", sources=(), claim_ids=()) -> None:
        super().__init__(parent)
        self.setObjectName("eventDialog")
        self.setWindowTitle("Edit event" if event else "Add event")
        self.date_edit = QLineEdit(event.date if event else date, self)
        self.date_edit.setPlaceholderText("2019-03-04, 2019-03, 2019 or 2019-01/2019-03")
        self.circa_check = QCheckBox("Approximate (circa)", self)
        if event is not None:
            when = dates.parse(event.date)
            self.date_edit.setText(when.value)
            self.circa_check.setChecked(when.circa)
        self.date_hint = QLabel(self)
        self.text_edit = QLineEdit(event.text if event else text, self)
        self.text_edit.setPlaceholderText("What happened, in a line")
        chosen_sources = [str(s) for s in (event.sources if event else sources)]
        self.sources_edit = QLineEdit(" ".join(chosen_sources), self)
        self.sources_edit.setPlaceholderText("excerpt:ID statement:ID document:ID")
        self.actors_list = QListWidget(self)
        chosen = set(event.actor_ids) if event else set()
        for a in actors.list_all(case):
            item = QListWidgetItem(a.name, self.actors_list)
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setCheckState(Qt.CheckState.Checked if a.id in chosen
                               else Qt.CheckState.Unchecked)
        self.claims_list = QListWidget(self)
        chosen = set(event.claim_ids) if event else set(claim_ids)
        for c in claims.list_all(case):
            item = QListWidgetItem(f"{c.id}: {c.text}", self.claims_list)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setCheckState(Qt.CheckState.Checked if c.id in chosen
                               else Qt.CheckState.Unchecked)
        self.problem_label = QLabel(self)
        self.problem_label.setStyleSheet(f"color: {style.PROBLEM_HUE}")
        form = QFormLayout()
        form.addRow("&Date", self.date_edit)
        form.addRow("", self.circa_check)
        form.addRow("", self.date_hint)
        form.addRow("&What happened", self.text_edit)
        form.addRow("&Sources", self.sources_edit)
        form.addRow("&Actors involved", self.actors_list)
        form.addRow("&Claims it bears on", self.claims_list)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.date_edit.textChanged.connect(lambda _t: self._hint())
        self.circa_check.toggled.connect(lambda _on: self._hint())
        self._hint()

    @staticmethod
    def _checked(widget: QListWidget) -> list[int]:
        return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked]

    def _hint(self) -> None:
        try:
            when = dates.parse(self.date_edit.text(), circa=self.circa_check.isChecked())
        except WorkbenchError:
            self.date_hint.setText("")
            return
        self.date_hint.setText(f"{when.label()} ({when.precision})")

    def values(self) -> dict:
        return {"date": self.date_edit.text().strip(), "circa": self.circa_check.isChecked(),
                "text": self.text_edit.text().strip(),
                "sources": [events.parse_source(s) for s in self.sources_edit.text().split()],
                "actor_ids": self._checked(self.actors_list),
                "claim_ids": self._checked(self.claims_list)}

    def problem(self) -> str | None:
        try:
            v = self.values()
            dates.parse(v["date"], circa=v["circa"])
        except WorkbenchError as exc:
            return str(exc)
        if not v["text"]:
            return "Say in a line what happened"
        return None

    def _accept(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        if problem is None:
            self.accept()


class SuggestionsDialog(QDialog):
    """Dates found in the pages; the user picks one and says what happened."""

    def __init__(self, suggestions: list[chronology.Suggestion], panel) -> None:
        super().__init__(panel)
        self.setObjectName("suggestionsDialog")
        self.setWindowTitle("Dates found in the pages")
        self.panel = panel
        self.suggestions = suggestions
        self.list = QListWidget(self)
        for s in suggestions:
            QListWidgetItem(f"{s.date}  {s.document_title}, p. {s.page_no}: {s.context}",
                            self.list)
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText("What happened at that date, in a line")
        self.list.currentRowChanged.connect(lambda row: self.text_edit.setText(
            self.suggestions[row].context[:120] if 0 <= row < len(self.suggestions) else ""))
        self.add_button = QPushButton("Add as event", self)
        self.add_button.clicked.connect(lambda: self.accept_current())
        close = QPushButton("Close", self)
        close.clicked.connect(lambda: self.reject())
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{len(suggestions)} dates written in the pages. Nothing is "
                                "added until you choose one.", self))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.text_edit)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.resize(720, 420)

    def accept_current(self):
        row = self.list.currentRow()
        if not 0 <= row < len(self.suggestions) or not self.text_edit.text().strip():
            return None
        s = self.suggestions[row]
        job = self.panel.accept_suggestion(s, self.text_edit.text().strip())
        self.list.item(row).setFlags(Qt.ItemFlag.NoItemFlags)  # done: greyed out
        return job
