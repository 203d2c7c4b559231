"""Actors: the list (type, aliases, parent organisation) and each actor's dossier.

The dossier puts in one view every page that names the actor, every claim about it and
every statement it made (``workbench.core.reconcile.dossier``). Finding the pages asks
the search index (or scans the case), so the dossier is read on the session's reader.
:func:`add_actor_from_text` is what the reader calls with its selected text.
"""

from __future__ import annotations

import html

from PySide6.QtCore import (QSortFilterProxyModel, Qt, QUrl, Signal)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QSplitter, QTableView,
                               QTextBrowser, QVBoxLayout, QWidget)

from workbench.core import actors, reconcile
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.schema import ACTOR_TYPES
from workbench.ui import background, dialogs, dragdrop, style, writing


class ActorsModel(dragdrop.RefRowsModel):
    """Every actor: name, type, aliases, parent organisation."""

    COLUMNS = ("Name", "Type", "Aliases", "Parent")
    NAME, TYPE, ALIASES, PARENT = range(4)
    REF_KIND = "actor"
    TEXT_JOIN = "\n"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.rows: list[actors.Actor] = []
        self._names: dict[int, str] = {}

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = actors.list_all(self.case) if self.case is not None else []
        self._names = {a.id: a.name for a in self.rows}
        self.endResetModel()

    def apply_changes(self, changes: Changes) -> None:
        touched = changes.touched("actors")
        if not (touched or "actor_aliases" in changes.tables()) or self.case is None:
            return
        known = {a.id for a in self.rows}
        if changes.created | changes.deleted or not touched <= known:
            self.reload()
            return
        self._names = {a.id: a.name for a in actors.list_all(self.case)}
        for n, a in enumerate(self.rows):
            if a.id in touched:
                self.rows[n] = actors.get(self.case, a.id)
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(self.COLUMNS) - 1))

    def actor(self, row: int) -> actors.Actor | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def drag_text(self, a: actors.Actor) -> str:
        return a.name

    def cell(self, a: actors.Actor, col: int, role: int):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == self.NAME:
                return a.name + (" (confidential)" if a.confidential else "")
            if col == self.TYPE:
                return a.type
            if col == self.ALIASES:
                return ", ".join(a.aliases)
            if col == self.PARENT:
                return self._names.get(a.parent_id, "") if a.parent_id else ""
        if role == Qt.ItemDataRole.FontRole and col == self.NAME and a.confidential:
            from PySide6.QtGui import QFont
            font = QFont()
            font.setItalic(True)
            return font
        return None


