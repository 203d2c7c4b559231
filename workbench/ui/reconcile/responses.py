"""Responses: recording what an actor said on the record, and the list of responses.

:class:`StatementDialog` records (or edits) a statement: actor, speaker, role, date,
channel, stance, verbatim text, the excerpt or document where it is recorded; or that the
actor did not respond, with the date it was asked. :class:`ResponsesPanel` lists every
statement with its stance coloured; statements drag onto the reconciliation board.
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import (QModelIndex, QPersistentModelIndex, Qt,
                            QRegularExpression, Signal)
from PySide6.QtGui import QAction, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QLineEdit, QMenu, QMessageBox, QPlainTextEdit,
                               QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from workbench.core import actors, deletion, documents, excerpts, statements
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.schema import CHANNELS, STANCES
from workbench.ui import background, dragdrop, style, writing
from workbench.ui.table_model import ListTableModel

IdRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex

CHANNEL_WORDS = {"email": "email", "phone": "phone", "press-release": "press release",
                 "document": "document", "in-person": "in person"}


def _short(text: str | None, width: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _iso_edit(parent: QWidget, placeholder: str = "YYYY-MM-DD") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setValidator(QRegularExpressionValidator(
        QRegularExpression(r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?"), edit))
    edit.setMaximumWidth(130)
    return edit


class StatementDialog(QDialog):
    """Record a statement, or edit one (``statement`` given). Reads only; the caller writes
    :meth:`values` through the writer."""

    def __init__(self, case: Case, parent: QWidget | None = None, *,
                 actor_id: int | None = None,
                 statement: statements.Statement | None = None,
                 excerpt_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statementDialog")
        self.statement = statement
        self.setWindowTitle("Edit statement" if statement else "Record statement")
        self.setMinimumWidth(560)

        self.actor_combo = QComboBox(self)
        for a in actors.list_all(case):
            self.actor_combo.addItem(f"{a.name} ({a.type})", a.id)
        self.actor_combo.setToolTip("Who is speaking: the agency, company or person")
        self.no_response_check = QCheckBox("Did &not respond", self)
        self.no_response_check.setToolTip(
            "The actor was asked and did not answer: record the date it was asked")
        self.stance_combo = QComboBox(self)
        for stance in STANCES:
            self.stance_combo.addItem(style.STANCE_WORDS[stance], stance)
        self.stance_combo.setToolTip("Does the actor confirm, deny or dispute, or decline?")
        self.speaker_edit = QLineEdit(self)
        self.speaker_edit.setPlaceholderText("e.g. Dana Whitcombe")
        self.role_edit = QLineEdit(self)
        self.role_edit.setPlaceholderText("e.g. public information officer")
        self.date_edit = _iso_edit(self)
        self.date_edit.setToolTip("When the statement was made (YYYY-MM-DD)")
        self.asked_edit = _iso_edit(self)
        self.asked_edit.setToolTip("When the actor was asked for a response (YYYY-MM-DD)")
        self.channel_combo = QComboBox(self)
        self.channel_combo.addItem("(not recorded)", None)
        for channel in CHANNELS:
            self.channel_combo.addItem(CHANNEL_WORDS[channel], channel)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText("The actor's words, verbatim (or link the excerpt "
                                          "where they are recorded)")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(90)
        self.excerpt_combo = QComboBox(self)
        self.excerpt_combo.addItem("(none)", None)
        titles = {d.id: d.title for d in documents.list_all(case)}
        for ex in excerpts.list_all(case):
            self.excerpt_combo.addItem(
                f"“{_short(ex.quote, 60)}” ({_short(titles.get(ex.document_id), 30)}, "
                f"p. {ex.page_no})", ex.id)
        self.excerpt_combo.setToolTip("The excerpt of a document where the words are recorded")
        self.document_combo = QComboBox(self)
        self.document_combo.addItem("(none)", None)
        for doc_id, title in titles.items():
            self.document_combo.addItem(_short(title, 70), doc_id)
        self.document_combo.setToolTip("The document that records the statement")
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.strong(style.PROBLEM_HUE, self).name()}")

        form = QFormLayout()
        form.addRow("&Actor:", self.actor_combo)
        form.addRow("", self.no_response_check)
        form.addRow("S&tance:", self.stance_combo)
        form.addRow("S&peaker:", self.speaker_edit)
        form.addRow("&Role:", self.role_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.date_edit)
        self.asked_label = QLabel("Date a&sked:", self)
        self.asked_label.setBuddy(self.asked_edit)
        dates.addSpacing(12)
        dates.addWidget(self.asked_label)
        dates.addWidget(self.asked_edit)
        dates.addStretch(1)
        date_label = QLabel("&Date:", self)
        date_label.setBuddy(self.date_edit)
        form.addRow(date_label, dates)
        form.addRow("&Channel:", self.channel_combo)
        form.addRow("&Verbatim text:", self.text_edit)
        form.addRow("Recorded in &excerpt:", self.excerpt_combo)
        form.addRow("…or d&ocument:", self.document_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Save" if statement else "Record")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

        self.no_response_check.toggled.connect(self._no_response_toggled)
        self.stance_combo.currentIndexChanged.connect(self._stance_changed)
        self.setTabOrder(self.actor_combo, self.no_response_check)
        for a, b in ((self.no_response_check, self.stance_combo),
                     (self.stance_combo, self.speaker_edit), (self.speaker_edit, self.role_edit),
                     (self.role_edit, self.date_edit), (self.date_edit, self.asked_edit),
                     (self.asked_edit, self.channel_combo),
                     (self.channel_combo, self.text_edit),
                     (self.text_edit, self.excerpt_combo),
                     (self.excerpt_combo, self.document_combo)):
            self.setTabOrder(a, b)

        if statement is not None:
            self._load(statement)
        else:
            if actor_id is not None:
                self._select(self.actor_combo, actor_id)
            if excerpt_id is not None:
                self._select(self.excerpt_combo, excerpt_id)
            self.date_edit.setText(_dt.date.today().isoformat())
            self._select(self.stance_combo, "denies")
        self._stance_changed()

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _load(self, st: statements.Statement) -> None:
        self._select(self.actor_combo, st.actor_id)
        self._select(self.stance_combo, st.stance)
        self.no_response_check.setChecked(st.stance == "no-response")
        self.speaker_edit.setText(st.speaker or "")
        self.role_edit.setText(st.role or "")
        self.date_edit.setText(st.date or "")
        self.asked_edit.setText(st.asked_on or "")
        self._select(self.channel_combo, st.channel)
        self.text_edit.setPlainText(st.text or "")
        self._select(self.excerpt_combo, st.excerpt_id)
        self._select(self.document_combo, st.document_id)

    def _no_response_toggled(self, on: bool) -> None:
        if on:
            self._select(self.stance_combo, "no-response")
            if not self.asked_edit.text():
                self.asked_edit.setText(self.date_edit.text() or _dt.date.today().isoformat())
            self.date_edit.clear()
        elif self.stance == "no-response":
            self._select(self.stance_combo, "declined")
        self._stance_changed()

    def _stance_changed(self, *_args) -> None:
        silent = self.stance == "no-response"
        self.no_response_check.blockSignals(True)
        self.no_response_check.setChecked(silent)
        self.no_response_check.blockSignals(False)
        self.stance_combo.setEnabled(not self.no_response_check.isChecked())
        for w in (self.text_edit, self.date_edit, self.speaker_edit):
            w.setEnabled(not silent)
        self.asked_edit.setEnabled(True)

    @property
    def stance(self) -> str:
        return self.stance_combo.currentData()

    def values(self) -> dict:
        """Keyword arguments for ``statements.add`` / ``statements.update``."""
        silent = self.stance == "no-response"
        text = self.text_edit.toPlainText().strip() or None
        return {"actor_id": self.actor_combo.currentData(), "stance": self.stance,
                "speaker": None if silent else (self.speaker_edit.text().strip() or None),
                "role": self.role_edit.text().strip() or None,
                "date": None if silent else (self.date_edit.text().strip() or None),
                "channel": self.channel_combo.currentData(),
                "text": None if silent else text,
                "excerpt_id": None if silent else self.excerpt_combo.currentData(),
                "document_id": self.document_combo.currentData(),
                "asked_on": self.asked_edit.text().strip() or None}

    def problem(self) -> str | None:
        v = self.values()
        if v["actor_id"] is None:
            return "Choose who made the statement (add the actor first)."
        if v["stance"] == "no-response" and not v["asked_on"]:
            return "Give the date the actor was asked."
        if v["stance"] not in statements.SILENT and not v["text"] and not v["excerpt_id"]:
            return "Give the verbatim text, or the excerpt where it is recorded."
        for key in ("date", "asked_on"):
            if v[key]:
                try:
                    _dt.date.fromisoformat(v[key])
                except ValueError:
                    return f"{v[key]!r} is not a date (YYYY-MM-DD)."
        return None

    def _accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error_label.setText(problem)
            return
        self.accept()


def record_statement(session, parent: QWidget | None = None, *, actor_id: int | None = None,
                     excerpt_id: int | None = None,
                     reporter: writing.WriteReporter | None = None) -> StatementDialog:
    """Open the dialog (non-modal); on OK the statement is recorded on the writer."""
    dialog = StatementDialog(session.reader, parent, actor_id=actor_id, excerpt_id=excerpt_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: save_statement(session, dialog.values(),
                                                   reporter=reporter))
    dialog.open()
    return dialog


def save_statement(session, values: dict, statement_id: int | None = None, *,
                   reporter: writing.WriteReporter | None = None, done=None):
    """Write a new statement (or edit ``statement_id``) as one action; returns the Job."""
    if statement_id is None:
        return writing.write(session, "Record statement",
                          lambda case: statements.add(case, **values),
                          reporter=reporter, done=done)
    return writing.write(session, "Edit statement",
                      lambda case: statements.update(case, statement_id, **values),
                      reporter=reporter, done=done)


class ResponsesModel(ListTableModel):
    """Statements on record, optionally of one actor, in date order."""

    COLUMNS = ("Actor", "Stance", "Speaker", "Date", "Channel", "Statement")
    ACTOR, STANCE, SPEAKER, DATE, CHANNEL, TEXT = range(6)
    DRAGGABLE = True

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.actor_id: int | None = None
        self.rows: list[statements.Statement] = []
        self._names: dict[int, str] = {}

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.reload()

    def set_actor(self, actor_id: int | None) -> None:
        self.actor_id = actor_id
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        if self.case is None:
            self.rows, self._names = [], {}
        else:
            self._names = {a.id: a.name for a in actors.list_all(self.case)}
            self.rows = statements.list_all(self.case, actor_id=self.actor_id)
        self.endResetModel()

    def apply_changes(self, changes: Changes) -> None:
        if changes.tables() & {"statements", "actors", "actor_aliases", "excerpts"}:
            self.reload()

    def statement(self, row: int) -> statements.Statement | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, statement_id: int) -> int:
        return next((n for n, s in enumerate(self.rows) if s.id == statement_id), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        st = self.rows[index.row()]
        col = index.column()
        if role == IdRole:
            return st.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.ACTOR:
                return self._names.get(st.actor_id, "")
            if col == self.STANCE:
                return style.STANCE_WORDS.get(st.stance, st.stance)
            if col == self.SPEAKER:
                return ", ".join(p for p in (st.speaker, st.role) if p)
            if col == self.DATE:
                return st.date or (f"asked {st.asked_on}" if st.asked_on else "")
            if col == self.CHANNEL:
                return CHANNEL_WORDS.get(st.channel or "", "")
            if col == self.TEXT:
                return _short(st.text, 200) if st.text else (
                    "(no response)" if st.stance == "no-response" else "")
        if role == Qt.ItemDataRole.BackgroundRole and col == self.STANCE:
            return style.tint(style.STANCE_HUES.get(st.stance, "#808080"))
        if role == Qt.ItemDataRole.ToolTipRole:
            who = self._names.get(st.actor_id, "")
            head = f"{who} {style.STANCE_WORDS.get(st.stance, st.stance)}"
            return head + (f"\n\n“{st.text}”" if st.text else "") + \
                ("\n\nDouble-click to open where it is recorded" if st.document_id else "")
        return None

    def mimeTypes(self) -> list[str]:
        return [dragdrop.MIME_REF, "text/plain"]

    def mimeData(self, indexes):
        ids = list(dict.fromkeys(self.rows[i.row()].id for i in indexes
                                 if i.isValid() and 0 <= i.row() < len(self.rows)))
        texts = [self.rows[self.row_of(i)].text or "" for i in ids]
        return dragdrop.refs_mime([("statement", i) for i in ids], "\n\n".join(texts))

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction


class ResponsesPanel(QWidget):
    """Every statement on record, stance coloured; record, edit, open the source."""

    source_requested = Signal(str, int)  # ("statement", id)

    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("responsesPanel")
        self.session = None
        self.watcher = background.ChangeWatcher(self, self.apply_changes)
        self.reporter = writing.WriteReporter(self)
        self.model = ResponsesModel(self)
        self.actor_filter = QComboBox(self)
        self.actor_filter.setToolTip("Show the responses of one actor")
        self.actor_filter.currentIndexChanged.connect(
            lambda _i: self.model.set_actor(self.actor_filter.currentData()))
        self.record_button = QPushButton("&Record statement…", self)
        self.record_button.setToolTip("Record what an actor said, or that it did not respond "
                                      "(Ctrl+Shift+R)")
        self.record_button.clicked.connect(lambda: self.record())
        self.edit_button = QPushButton("&Edit…", self)
        self.edit_button.setToolTip("Edit the selected statement (F2)")
        self.edit_button.clicked.connect(lambda: self.edit_current())
        self.not_needed_button = QPushButton("&No response needed…", self)
        self.not_needed_button.setToolTip(
            "Record that the chosen actor (or the selected statement's) is a source, not a "
            "subject: the publication gate then asks no response of it, and the report "
            "says why")
        self.not_needed_button.clicked.connect(lambda: self.mark_not_needed())
        self.view = QTableView(self)
        self.view.setObjectName("responsesView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in ((0, 190), (1, 120), (2, 170), (3, 100), (4, 90)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.doubleClicked.connect(self._activated)
        self.view.activated.connect(self._activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        edit = QAction("Edit statement", self.view)
        edit.setShortcut(QKeySequence("F2"))
        edit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.triggered.connect(lambda: self.edit_current())
        self.view.addAction(edit)
        delete = QAction("Delete statement", self.view)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(lambda: self.delete_current())
        self.view.addAction(delete)

        top = QHBoxLayout()
        label = QLabel("Responses of:", self)
        label.setBuddy(self.actor_filter)
        top.addWidget(label)
        top.addWidget(self.actor_filter, 1)
        top.addWidget(self.record_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.not_needed_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.setTabOrder(self.actor_filter, self.record_button)
        self.setTabOrder(self.record_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.view)
        self.set_session(session)

    def set_session(self, session) -> None:
        self.session = session
        self.watcher.set_session(session)
        self.model.set_case(session.reader if session else None)
        self._fill_actors()
        self.setEnabled(session is not None)

    def _fill_actors(self) -> None:
        current = self.actor_filter.currentData()
        self.actor_filter.blockSignals(True)
        self.actor_filter.clear()
        self.actor_filter.addItem("All actors", None)
        if self.session is not None:
            for a in actors.list_all(self.session.reader):
                self.actor_filter.addItem(a.name, a.id)
        index = self.actor_filter.findData(current)
        self.actor_filter.setCurrentIndex(max(0, index))
        self.actor_filter.blockSignals(False)

    def apply_changes(self, changes: Changes) -> None:
        if changes.tables() & {"actors", "actor_aliases"}:
            self._fill_actors()
        self.model.apply_changes(changes)

    def show_actor(self, actor_id: int | None) -> None:
        self.actor_filter.setCurrentIndex(max(0, self.actor_filter.findData(actor_id)))

    def select_statement(self, statement_id: int) -> None:
        row = self.model.row_of(statement_id)
        if row < 0 and self.model.actor_id is not None:
            self.show_actor(None)
            row = self.model.row_of(statement_id)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def current_statement(self) -> statements.Statement | None:
        index = self.view.currentIndex()
        return self.model.statement(index.row()) if index.isValid() else None

    def record(self) -> StatementDialog | None:
        if self.session is None:
            return None
        return record_statement(self.session, self, actor_id=self.model.actor_id,
                                reporter=self.reporter)

    def delete_current(self, *, confirm=None):
        """Delete the selected statement; undoable.

        Evidence links and citations that use it would go too, so those are named and
        the user is asked first. ``confirm(message) -> bool`` replaces the question box
        (tests).
        """
        st = self.current_statement()
        if st is None or self.session is None:
            return None
        used_by = deletion.users(self.session.reader, "statement", st.id)
        if used_by:
            message = (f"This statement is used by {deletion.describe(used_by)}. "
                       "Delete it and remove it from those too? (Ctrl+Z brings all back.)")
            ask = confirm or (lambda text: QMessageBox.question(
                self, "Delete statement", text) == QMessageBox.StandardButton.Yes)
            if not ask(message):
                return None
        return writing.write(self.session, "Delete statement",
                          lambda case: deletion.delete(case, "statement", st.id,
                                                       cascade=bool(used_by)),
                          reporter=self.reporter)

    def mark_not_needed(self):
        """Ask why the chosen actor needs no response and record it (an empty reason
        withdraws an earlier one); undoable. Returns the write's Job, or None."""
        if self.session is None:
            return None
        st = self.current_statement()
        actor_id = self.model.actor_id or (st.actor_id if st is not None else None)
        if actor_id is None:
            QMessageBox.information(
                self, "No response needed",
                "Choose the actor under \u201cResponses of\u201d (or select one of its "
                "statements) first.")
            return None
        reader = self.session.reader
        name = actors.get(reader, actor_id).name
        current = statements.not_needed(reader).get(actor_id, "")
        reason, ok = QInputDialog.getText(
            self, "No response needed",
            f"Why does {name} need no response (a source, not a subject)?\n"
            "Leave empty to ask for its response again.", text=current)
        if not ok:
            return None
        reason = reason.strip() or None
        if reason is None and not current:
            return None
        return writing.write(self.session, "No response needed",
                          lambda case: statements.set_not_needed(case, actor_id, reason),
                          reporter=self.reporter)

    def edit_current(self) -> StatementDialog | None:
        st = self.current_statement()
        if st is None or self.session is None:
            return None
        dialog = StatementDialog(self.session.reader, self, statement=st)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: save_statement(
            self.session, _changed(st, dialog.values()), st.id, reporter=self.reporter))
        dialog.open()
        return dialog

    def _activated(self, index) -> None:
        st = self.model.statement(index.row())
        if st is not None:
            self.source_requested.emit("statement", st.id)

    def _menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        st = self.model.statement(index.row()) if index.isValid() else None
        menu = QMenu(self)
        if st is not None:
            menu.addAction("Open where it is recorded",
                           lambda: self.source_requested.emit("statement", st.id)
                           ).setEnabled(st.document_id is not None
                                        or st.excerpt_id is not None)
            menu.addAction("Edit…", self.edit_current)
            menu.addSeparator()
        menu.addAction("Record statement…", self.record)
        menu.popup(self.view.viewport().mapToGlobal(pos))


def _changed(st: statements.Statement, values: dict) -> dict:
    return {k: v for k, v in values.items() if getattr(st, k) != v}
