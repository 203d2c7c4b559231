"""The timeline: the case's chronology as a vertical list, in a dock of the main window.

Filters by actor, claim and dates; for a claim, each entry shows its side (for, against,
context) in colour. Entries whose date is a span (a month, a year, a range, "circa")
say how many later entries fall within them: a gap of uncertainty, not a fact of order.
Undated entries follow, greyed. Activating an entry (double-click, Enter) opens its
source at its page through the window's ``open_document``.

The chronology is read off the GUI thread (the session's background reader); writes
(add, edit, delete an event; accept a suggested date) go through the session's writer
as one undoable action each. :func:`install_timeline` adds the dock and its actions to a
main window.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDockWidget, QFileDialog,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow, QMenu,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from workbench.core import actors, chronology, claims, dates, events
from workbench.core.changes import Changes
from workbench.core.errors import WorkbenchError
from workbench.ui import background, menu_lookup, style, writing
from workbench.ui.reconcile.timeline_dialogs import EventDialog, SuggestionsDialog

#: Tables whose changes can move the chronology.
WATCHED = {"events", "event_actors", "event_sources", "event_claims", "documents",
           "emails", "excerpts", "statements", "claims", "claim_actors", "evidence",
           "verdicts", "actors"}
COLUMNS = ("Date", "Kind", "What happened", "Side", "Source")
SIDE_WORDS = {"supports": "for", "contradicts": "against", "context": "context",
              "origin": "origin", "event": "linked", "verdict": "verdict"}
SIDE_HUES = {"supports": style.RELATION_HUES["supports"],
             "contradicts": style.RELATION_HUES["contradicts"],
             "context": style.RELATION_HUES["context"]}


class TimelineModel(QAbstractTableModel):
    """The entries of one chronology, dated first, then undated."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[chronology.Entry] = []
        self.dated = 0
        self.claim_id: int | None = None

    def set_chronology(self, chron: chronology.Chronology | None,
                       claim_id: int | None = None) -> None:
        self.beginResetModel()
        self.entries = [*chron.entries, *chron.undated] if chron is not None else []
        self.dated = len(chron.entries) if chron is not None else 0
        self.claim_id = claim_id
        self.endResetModel()

    def entry(self, row: int) -> chronology.Entry | None:
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def side(self, e: chronology.Entry) -> str | None:
        if self.claim_id is not None:
            return e.relation_to(self.claim_id)
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        e = self.entry(index.row()) if index.isValid() else None
        if e is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                mark = f"  \u22ef spans {e.spans_over}" if e.spans_over else ""
                return e.label + mark
            if col == 1:
                return chronology.KIND_LABELS[e.kind]
            if col == 2:
                text = " ".join((e.text or "").split())[:140]
                if text and e.kind in ("record", "statement"):
                    text = f"\u201c{text}\u201d"  # the words of the record or the speaker
                return e.title + (f" \u2014 {text}" if text else "")
            if col == 3:
                side = self.side(e)
                if side is not None:
                    return SIDE_WORDS.get(side, side)
                return ", ".join(f"{SIDE_WORDS.get(h, h)} {c}" for c, h in e.claims)
            if col == 4:
                src = e.source
                if src is None:
                    return "(no source)"
                return f"{src}" + (f", p. {src.page_no}" if src.page_no else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{e.label}: {e.title}"]
            if e.precision_note:
                parts.append(e.precision_note)
            if e.actor_names:
                parts.append("Involved: " + ", ".join(e.actor_names))
            if e.sources:
                parts.append("Sources: " + " ".join(str(s) for s in e.sources)
                             + "\nDouble-click or Enter to open the source at its page")
            return "\n".join(parts)
        if role == Qt.ItemDataRole.BackgroundRole:
            side = self.side(e)
            if side in SIDE_HUES:
                return style.tint(SIDE_HUES[side])
            if index.row() >= self.dated or e.spans_over or e.circa:
                return style.tint("#808080", 40)  # uncertain: a span, circa, or undated
        if role == Qt.ItemDataRole.FontRole and col == 0 and (
                e.spans_over or e.circa or index.row() >= self.dated):
            from PySide6.QtGui import QFont
            font = QFont()
            font.setItalic(True)
            return font
        return None


class TimelinePanel(QWidget):
    """The chronology with its filters and the event commands."""

    page_requested = Signal(int, int, object)  # document, page, focus (start, end) or None
    loaded = Signal()
    suggestions_shown = Signal(object)  # the SuggestionsDialog

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.session = None
        self.reporter = writing.WriteReporter(self)
        self.watcher = background.ChangeWatcher(self, self.apply_changes)
        self.model = TimelineModel(self)
        self.actor_filter = QComboBox(self)
        self.claim_filter = QComboBox(self)
        self.from_edit = QLineEdit(self)
        self.from_edit.setPlaceholderText("from (YYYY[-MM[-DD]])")
        self.to_edit = QLineEdit(self)
        self.to_edit.setPlaceholderText("to")
        for combo in (self.actor_filter, self.claim_filter):
            combo.setMaximumWidth(320)
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for edit in (self.from_edit, self.to_edit):
            edit.setMaximumWidth(130)
            edit.editingFinished.connect(lambda: self.reload())
        self.view = QTableView(self)
        self.view.setObjectName("timelineView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 170), (1, 120), (3, 110), (4, 130)):
            header.resizeSection(col, width)
        self.view.activated.connect(lambda index: self.open_entry(index.row()))
        self.status = QLabel(self)
        self.add_button = QPushButton("Add event…", self)
        self.add_button.clicked.connect(lambda: self.add_event())
        self.edit_button = QPushButton("Edit event…", self)
        self.edit_button.clicked.connect(lambda: self.edit_current())
        self.delete_button = QPushButton("Delete event", self)
        self.delete_button.clicked.connect(lambda: self.delete_current())
        self.suggest_button = QPushButton("Suggest dates…", self)
        self.suggest_button.clicked.connect(lambda: self.suggest_dates())
        self.export_button = QPushButton("Export…", self)
        self.export_button.clicked.connect(lambda: self.export_dialog())
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        filters = QHBoxLayout()
        for label, widget in (("Actor", self.actor_filter), ("Claim", self.claim_filter),
                              ("From", self.from_edit), ("To", self.to_edit)):
            filters.addWidget(QLabel(label, self))
            filters.addWidget(widget)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button,
                  self.suggest_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.last_export = None
        self._generation = 0
        #: Changed while hidden: read again when shown (not before: a large case's
        #: chronology takes seconds to build, on the reader, ahead of searches).
        self._stale = False
        self.select_after_load: tuple[str, int] | None = None
        self.suggestions_dialog: SuggestionsDialog | None = None
        self._enable()

    # -- session and reading ------------------------------------------------------------
    def set_session(self, session) -> None:
        self.session = session
        self.watcher.set_session(session)
        self._fill_filters()
        self.model.set_chronology(None)
        self._enable()
        self._stale = session is not None
        if session is not None and self.isVisible():
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self.session is not None:
            self.reload()

    def _fill_filters(self) -> None:
        for combo, label in ((self.actor_filter, "All actors"),
                             (self.claim_filter, "All claims")):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, None)
        if self.session is not None:
            case = self.session.reader
            for a in actors.list_all(case):
                self.actor_filter.addItem(a.name, a.id)
            for c in claims.list_all(case):
                self.claim_filter.addItem(f"{c.id}: {c.text}", c.id)
        for combo in (self.actor_filter, self.claim_filter):
            combo.blockSignals(False)

    def filters(self) -> dict:
        return {"actor_id": self.actor_filter.currentData(),
                "claim_id": self.claim_filter.currentData(),
                "date_from": self.from_edit.text().strip() or None,
                "date_to": self.to_edit.text().strip() or None}

    def reload(self) -> None:
        """Read the chronology again, off the GUI thread; :attr:`loaded` when shown."""
        if self.session is None:
            return
        self._stale = False
        wanted = self.filters()
        self._generation += 1
        generation = self._generation

        def done(chron) -> None:
            if generation != self._generation:
                return  # a newer read is on its way: show only the latest
            self.model.set_chronology(chron, wanted["claim_id"])
            dated, undated = len(chron.entries), len(chron.undated)
            self.status.setText(f"{dated} dated" + (f", {undated} undated" if undated else ""))
            if self.select_after_load is not None:
                self.select(self.select_after_load)
                self.select_after_load = None
            self._enable()
            self.loaded.emit()

        def failed(message: str) -> None:
            if generation != self._generation:
                return
            self.status.setText(message)
            self.loaded.emit()

        self.session.queries.run(
            lambda case: chronology.build(case, **wanted), done, failed, key="timeline")

    def apply_changes(self, changes: Changes) -> None:
        if changes.tables() & WATCHED:
            if changes.tables() & {"actors", "claims"}:
                keep = (self.actor_filter.currentData(), self.claim_filter.currentData())
                self._fill_filters()
                for combo, value in zip((self.actor_filter, self.claim_filter), keep):
                    combo.blockSignals(True)
                    combo.setCurrentIndex(max(0, combo.findData(value)))
                    combo.blockSignals(False)
            if self.isVisible():
                self.reload()
            else:  # read when shown: building the chronology of a large case takes seconds
                self._stale = True

    def _enable(self) -> None:
        has_case = self.session is not None
        e = self.current_entry()
        for b in (self.add_button, self.suggest_button, self.export_button):
            b.setEnabled(has_case)
        is_event = has_case and e is not None and e.kind == "event"
        self.edit_button.setEnabled(is_event)
        self.delete_button.setEnabled(is_event)

    def select(self, record: tuple[str, int]) -> bool:
        """Make the entry of ``record`` (e.g. ``("event", 3)``) current; False if not shown."""
        row = next((n for n, e in enumerate(self.model.entries) if e.record == record), -1)
        if row < 0:
            return False
        self.view.setCurrentIndex(self.model.index(row, 0))
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def current_entry(self) -> chronology.Entry | None:
        index = self.view.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    # -- opening -------------------------------------------------------------------------
    def open_entry(self, row: int) -> bool:
        """Open the entry's source at its page (an excerpt is shown highlighted)."""
        e = self.model.entry(row)
        if e is None or self.session is None:
            return False
        src = e.source
        if src is None or src.document_id is None:
            self.status.setText("This entry has no document to open")
            return False
        focus = None
        if src.kind == "excerpt":
            from workbench.core import excerpts
            try:
                ex = excerpts.get(self.session.reader, src.id)
                focus = (ex.start, ex.end)
            except WorkbenchError:
                focus = None
        elif src.kind == "statement":
            from workbench.core import excerpts, statements
            st = statements.get(self.session.reader, src.id)
            if st.excerpt_id is not None:
                ex = excerpts.get(self.session.reader, st.excerpt_id)
                focus = (ex.start, ex.end)
        self.page_requested.emit(src.document_id, src.page_no or 1, focus)
        return True

    # -- writes --------------------------------------------------------------------------
    def _write(self, label: str, fn, done=None):
        if self.session is None:
            return None
        return writing.write(self.session, label, fn, reporter=self.reporter, done=done)

    def add_event(self, *, date: str = "", text: str = "", sources=(), claim_ids=(),
                  exec_dialog: bool = True) -> EventDialog | None:
        if self.session is None:
            return None
        claim_ids = claim_ids or ([self.claim_filter.currentData()]
                                  if self.claim_filter.currentData() else [])
        dialog = EventDialog(self.session.reader, self, date=date, text=text,
                             sources=sources, claim_ids=claim_ids)
        dialog.accepted.connect(lambda: self._write(
            "Add event", lambda case, v=dialog.values(): events.add(case, **v)))  # noqa: B008
        if exec_dialog:
            dialog.open()
        return dialog

    def add_event_from_excerpt(self, excerpt) -> EventDialog | None:
        """An event whose source is ``excerpt``, its date suggested from the quote."""
        if excerpt is None:
            self.status.setText("Select an excerpt first (in the Excerpts list)")
            return None
        found = dates.find_dates(excerpt.quote)
        if not found and self.session is not None:
            from workbench.core import documents
            page = documents.page(self.session.reader, excerpt.document_id, excerpt.page_no)
            near = [d for d in dates.find_dates(page.text)]
            near.sort(key=lambda d: abs(d.start - excerpt.start))
            found = near[:1]
        return self.add_event(date=found[0].date.text if found else "",
                              text=" ".join(excerpt.quote.split())[:120],
                              sources=[events.EventSource("excerpt", excerpt.id)])

    def edit_current(self) -> EventDialog | None:
        e = self.current_entry()
        if e is None or e.kind != "event" or self.session is None:
            return None
        ev = events.get(self.session.reader, e.record[1])
        dialog = EventDialog(self.session.reader, self, event=ev)

        def save() -> None:
            v = dialog.values()
            sources = set(v["sources"])
            self._write("Edit event", lambda case: events.update(
                case, ev.id, date=v["date"], circa=v["circa"], text=v["text"],
                add_actors=[a for a in v["actor_ids"] if a not in ev.actor_ids],
                remove_actors=[a for a in ev.actor_ids if a not in v["actor_ids"]],
                add_sources=[s for s in v["sources"] if s not in ev.sources],
                remove_sources=[s for s in ev.sources if s not in sources],
                add_claims=[c for c in v["claim_ids"] if c not in ev.claim_ids],
                remove_claims=[c for c in ev.claim_ids if c not in v["claim_ids"]]))
        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def delete_current(self):
        e = self.current_entry()
        if e is None or e.kind != "event":
            return None
        return self._write("Delete event", lambda case: events.delete(case, e.record[1]))

    def suggest_dates(self) -> None:
        """Find dates written in the pages (off the GUI thread), then offer them in a
        dialog (:attr:`suggestions_dialog`, announced by :attr:`suggestions_shown`)."""
        if self.session is None:
            return
        self.status.setText("Looking for dates in the pages…")

        def done(found) -> None:
            self.status.setText(f"{len(found)} dates found in the pages")
            self.suggestions_dialog = SuggestionsDialog(found, self)
            self.suggestions_dialog.open()
            self.suggestions_shown.emit(self.suggestions_dialog)

        self.session.queries.run(
            lambda case: chronology.suggest(case, limit=500), done,
            lambda message: self.reporter.show("Cannot look for dates", message))

    def accept_suggestion(self, s: chronology.Suggestion, text: str):
        """Anchor the sentence as an excerpt and record the event (one undoable action)."""
        return self._write("Add event", lambda case: events.add_from_text(
            case, document_id=s.document_id, page=s.page_no, start=s.context_start,
            end=s.context_end, date=s.date, text=text))

    def export(self, path: str, fmt: str):
        """Write the chronology as shown (filters applied) to ``path``: timelinejs or csv."""
        import json
        from pathlib import Path

        from workbench.report.chronology_export import to_csv, to_timelinejs
        case = self.session.reader
        chron = chronology.build(case, public=fmt == "timelinejs", **self.filters())
        if fmt == "timelinejs":
            text = json.dumps(to_timelinejs(chron, title=case.info.title,
                                            subtitle="Chronology"), ensure_ascii=False,
                              indent=2)
        else:
            text = to_csv(chron)
        Path(path).write_text(text, encoding="utf-8", newline="")
        self.last_export = path
        self.status.setText(f"Chronology written to {path}")
        return path

    def export_dialog(self) -> None:
        if self.session is None:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export chronology", "", "TimelineJS JSON (*.json);;CSV (*.csv)")
        if path:
            try:
                self.export(path, "csv" if chosen.startswith("CSV") else "timelinejs")
            except (OSError, WorkbenchError) as exc:
                self.reporter.show("Cannot export the chronology", str(exc))


# -- the window ----------------------------------------------------------------------------

class TimelineHook(QObject):
    """The timeline dock, its actions and the routing to the window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = TimelinePanel(window)
        self.dock = QDockWidget("Timeline", window)
        self.dock.setObjectName("timelineDock")
        self.dock.setWidget(self.panel)
        add_dock = getattr(window, "add_dock", None)
        if add_dock is not None:  # tabbed with the other bottom docks, listed under View
            add_dock(self.dock, Qt.DockWidgetArea.BottomDockWidgetArea, shown=False)
        else:
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
            self.dock.hide()
        self.show_action = self._action("&Timeline", lambda: self.show(), "Ctrl+Shift+L",
                                        "Show the chronology of the case")
        self.from_excerpt_action = self._action(
            "Add e&vent from excerpt…", lambda: self.add_from_excerpt(), "Ctrl+Shift+V",
            "Record an event established by the excerpt selected in the Excerpts list")
        menu = self._menu("&Reconcile")
        menu.addAction(self.show_action)
        menu.addAction(self.from_excerpt_action)
        menu.addSeparator()
        self.panel.page_requested.connect(self._open_page)
        for signal, slot in (("case_opened", self._case_changed),
                             ("case_closed", self._case_changed)):
            if hasattr(window, signal):
                getattr(window, signal).connect(lambda *_a, s=slot: s())
        self._case_changed()

    def _action(self, text: str, slot, shortcut: str, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({shortcut})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _menu(self, title: str) -> QMenu:
        return menu_lookup.menu_named(self.window, title)

    def _case_changed(self) -> None:
        self._follow_readiness()
        session = getattr(self.window, "session", None)
        self.panel.set_session(session)
        for action in (self.show_action, self.from_excerpt_action):
            action.setEnabled(session is not None)
        if session is None:
            self.dock.hide()

    def _follow_readiness(self) -> None:
        """A readiness problem about an event ("go there") opens it here. The verification
        docks are installed after this hook, so its panel is looked for when a case opens."""
        readiness = getattr(getattr(self.window, "verification", None), "readiness", None)
        if readiness is not None and not getattr(self, "_following", False):
            readiness.location_requested.connect(
                lambda subject, subject_id: self.go_to(subject, subject_id))
            self._following = True

    def go_to(self, subject: str, subject_id: int) -> None:
        if subject == "event":
            self.panel.select_after_load = ("event", subject_id)
            self.show()

    def show(self) -> TimelinePanel:
        self.dock.show()
        self.dock.raise_()
        want = int(self.window.height() * 0.45)
        open_bottom = getattr(self.window, "open_bottom_dock", None)
        if open_bottom is not None:
            open_bottom(self.dock)  # a height that leaves the reader and the lists theirs
        elif not self.dock.isFloating() and self.dock.height() < want:
            self.window.resizeDocks([self.dock], [want], Qt.Orientation.Vertical)
        self.panel.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.panel.reload()  # while hidden it heard changes; read once more when shown
        return self.panel

    def selected_excerpt(self):
        side = getattr(self.window, "side_panel", None)
        if side is None:
            return None
        index = side.excerpts_view.currentIndex()
        return side.excerpts_model.excerpt(index.row()) if index.isValid() else None

    def add_from_excerpt(self) -> EventDialog | None:
        self.show()
        return self.panel.add_event_from_excerpt(self.selected_excerpt())

    def _open_page(self, document_id: int, page: int, focus) -> None:
        opener = getattr(self.window, "open_document", None)
        if opener is not None:
            opener(document_id, page, focus=focus)


def install_timeline(window: QMainWindow) -> TimelineHook:
    """Add the timeline dock and its actions (Reconcile menu) to ``window``."""
    hook = TimelineHook(window)
    window.timeline = hook  # type: ignore[attr-defined]
    return hook