class ActorFilterProxy(QSortFilterProxyModel):
    """Matches the typed text against name, aliases and parent (any column)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


class ActorDialog(QDialog):
    """Add or edit an actor: name, type, aliases (one per line or comma), parent."""

    def __init__(self, case: Case, parent: QWidget | None = None, *,
                 actor: actors.Actor | None = None, name: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("actorDialog")
        self.actor = actor
        self.setWindowTitle("Edit actor" if actor else "Add actor")
        self.setMinimumWidth(440)
        self.name_edit = QLineEdit(actor.name if actor else name, self)
        self.type_combo = QComboBox(self)
        for t in ACTOR_TYPES:
            self.type_combo.addItem(t, t)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(
            actor.type if actor else _guess_type(name))))
        self.aliases_edit = QLineEdit(", ".join(actor.aliases) if actor else "", self)
        self.aliases_edit.setPlaceholderText("Other names, separated by commas (e.g. BPD)")
        self.aliases_edit.setToolTip("Every alias counts as naming the actor (mentions, "
                                     "right of reply)")
        self.parent_combo = QComboBox(self)
        self.parent_combo.addItem("(none)", None)
        for a in actors.list_all(case):
            if actor is None or a.id != actor.id:
                self.parent_combo.addItem(a.name, a.id)
        if actor is not None:
            self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(actor.parent_id)))
        self.confidential_check = QCheckBox("&Confidential source (never named in a report)",
                                            self)
        self.confidential_check.setChecked(bool(actor and actor.confidential))
        self.existing_label = QLabel("", self)
        self.existing_label.setWordWrap(True)
        existing = actors.find(case, name) if name and actor is None else []
        if existing:
            self.existing_label.setText(
                f"“{html.escape(name)}” already names {html.escape(existing[0].name)}.")
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Type:", self.type_combo)
        form.addRow("&Aliases:", self.aliases_edit)
        form.addRow("&Parent organisation:", self.parent_combo)
        form.addRow("", self.confidential_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.existing_label)
        layout.addWidget(buttons)

    @property
    def aliases(self) -> list[str]:
        raw = self.aliases_edit.text().replace("\n", ",")
        return list(dict.fromkeys(a.strip() for a in raw.split(",") if a.strip()))

    def values(self) -> dict:
        return {"name": self.name_edit.text().strip(), "type": self.type_combo.currentData(),
                "parent_id": self.parent_combo.currentData(),
                "confidential": self.confidential_check.isChecked()}

    def _accept(self) -> None:
        if not self.name_edit.text().strip():
            self.existing_label.setText("An actor needs a name.")
            return
        if (self.actor is not None and self.actor.confidential
                and not self.confidential_check.isChecked()
                and not dialogs.confirm_publishable(self, "actor", self.actor.name)):
            self.confidential_check.setChecked(True)
            return
        self.accept()


def _guess_type(name: str) -> str:
    lowered = name.lower()
    if any(w in lowered for w in ("police", "department", "office", "agency", "sheriff",
                                  "bureau", "ministry", "county", "city of")):
        return "agency"
    if any(w in lowered for w in ("llc", "inc", "ltd", "corp", "holdings", "company",
                                  "gmbh", "plc")):
        return "company"
    return "person" if len(name.split()) in (2, 3) and name.istitle() else "agency"


def save_actor(session, values: dict, aliases: list[str], actor: actors.Actor | None = None,
               *, reporter: writing.WriteReporter | None = None, done=None):
    """Add (or edit) an actor and its aliases as one action; returns the Job."""
    if actor is None:
        return writing.write(session, "Add actor",
                          lambda case: actors.add(case, aliases=aliases, **values),
                          reporter=reporter, done=done)

    def edit(case: Case):
        with case.action("Edit actor") as act:
            act.row_id = actor.id
            actors.update(case, actor.id, **{k: v for k, v in values.items()
                                            if getattr(actor, k) != v})
            for alias in set(actor.aliases) - set(aliases):
                actors.remove_alias(case, actor.id, alias)
            for alias in aliases:
                if alias not in actor.aliases:
                    actors.add_alias(case, actor.id, alias)
        return act.changes
    return writing.write(session, "Edit actor", edit, reporter=reporter, done=done)


def add_actor_from_text(session, text: str, parent: QWidget | None = None, *,
                        reporter: writing.WriteReporter | None = None) -> ActorDialog | None:
    """The reader's "Add actor from selection": a prefilled Add actor dialog (non-modal).

    When the text already names an actor, the dialog says so; choosing a parent there and
    OK still adds a new actor, so the user decides.
    """
    name = " ".join((text or "").split()).strip(" .,;:\"'“”‘’()")
    if session is None or not name:
        return None
    dialog = ActorDialog(session.reader, parent, name=name[:200])
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: save_actor(session, dialog.values(), dialog.aliases,
                                               reporter=reporter))
    dialog.open()
    return dialog


#: Claims and pages listed in a dossier (the counts say how many there are in all): an
#: actor named on 10,000 pages gave a page of text that took the window a second to lay out.
SHOWN = 100


def dossier_html(d: reconcile.Dossier, widget: QWidget | None = None) -> str:
    """The dossier as rich text with links: page:DOC:PAGE, claim:ID, statement:ID."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication
    e = html.escape
    a = d.actor
    palette = widget.palette() if widget is not None else QApplication.palette()
    muted = f"color: {palette.color(QPalette.ColorRole.PlaceholderText).name()};"
    out = [f"<h2 style='margin-bottom:2px'>{e(a.name)}</h2>",
           f"<p style='{muted}'>{e(a.type)}"
           + (f" · also “{'”, “'.join(e(x) for x in a.aliases)}”" if a.aliases else "")
           + (f" · part of {e(d.parent.name)}" if d.parent else "")
           + (" · <b>confidential source</b>" if a.confidential else "") + "</p>"]
    out.append(f"<h3>Statements ({len(d.statements)})</h3>")
    if not d.statements:
        out.append(f"<p style='{muted}'>No response on record: the right of reply is "
                   "missing. Record a statement or a “did not respond”.</p>")
    for st in d.statements:
        hue = style.strong(style.STANCE_HUES.get(st.stance, "#808080"), widget).name()
        when = st.date or (f"asked {st.asked_on}" if st.asked_on else "undated")
        who = ", ".join(p for p in (st.speaker, st.role) if p)
        out.append(f"<p><a href='statement:{st.id}'><b style='color:{hue}'>"
                   f"{e(style.STANCE_WORDS.get(st.stance, st.stance))}</b></a> · {e(when)}"
                   + (f" · {e(who)}" if who else "")
                   + (f"<br/>“{e(st.text)}”" if st.text else "") + "</p>")
    out.append(f"<h3>Claims about {e(a.name)} ({len(d.claims)})</h3>")
    for rec in d.claims[:SHOWN]:
        v = rec.verdict
        hue = style.strong(style.VERDICT_HUES.get(v.status, "#808080"), widget).name()
        flag = " · <b>contested</b>" if rec.contested else ""
        out.append(f"<p><a href='claim:{rec.claim.id}'>{e(rec.claim.text)}</a><br/>"
                   f"<span style='color:{hue}'>{e(v.status)}</span> · "
                   f"{len(rec.supports)} for, {len(rec.contradicts)} against{flag}</p>")
    if not d.claims:
        out.append(f"<p style='{muted}'>No claim is about this actor.</p>")
    elif len(d.claims) > SHOWN:
        out.append(f"<p style='{muted}'>… and {len(d.claims) - SHOWN:,} more: the board "
                   "lists them all (choose this actor there).</p>")
    out.append(f"<h3>Pages that name it ({len(d.mentions):,})</h3>")
    for m in d.mentions[:SHOWN]:
        snippet = e(str(m.snippet)).replace("«", "<b>").replace("»", "</b>")
        out.append(f"<p><a href='page:{m.document_id}:{m.page_no}'>{e(m.document_title)}, "
                   f"page {m.page_no}</a> ({m.count}×)<br/>{snippet}</p>")
    if not d.mentions:
        out.append(f"<p style='{muted}'>No page names it.</p>")
    elif len(d.mentions) > SHOWN:
        out.append(f"<p style='{muted}'>… and {len(d.mentions) - SHOWN:,} more pages: "
                   "search for the name to go through them all.</p>")
    return "\n".join(out)


