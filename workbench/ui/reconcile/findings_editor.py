"""The findings editor: ordered findings, each with a title, text, status and citations.

Citations are numbered marks in the text: ``[n]`` is the finding's citation at position
``n`` (the order the report lists them in). Inserting a citation at the cursor writes
the mark and the citation together as one action, renumbering the marks after it;
removing one does the reverse. Hovering a mark shows the quotation it cites. Findings are
reordered by dragging them in the list.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import (QAction, QFont, QKeySequence, QPalette, QSyntaxHighlighter,
                           QTextCharFormat)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QListView, QMenu, QPushButton, QSplitter,
                               QTableView, QTextEdit, QToolTip, QVBoxLayout, QWidget)

from workbench.core import deletion, findings
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.schema import FINDING_STATUSES
from workbench.ui import background, dragdrop, writing
from workbench.ui.reconcile.citables import Citable, CitablesFilter, CitablesModel, read_citables
from workbench.ui.reconcile.findings_models import (MARK, CitationsModel, FindingsModel, _py_to_qt,
                                          _qt_to_py, insert_mark, mark_at, mark_place,
                                          marks, remove_mark)

__all__ = ["CitationPickerDialog", "CitationsModel", "FindingsEditor", "FindingsModel",
           "insert_mark", "marks", "remove_mark"]


# -- the text ------------------------------------------------------------------------------

class MarkHighlighter(QSyntaxHighlighter):
    """Shows ``[n]`` marks as numbered, raised, link-coloured marks."""

    def __init__(self, document, widget: QWidget) -> None:
        super().__init__(document)
        self.widget = widget

    def highlightBlock(self, text: str) -> None:
        fmt = QTextCharFormat()
        fmt.setForeground(self.widget.palette().color(QPalette.ColorRole.Link))
        fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
        for m in MARK.finditer(text):
            self.setFormat(_py_to_qt(text, m.start()), _py_to_qt(text, m.end())
                           - _py_to_qt(text, m.start()), fmt)


class FindingTextEdit(QTextEdit):
    """Plain text with citation marks; hovering a mark shows what it cites."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.quote_for = lambda number: None  # set by the editor
        self.highlighter = MarkHighlighter(self.document(), self)

    def mark_at(self, pos) -> int | None:
        cursor = self.cursorForPosition(pos)
        block = cursor.block()
        text = block.text()
        at = _qt_to_py(text, cursor.positionInBlock())
        for m in MARK.finditer(text):
            if m.start() <= at <= m.end():
                return int(m.group(1))
        return None

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            number = self.mark_at(self.viewport().mapFromGlobal(event.globalPos()))
            tip = self.quote_for(number) if number is not None else None
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def caret(self) -> int:
        return _qt_to_py(self.toPlainText(), self.textCursor().position())

    def set_caret(self, index: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(_py_to_qt(self.toPlainText(), index))
        self.setTextCursor(cursor)


# -- the picker ------------------------------------------------------------------------------

class CitationPickerDialog(QDialog):
    """Search excerpts and statements; choose one to cite."""

    def __init__(self, case: Case, parent: QWidget | None = None, *, query: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("citationPicker")
        self.setWindowTitle("Insert citation")
        self.resize(760, 460)
        self.model = CitablesModel(self)
        self.model.set_case(case)
        self.proxy = CitablesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search_edit = QLineEdit(query, self)
        self.search_edit.setPlaceholderText("Search the quotes and statements (every word)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._search)
        self.kind_combo = QComboBox(self)
        for text, kinds in (("Excerpts and statements", {"excerpt", "statement"}),
                            ("Excerpts", {"excerpt"}), ("Statements", {"statement"})):
            self.kind_combo.addItem(text, kinds)
        self.kind_combo.currentIndexChanged.connect(self._search)
        self.view = QTableView(self)
        self.view.setObjectName("citablesView")
        self.view.setModel(self.proxy)
        self.view.setColumnHidden(CitablesModel.SUMMARY, True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 220)
        self.view.doubleClicked.connect(lambda _i: self.accept())
        self.search_edit.installEventFilter(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Insert")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.kind_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self._search()

    def eventFilter(self, obj, event) -> bool:
        # Up/Down in the search field move through the results, as in a completer.
        if obj is self.search_edit and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.view.currentIndex().row() + (1 if event.key() == Qt.Key.Key_Down else -1)
            row = max(0, min(row, self.proxy.rowCount() - 1))
            self.view.selectRow(row)
            return True
        return super().eventFilter(obj, event)

    def _search(self, *_args) -> None:
        self.proxy.set_kinds(self.kind_combo.currentData())
        self.proxy.set_text(self.search_edit.text())
        if self.proxy.rowCount():
            self.view.selectRow(0)

    def chosen(self) -> dragdrop.Ref | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        c = self.model.citable(self.proxy.mapToSource(index).row())
        return c.ref if c else None


# -- the editor ---------------------------------------------------------------------------------

class FindingsEditor(QWidget):
    """Findings list on the left, the selected finding's editor on the right."""

    source_requested = Signal(str, int)  # ("excerpt" | "statement", id)
    finding_shown = Signal(int)

    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsEditor")
        self.session = None
        self.watcher = background.ChangeWatcher(self, self.apply_changes)
        self.finding_id: int | None = None
        self.loaded: findings.Finding | None = None
        self._citables: dict[dragdrop.Ref, Citable] = {}
        self.reporter = writing.WriteReporter(self)
        self._build()
        self.set_session(session)

    def _build(self) -> None:
        self.model = FindingsModel(self)
        self.model.move_requested.connect(self.move_finding)
        self.list_view = QListView(self)
        self.list_view.setObjectName("findingsList")
        self.list_view.setModel(self.model)
        self.list_view.setDragEnabled(True)
        self.list_view.setAcceptDrops(True)
        self.list_view.setDropIndicatorShown(True)
        self.list_view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.list_view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.list_view.setSpacing(2)
        self.list_view.setIconSize(QSize(10, 10))
        self.list_view.setWordWrap(True)
        self.list_view.setToolTip("Drag a finding to reorder (or Alt+Up / Alt+Down)")
        self.list_view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._reselect)
        for key, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            action = QAction("Move up" if step < 0 else "Move down", self.list_view)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _=False, s=step: self._step(s))
            self.list_view.addAction(action)
        delete = QAction("Delete finding", self.list_view)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.setToolTip("Delete the finding and its citations (Ctrl+Z brings it back)")
        delete.triggered.connect(lambda: self.delete_finding(self.finding_id))
        self.list_view.addAction(delete)
        self.new_button = QPushButton("&New finding…", self)
        self.new_button.setToolTip("Add a finding at the end of the report")
        self.new_button.clicked.connect(lambda: self.new_finding())

        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("findingTitle")
        self.title_edit.setPlaceholderText("A headline a reader can check")
        self.status_combo = QComboBox(self)
        for status in FINDING_STATUSES:
            self.status_combo.addItem(status, status)
        self.status_combo.setToolTip("draft: being written; checked: fact-checked; "
                                     "ready: approved for publication")
        self.text_edit = FindingTextEdit(self)
        self.text_edit.setObjectName("findingText")
        self.text_edit.setPlaceholderText("What the records show. Insert citations at the "
                                          "cursor with Ctrl+K; they appear as [1], [2]…")
        self.text_edit.quote_for = self.quote_for
        self.text_edit.textChanged.connect(self._show_unmarked)
        self.cite_button = QPushButton("Insert &citation…", self)
        self.cite_button.setToolTip("Cite an excerpt or a statement at the cursor (Ctrl+K)")
        self.cite_button.clicked.connect(lambda: self.pick_citation())
        self.save_button = QPushButton("&Save", self)
        self.save_button.setToolTip("Save the title, text and status (Ctrl+S)")
        self.save_button.clicked.connect(lambda: self.save())
        self.citations_model = CitationsModel(self)
        self.citations_view = QListView(self)
        self.citations_view.setObjectName("citationsList")
        self.citations_view.setModel(self.citations_model)
        self.citations_view.setMaximumHeight(170)
        self.citations_view.setWordWrap(True)
        self.citations_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.citations_view.setAlternatingRowColors(True)
        self.citations_view.activated.connect(self._open_citation)
        self.citations_view.doubleClicked.connect(self._open_citation)
        self.citations_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.citations_view.customContextMenuRequested.connect(self._citation_menu)
        remove = QAction("Remove citation", self.citations_view)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(lambda: self._remove_current_citation())
        self.citations_view.addAction(remove)
        self.unmarked_label = QLabel("", self)
        self.unmarked_label.setWordWrap(True)
        # What the mark at the caret cites, typed or inserted: "[2] “…” — source".
        self.mark_label = QLabel("", self)
        self.mark_label.setObjectName("markMeaning")
        self.mark_label.setWordWrap(True)
        self.mark_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_edit.cursorPositionChanged.connect(self._show_mark_meaning)
        self.text_edit.textChanged.connect(self._show_mark_meaning)
        for key, slot in (("Ctrl+K", self.pick_citation), ("Ctrl+S", self.save)):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, s=slot: s())
            self.addAction(action)

        left = QWidget(self)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Findings, in report order", self))
        lay.addWidget(self.list_view, 1)
        lay.addWidget(self.new_button)
        right = QWidget(self)
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("Stat&us:", self.status_combo)
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(4, 0, 0, 0)
        rlay.addLayout(form)
        rlay.addWidget(self.text_edit, 1)
        rlay.addWidget(self.mark_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cite_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        rlay.addLayout(buttons)
        cl = QLabel("Citations (in the order of their marks):", self)
        cl.setBuddy(self.citations_view)
        rlay.addWidget(cl)
        rlay.addWidget(self.citations_view)
        rlay.addWidget(self.unmarked_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        order = [self.list_view, self.new_button, self.title_edit, self.status_combo,
                 self.text_edit, self.cite_button, self.save_button, self.citations_view]
        for a, b in zip(order, order[1:]):
            self.setTabOrder(a, b)
        self._set_editor_enabled(False)

    # -- session ----------------------------------------------------------------------------
    def set_session(self, session) -> None:
        self.session = session
        self.watcher.set_session(session)
        self._read_citables()
        self.model.set_case(session.reader if session else None)
        self.show_finding(None)
        self.setEnabled(session is not None)

    def _read_citables(self) -> None:
        self._citables = {c.ref: c for c in read_citables(self.session.reader)} \
            if self.session is not None else {}

    def apply_changes(self, changes: Changes) -> None:
        if changes.tables() & {"excerpts", "statements", "actors"}:
            self._read_citables()
        self.model.apply_changes(changes)
        if self.finding_id is not None and changes.tables() & {"findings", "citations",
                                                                "excerpts", "statements"}:
            self.show_finding(self.finding_id, keep_edits=True)

    # -- showing ----------------------------------------------------------------------------
    def _current_changed(self, current, _previous=None) -> None:
        f = self.model.finding(current.row()) if current.isValid() else None
        if f is not None and f.id != self.finding_id:
            if self.dirty:
                self.save()
            self.show_finding(f.id)

    def _reselect(self) -> None:
        row = self.model.row_of(self.finding_id) if self.finding_id is not None else -1
        if row >= 0:
            self.list_view.selectionModel().blockSignals(True)
            self.list_view.setCurrentIndex(self.model.index(row))
            self.list_view.selectionModel().blockSignals(False)

    def select_finding(self, finding_id: int) -> None:
        row = self.model.row_of(finding_id)
        if row >= 0:
            self.list_view.setCurrentIndex(self.model.index(row))
        if self.finding_id != finding_id:
            self.show_finding(finding_id)

    def show_finding(self, finding_id: int | None, *, keep_edits: bool = False) -> None:
        if self.session is None or finding_id is None:
            self.finding_id, self.loaded = None, None
            self.title_edit.clear()
            self.text_edit.clear()
            self.citations_model.set_rows(())
            self.unmarked_label.setText("")
            self._set_editor_enabled(False)
            return
        try:
            f = findings.get(self.session.reader, finding_id)
        except Exception:  # noqa: BLE001 - undone away
            self.show_finding(None)
            return
        keep = keep_edits and self.finding_id == finding_id and self.dirty
        self.finding_id, previous, self.loaded = finding_id, self.loaded, f
        self._set_editor_enabled(True)
        if not keep:
            caret = self.text_edit.caret() if previous and previous.id == f.id else 0
            self.title_edit.setText(f.title)
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(f.status)))
            if self.text_edit.toPlainText() != f.text:
                self.text_edit.setPlainText(f.text)
            self.text_edit.set_caret(min(caret, len(f.text)))
        self.citations_model.set_rows((c, self._citables.get((c.kind, c.target_id)))
                                      for c in f.citations)
        self._show_unmarked()
        self._show_mark_meaning()
        self.finding_shown.emit(finding_id)

    def _show_unmarked(self) -> None:
        """Say which citations have no mark in the text, and which marks cite nothing."""
        if self.loaded is None:
            self.unmarked_label.setText("")
            return
        in_text = set(marks(self.text_edit.toPlainText()))
        cited = {c.position for c in self.loaded.citations}
        parts = []
        if cited - in_text:
            parts.append("Not marked in the text: " + ", ".join(
                f"[{n}]" for n in sorted(cited - in_text)) + " (the report still lists them)")
        if in_text - cited:
            parts.append("Marks citing nothing: " + ", ".join(
                f"[{n}]" for n in sorted(in_text - cited)))
        self.unmarked_label.setText(". ".join(parts))

    def _show_mark_meaning(self) -> None:
        """Say what the mark at the caret cites, and pick it in the citations list."""
        number = mark_at(self.text_edit.toPlainText(), self.text_edit.caret())
        if number is None or self.loaded is None:
            self.mark_label.setText("Ctrl+K cites an excerpt or statement at the end of "
                                    "this word; a mark [n] cites the list's nth citation"
                                    if self.loaded is not None else "")
            return
        self.mark_label.setText(" ".join((self.quote_for(number) or "").split()))
        for row, (c, _what) in enumerate(self.citations_model.rows):
            if c.position == number:
                self.citations_view.setCurrentIndex(self.citations_model.index(row))
                break

    def _set_editor_enabled(self, on: bool) -> None:
        for w in (self.title_edit, self.status_combo, self.text_edit, self.cite_button,
                  self.save_button, self.citations_view):
            w.setEnabled(on)

    @property
    def dirty(self) -> bool:
        f = self.loaded
        return f is not None and (self.title_edit.text().strip() != f.title
                                  or self.text_edit.toPlainText().strip() != f.text
                                  or self.status_combo.currentData() != f.status)

    def quote_for(self, number: int) -> str | None:
        """The tooltip of mark ``[number]``: the quotation it cites and where from."""
        if self.loaded is None:
            return None
        for c in self.loaded.citations:
            if c.position == number:
                what = self._citables.get((c.kind, c.target_id))
                if what is None:
                    return f"[{number}] {c.kind} {c.target_id}"
                return f"[{number}] “{what.text}”\n— {what.source}"
        return f"[{number}] cites nothing yet (no citation at this position)"

    # -- writes ----------------------------------------------------------------------------
    def _edits(self) -> dict:
        f = self.loaded
        values = {"title": self.title_edit.text().strip(),
                  "text": self.text_edit.toPlainText().strip(),
                  "status": self.status_combo.currentData()}
        return {k: v for k, v in values.items() if f is None or getattr(f, k) != v}

    def save(self):
        if self.session is None or self.finding_id is None or not self.dirty:
            return None
        finding_id, values = self.finding_id, self._edits()
        return writing.write(self.session, "Edit finding",
                          lambda case: findings.update(case, finding_id, **values),
                          reporter=self.reporter)

    def pick_citation(self) -> CitationPickerDialog | None:
        if self.session is None or self.finding_id is None:
            return None
        dialog = CitationPickerDialog(self.session.reader, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        caret = self.text_edit.caret()
        dialog.accepted.connect(lambda: dialog.chosen() and self.insert_citation(
            dialog.chosen(), at=caret))
        dialog.open()
        return dialog

    def insert_citation(self, ref: dragdrop.Ref, *, at: int | None = None):
        """Cite ``ref`` at the cursor (or character ``at``): mark and citation, one action."""
        if self.session is None or self.finding_id is None:
            return None
        kind, target_id = ref
        text = self.text_edit.toPlainText()
        at = mark_place(text, self.text_edit.caret() if at is None else at)
        finding_id = self.finding_id
        cited = next((c.position for c in (self.loaded.citations if self.loaded else ())
                      if (c.kind, c.target_id) == (kind, target_id)), None)
        if cited is not None:
            # Already cited: its number again, no new citation and no renumbering.
            mark = f"[{cited}]"
            new_text = text[:at] + mark + text[at:]
            edits = {**self._edits(), "text": new_text.strip()}
            self.text_edit.setPlainText(new_text)
            self.text_edit.set_caret(at + len(mark))

            def write_again(case: Case):
                with case.action("Cite again") as act:
                    act.row_id = finding_id
                    findings.update(case, finding_id, **edits)
                return act.changes
            return writing.write(self.session, "Cite again", write_again, reporter=self.reporter)
        new_text, number, caret = insert_mark(text, at)
        edits = {**self._edits(), "text": new_text.strip()}

        def write(case: Case):
            with case.action("Add citation") as act:
                act.row_id = finding_id
                findings.update(case, finding_id, **edits)
                findings.add_citation(case, finding_id, kind, target_id, position=number)
            return act.changes
        self.text_edit.setPlainText(new_text)
        self.text_edit.set_caret(caret)
        return writing.write(self.session, "Add citation", write, reporter=self.reporter)

    def remove_citation(self, citation: findings.Citation):
        if self.session is None or self.finding_id is None:
            return None
        finding_id = self.finding_id
        edits = {**self._edits(),
                 "text": remove_mark(self.text_edit.toPlainText(), citation.position).strip()}

        def write(case: Case):
            with case.action("Remove citation") as act:
                act.row_id = finding_id
                findings.update(case, finding_id, **edits)
                findings.remove_citation(case, citation.id)
            return act.changes
        self.text_edit.setPlainText(edits["text"])
        return writing.write(self.session, "Remove citation", write, reporter=self.reporter)

    def new_finding(self):
        if self.session is None:
            return None
        title, ok = QInputDialog.getText(self, "New finding", "Title of the finding:")
        if not ok or not title.strip():
            return None
        return self.add_finding(title.strip())

    def add_finding(self, title: str, text: str = ""):
        return writing.write(self.session, "Add finding",
                          lambda case: findings.add(case, title=title, text=text),
                          reporter=self.reporter,
                          done=lambda changes: self.select_finding(changes.id))

    def delete_finding(self, finding_id: int | None):
        """Delete a finding and its citations (never what they cite); undoable."""
        if self.session is None or finding_id is None:
            return None
        return writing.write(self.session, "Delete finding",
                          lambda case: deletion.delete(case, "finding", finding_id),
                          reporter=self.reporter)

    def move_finding(self, finding_id: int, position: int):
        if self.session is None:
            return None
        return writing.write(self.session, "Reorder findings",
                          lambda case: findings.move(case, finding_id, position),
                          reporter=self.reporter)

    def _step(self, step: int) -> None:
        f = self.model.finding(self.list_view.currentIndex().row())
        if f is not None:
            self.move_finding(f.id, max(1, self.model.row_of(f.id) + 1 + step))

    # -- citations list ----------------------------------------------------------------------
    def _open_citation(self, index) -> None:
        c, _what = self.citations_model.citation(index.row())
        if c is not None:
            self.source_requested.emit(c.kind, c.target_id)

    def _remove_current_citation(self) -> None:
        c, _what = self.citations_model.citation(self.citations_view.currentIndex().row())
        if c is not None:
            self.remove_citation(c)

    def _citation_menu(self, pos) -> None:
        c, _what = self.citations_model.citation(self.citations_view.indexAt(pos).row())
        if c is None:
            return
        menu = QMenu(self)
        menu.addAction("Open source", lambda: self.source_requested.emit(c.kind, c.target_id))
        menu.addAction("Remove citation and its mark\tDel", lambda: self.remove_citation(c))
        menu.popup(self.citations_view.viewport().mapToGlobal(pos))