class ActorsPanel(QWidget):
    """The actors list and the selected actor's dossier."""

    source_requested = Signal(str, int)  # ("statement" | "claim" | "actor", id)
    page_requested = Signal(int, int)  # document, page
    statement_requested = Signal(int)  # actor: record a statement for it
    dossier_shown = Signal(int)  # actor id, once its dossier is on screen

    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actorsPanel")
        self.session = None
        self.watcher = background.ChangeWatcher(self, self.apply_changes)
        self.reporter = writing.WriteReporter(self)
        self.model = ActorsModel(self)
        self.proxy = ActorFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter actors by name, alias or parent")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.add_button = QPushButton("&Add actor…", self)
        self.add_button.setToolTip("Add an agency, company or person")
        self.add_button.clicked.connect(lambda: self.add_actor())
        self.edit_button = QPushButton("&Edit…", self)
        self.edit_button.setToolTip("Edit the selected actor: name, aliases, parent (F2)")
        self.edit_button.clicked.connect(lambda: self.edit_current())
        self.statement_button = QPushButton("Record &statement…", self)
        self.statement_button.setToolTip("Record what the selected actor said, or that it "
                                         "did not respond")
        self.statement_button.clicked.connect(lambda: self._record_for_current())
        self.view = QTableView(self)
        self.view.setObjectName("actorsView")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        edit = QAction("Edit actor", self.view)
        edit.setShortcut(QKeySequence("F2"))
        edit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.triggered.connect(lambda: self.edit_current())
        self.view.addAction(edit)
        self.dossier = QTextBrowser(self)
        self.dossier.setObjectName("dossierView")
        self.dossier.setOpenLinks(False)
        self.dossier.anchorClicked.connect(self._link)
        self.dossier.setPlaceholderText("Choose an actor to see its dossier")

        left = QWidget(self)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.filter_edit)
        lay.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.statement_button):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.dossier)
        self.splitter.setSizes([420, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        for a, b in ((self.filter_edit, self.view), (self.view, self.add_button),
                     (self.add_button, self.edit_button),
                     (self.edit_button, self.statement_button),
                     (self.statement_button, self.dossier)):
            self.setTabOrder(a, b)
        self.shown_actor: int | None = None
        self.set_session(session)

    # -- session ----------------------------------------------------------------------
    def set_session(self, session) -> None:
        self.session = session
        self.watcher.set_session(session)
        self.model.set_case(session.reader if session else None)
        self.dossier.clear()
        self.shown_actor = None
        self.setEnabled(session is not None)

    def apply_changes(self, changes: Changes) -> None:
        self.model.apply_changes(changes)
        if self.shown_actor is not None and changes.tables() & {
                "actors", "actor_aliases", "statements", "claims", "claim_actors",
                "evidence", "verdicts"}:
            self.show_dossier(self.shown_actor)

    # -- selection and dossier -----------------------------------------------------------
    def current_actor(self) -> actors.Actor | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.actor(self.proxy.mapToSource(index).row())

    def select_actor(self, actor_id: int) -> None:
        row = self.model.row_of(actor_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.filter_edit.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _current_changed(self, current, _previous=None) -> None:
        actor = self.model.actor(self.proxy.mapToSource(current).row()) \
            if current.isValid() else None
        if actor is not None:
            self.show_dossier(actor.id)

    def show_dossier(self, actor_id: int) -> None:
        """Read the dossier in the background and show it when it arrives."""
        if self.session is None:
            return
        self.shown_actor = actor_id
        if not self.dossier.toPlainText():
            self.dossier.setHtml("<p>Reading the dossier…</p>")

        def shown(d: reconcile.Dossier) -> None:
            if self.shown_actor == actor_id:
                self.dossier.setHtml(dossier_html(d, self))
                self.dossier_shown.emit(actor_id)

        queries = self.session.queries
        queries.run(lambda case: reconcile.dossier(case, actor_id,
                                                   index=queries.search_index()), shown,
                    lambda msg: self.dossier.setPlainText(msg), key="dossier")

    def _link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("page:"):
            _, doc, page = text.split(":")
            self.page_requested.emit(int(doc), int(page))
            return
        ref = dragdrop.parse_ref(text)
        if ref is not None:
            self.source_requested.emit(*ref)

    # -- editing ---------------------------------------------------------------------------
    def add_actor(self, name: str = "") -> ActorDialog | None:
        if self.session is None:
            return None
        dialog = ActorDialog(self.session.reader, self, name=name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: save_actor(self.session, dialog.values(),
                                                   dialog.aliases, reporter=self.reporter))
        dialog.open()
        return dialog

    def edit_current(self) -> ActorDialog | None:
        actor = self.current_actor()
        if actor is None or self.session is None:
            return None
        dialog = ActorDialog(self.session.reader, self, actor=actor)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: save_actor(self.session, dialog.values(),
                                                   dialog.aliases, actor,
                                                   reporter=self.reporter))
        dialog.open()
        return dialog

    def _record_for_current(self) -> None:
        actor = self.current_actor()
        if actor is not None:
            self.statement_requested.emit(actor.id)
