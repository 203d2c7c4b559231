"""The reconciliation board: a claim, the evidence for and against it, and the verdict.

Left, the claims (filters: unresolved, contested, by actor; contested claims flagged).
Centre, the selected claim: evidence for and evidence against in two columns, context
below, the verdict with its rationale. Right, every excerpt and statement, to drag onto
a column (or add from the context menu, Ctrl+1/2/3). Dropping an item that is already
linked moves it to the column it was dropped on. Activating an item asks the window to
open its source at the page (:attr:`BoardPanel.source_requested`).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QHBoxLayout,
                               QHeaderView, QInputDialog, QLabel, QLineEdit, QListView,
                               QPlainTextEdit, QPushButton, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from workbench.core import claims, deletion, documents, excerpts, reconcile
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.schema import VERDICT_STATUSES
from workbench.ui import background, context_menus, dragdrop, style, writing
from workbench.ui.row_heights import VisibleRowsFit
from workbench.ui.reconcile.board_models import CHANGE_TABLES, ClaimsModel, EvidenceModel
from workbench.ui.reconcile.citables import CitablesFilter, CitablesModel

RELATION_TITLES = {"supports": "Evidence for", "contradicts": "Evidence against",
                   "context": "Context"}


class EvidenceColumn(QWidget):
    """A title over a list of evidence that accepts drops."""

    def __init__(self, relation: str, parent=None) -> None:
        super().__init__(parent)
        self.relation = relation
        self.model = EvidenceModel(relation, self)
        self.title = QLabel(RELATION_TITLES[relation], self)
        hue = style.RELATION_HUES[relation]
        self.title.setStyleSheet(
            f"QLabel {{ font-weight: 600; padding: 3px 6px; border-radius: 3px;"
            f" background: rgba({style.tint(hue).red()}, {style.tint(hue).green()},"
            f" {style.tint(hue).blue()}, 0.28); }}")
        self.view = QListView(self)
        self.view.setObjectName(f"{relation}View")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setSpacing(3)
        self.view.setIconSize(QSize(10, 10))
        self.view.setAlternatingRowColors(True)
        self.view.setAcceptDrops(True)
        self.view.setDragEnabled(True)
        self.view.setDropIndicatorShown(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setToolTip(f"{RELATION_TITLES[relation]}: drop excerpts or statements here")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)

    def set_count(self, n: int) -> None:
        self.title.setText(f"{RELATION_TITLES[self.relation]} ({n})")


# -- the board --------------------------------------------------------------------------

class BoardPanel(QWidget):
    """The reconciliation board. Reads through ``session.reader``, writes through jobs."""

    source_requested = Signal(str, int)  # ("excerpt" | "statement", id)
    claim_shown = Signal(int)

    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardPanel")
        self.session = None
        self.watcher = background.ChangeWatcher(self, self.apply_changes)
        self.claim_id: int | None = None
        self.current: reconcile.Reconciliation | None = None
        self.reporter = writing.WriteReporter(self)
        self._build()
        self.set_session(session)

    # -- construction -----------------------------------------------------------------
    def _build(self) -> None:
        # Left: claims and their filters.
        self.filter_combo = QComboBox(self)
        for key, text in (("all", "All claims"), ("unresolved", "Unresolved"),
                          ("contested", "Contested"),
                          ("contested-unresolved", "Contested, unresolved")):
            self.filter_combo.addItem(text, key)
        self.filter_combo.setToolTip("Unresolved: no verdict with a rationale yet. "
                                     "Contested: evidence on both sides.")
        self.actor_combo = QComboBox(self)
        self.actor_combo.setToolTip("Only the claims about one actor")
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        self.actor_combo.currentIndexChanged.connect(self._filter_changed)
        self.claims_model = ClaimsModel(self)
        self.claims_view = QTableView(self)
        self.claims_view.setObjectName("claimsView")
        self.claims_view.setModel(self.claims_model)
        self.claims_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.claims_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.claims_view.verticalHeader().hide()
        self.claims_view.setWordWrap(True)
        self.claims_view.setAlternatingRowColors(True)
        # Rows are as tall as their wrapped text, measured for the rows on screen only
        # (ResizeToContents measured all 500 claims' cells whenever the board showed).
        self._row_fit = VisibleRowsFit(self.claims_view)
        header = self.claims_view.horizontalHeader()
        header.setSectionResizeMode(ClaimsModel.TEXT, QHeaderView.ResizeMode.Stretch)
        for col in (ClaimsModel.VERDICT, ClaimsModel.FOR, ClaimsModel.AGAINST,
                    ClaimsModel.FLAG):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # Fit columns to the rows on screen, not to every claim: measuring 500 claims'
        # cells froze the window for a second when the board opened.
        header.setResizeContentsPrecision(0)
        self.claims_view.selectionModel().currentRowChanged.connect(self._claim_changed)
        self.claims_model.modelReset.connect(self._reselect)
        delete = context_menus.action(
            self.claims_view, "&Delete claim", lambda: self.delete_claim(self.claim_id),
            QKeySequence.StandardKey.Delete,
            tip="Delete the claim with its evidence links and verdicts (Ctrl+Z brings it back)")
        new_claim = context_menus.action(self.claims_view, "&New claim…",
                                         lambda: self.new_claim(),
                                         tip="Add a proposition to verify")
        context_menus.set_menu(self.claims_view, [new_claim, None, delete])
        context_menus.follow_current(self.claims_view, [delete])
        self.new_claim_button = QPushButton("&New claim…", self)
        self.new_claim_button.setToolTip("Add a proposition to verify")
        self.new_claim_button.clicked.connect(lambda: self.new_claim())
        left = QWidget(self)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        show = QLabel("Sh&ow:", self)
        show.setBuddy(self.filter_combo)
        row.addWidget(show)
        row.addWidget(self.filter_combo, 1)
        lay.addLayout(row)
        row = QHBoxLayout()
        about = QLabel("A&bout:", self)
        about.setBuddy(self.actor_combo)
        row.addWidget(about)
        row.addWidget(self.actor_combo, 1)
        lay.addLayout(row)
        lay.addWidget(self.claims_view, 1)
        lay.addWidget(self.new_claim_button)

        # Centre: the claim, its two columns, context, verdict.
        self.claim_label = QLabel("Choose a claim", self)
        self.claim_label.setObjectName("claimText")
        self.claim_label.setWordWrap(True)
        self.claim_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.claim_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.claim_label.setFont(font)
        self.about_label = QLabel("", self)
        self.about_label.setWordWrap(True)
        self.about_label.setTextFormat(Qt.TextFormat.RichText)
        self.about_label.setToolTip("Who the claim is about, and where it came from "
                                    "(the link opens the source at its page)")
        self.about_label.linkActivated.connect(self._about_link)
        self.contested_label = QLabel("", self)
        self.contested_label.setObjectName("contestedFlag")
        self.contested_label.setWordWrap(True)
        self.contested_label.hide()
        self.columns = {rel: EvidenceColumn(rel, self) for rel in ("supports", "contradicts",
                                                                    "context")}
        for column in self.columns.values():
            column.model.dropped.connect(self.link_evidence)
            column.view.activated.connect(lambda i, c=column: self._open(c, i))
            column.view.doubleClicked.connect(lambda i, c=column: self._open(c, i))
            self._evidence_actions(column)
        sides = QSplitter(Qt.Orientation.Horizontal, self)
        sides.addWidget(self.columns["supports"])
        sides.addWidget(self.columns["contradicts"])

        self.verdict_combo = QComboBox(self)
        for status in VERDICT_STATUSES:
            self.verdict_combo.addItem(status, status)
        self.verdict_combo.setToolTip("The fact-checker's resolution of the claim")
        self.rationale_edit = QPlainTextEdit(self)
        self.rationale_edit.setObjectName("rationaleEdit")
        self.rationale_edit.setPlaceholderText("Why: weigh the evidence on each side "
                                               "(required for every verdict)")
        self.rationale_edit.setTabChangesFocus(True)
        self.rationale_edit.setMinimumHeight(48)
        self.verdict_button = QPushButton("Set &verdict", self)
        self.verdict_button.setToolTip("Record the verdict and its rationale (Ctrl+Return)")
        self.verdict_button.clicked.connect(lambda: self.save_verdict())
        save = QAction("Set verdict", self)
        save.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        save.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.triggered.connect(lambda: self.save_verdict())
        self.rationale_edit.addAction(save)
        self.verdict_combo.addAction(save)
        self.verdict_state = QLabel("", self)
        self.verdict_state.setWordWrap(True)
        verdict_box = QFrame(self)
        verdict_box.setFrameShape(QFrame.Shape.StyledPanel)
        vlay = QVBoxLayout(verdict_box)
        vlay.setContentsMargins(6, 4, 6, 6)
        head = QHBoxLayout()
        vl = QLabel("Ve&rdict:", self)
        vl.setBuddy(self.verdict_combo)
        head.addWidget(vl)
        head.addWidget(self.verdict_combo)
        head.addWidget(self.verdict_state, 1)
        head.addWidget(self.verdict_button)
        vlay.addLayout(head)
        vlay.addWidget(self.rationale_edit)

        centre = QWidget(self)
        clay = QVBoxLayout(centre)
        clay.setContentsMargins(4, 0, 4, 0)
        clay.addWidget(self.claim_label)
        clay.addWidget(self.about_label)
        clay.addWidget(self.contested_label)
        # The two sides get the room; context and the verdict can be dragged taller.
        self.centre_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.centre_splitter.addWidget(sides)
        self.centre_splitter.addWidget(self.columns["context"])
        self.centre_splitter.addWidget(verdict_box)
        self.centre_splitter.setStretchFactor(0, 3)
        self.centre_splitter.setStretchFactor(1, 1)
        self.centre_splitter.setStretchFactor(2, 0)
        self.centre_splitter.setChildrenCollapsible(False)
        self.centre_splitter.setSizes([360, 120, 150])
        clay.addWidget(self.centre_splitter, 1)

        # Right: excerpts and statements to drag in.
        self.citables = CitablesModel(self)
        self.citables_filter = CitablesFilter(self)
        self.citables_filter.setSourceModel(self.citables)
        self.source_edit = QLineEdit(self)
        self.source_edit.setPlaceholderText("Find excerpts and statements")
        self.source_edit.setClearButtonEnabled(True)
        self.source_edit.textChanged.connect(self.citables_filter.set_text)
        self.source_view = QListView(self)
        self.source_view.setObjectName("sourcesView")
        self.source_view.setModel(self.citables_filter)
        self.source_view.setModelColumn(CitablesModel.SUMMARY)
        self.source_view.setWordWrap(True)
        self.source_view.setSpacing(2)
        self.source_view.setIconSize(QSize(10, 10))
        self.source_view.setAlternatingRowColors(True)
        self.source_view.setDragEnabled(True)
        self.source_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.source_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.source_view.setToolTip("Drag onto “Evidence for”, “Evidence against” or "
                                    "“Context”; or Ctrl+1 / Ctrl+2 / Ctrl+3")
        self.source_view.activated.connect(self._open_citable)
        adds = [context_menus.action(
            self.source_view, f"&Add to claim as {RELATION_TITLES[relation].lower()}",
            lambda r=relation: self.link_selected_sources(r), f"Ctrl+{n}")
            for n, relation in enumerate(("supports", "contradicts", "context"), start=1)]
        open_source = context_menus.action(
            self.source_view, "&Open source",
            lambda: self._open_citable(self.source_view.currentIndex()),
            tip="Open the excerpt or statement at its page")
        context_menus.set_menu(self.source_view, [*adds, None, open_source])
        context_menus.follow_current(self.source_view, [*adds, open_source])
        right = QWidget(self)
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        rlay.addWidget(QLabel("Excerpts and statements", self))
        rlay.addWidget(self.source_edit)
        rlay.addWidget(self.source_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 620, 330])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        order = [self.filter_combo, self.actor_combo, self.claims_view,
                 self.new_claim_button, self.columns["supports"].view,
                 self.columns["contradicts"].view, self.columns["context"].view,
                 self.verdict_combo, self.rationale_edit, self.verdict_button,
                 self.source_edit, self.source_view]
        for a, b in zip(order, order[1:]):
            self.setTabOrder(a, b)
        self._set_claim_enabled(False)

    def _evidence_actions(self, column: EvidenceColumn) -> None:
        """The column's keys and its context menu: the same actions, on the current row."""
        view = column.view

        def note() -> None:
            it = column.model.item(view.currentIndex().row())
            if it is not None:
                self._edit_note(it)
        open_source = context_menus.action(
            view, "&Open source", lambda: self._open(column, view.currentIndex()),
            tip="Open the excerpt or statement at its page")
        moves = [context_menus.action(
            view, f"&Move to {RELATION_TITLES[relation].lower()}",
            lambda r=relation: self._move_current(column, r), f"Ctrl+{n}")
            for n, relation in enumerate(("supports", "contradicts", "context"), start=1)
            if relation != column.relation]
        edit = context_menus.action(view, "Edit &note…", note, "F2")
        unlink = context_menus.action(view, "&Unlink from claim", lambda: self._unlink_current(
            column), QKeySequence.StandardKey.Delete)
        entries = context_menus.set_menu(view, [open_source, None, *moves, edit, None,
                                                unlink])
        context_menus.follow_current(view, [a for a in entries if not a.isSeparator()])

    # -- session ------------------------------------------------------------------------
    def set_session(self, session) -> None:
        self.session = session
        self.watcher.set_session(session)
        case = session.reader if session else None
        self._fill_actors()
        self.claims_model.set_case(case)
        self.citables.set_case(case)
        self.show_claim(None)
        self.setEnabled(session is not None)

    def _fill_actors(self) -> None:
        from workbench.core import actors
        current = self.actor_combo.currentData()
        self.actor_combo.blockSignals(True)
        self.actor_combo.clear()
        self.actor_combo.addItem("Any actor", None)
        if self.session is not None:
            for a in actors.list_all(self.session.reader):
                self.actor_combo.addItem(a.name, a.id)
        self.actor_combo.setCurrentIndex(max(0, self.actor_combo.findData(current)))
        self.actor_combo.blockSignals(False)

    def apply_changes(self, changes: Changes) -> None:
        if changes.tables() & {"actors", "actor_aliases"}:
            self._fill_actors()
        self.claims_model.apply_changes(changes)
        self.citables.apply_changes(changes)
        if self.claim_id is not None and changes.tables() & CHANGE_TABLES:
            self.show_claim(self.claim_id, keep_editor=not (
                self.claim_id in changes.touched("claims")
                and "verdicts" in changes.tables()))

    def _filter_changed(self, *_args) -> None:
        self.claims_model.set_filter(self.filter_combo.currentData(),
                                     self.actor_combo.currentData())

    # -- the selected claim ---------------------------------------------------------------
    def _claim_changed(self, current, _previous=None) -> None:
        rec = self.claims_model.reconciliation(current.row()) if current.isValid() else None
        if rec is not None and rec.claim.id != self.claim_id:
            self.show_claim(rec.claim.id)

    def _reselect(self) -> None:
        if self.claim_id is None:
            return
        row = self.claims_model.row_of(self.claim_id)
        if row >= 0:
            self.claims_view.selectionModel().blockSignals(True)
            self.claims_view.selectRow(row)
            self.claims_view.selectionModel().blockSignals(False)

    def select_claim(self, claim_id: int) -> None:
        """Show ``claim_id`` (clearing the filters if they hide it)."""
        if self.claims_model.row_of(claim_id) < 0:
            self.filter_combo.setCurrentIndex(0)
            self.actor_combo.setCurrentIndex(0)
        row = self.claims_model.row_of(claim_id)
        if row >= 0:
            self.claims_view.selectRow(row)
            self.claims_view.scrollTo(self.claims_model.index(row, 0))
        self.show_claim(claim_id)

    def show_claim(self, claim_id: int | None, *, keep_editor: bool = False) -> None:
        if self.session is None or claim_id is None:
            self.claim_id, self.current = None, None
            for column in self.columns.values():
                column.model.set_items(None, ())
                column.set_count(0)
            self.claim_label.setText("Choose a claim")
            self.about_label.setText("")
            self.contested_label.hide()
            self.rationale_edit.clear()
            self.verdict_state.setText("")
            self._set_claim_enabled(False)
            return
        try:
            rec = reconcile.reconcile(self.session.reader, claim_id)
        except Exception as exc:  # noqa: BLE001 - e.g. the claim was undone away
            self.show_claim(None)
            self.claim_label.setText(str(exc))
            return
        editing = keep_editor and self.claim_id == claim_id and self._verdict_dirty()
        self.claim_id, self.current = claim_id, rec
        self._set_claim_enabled(True)
        self.claim_label.setText(rec.claim.text)
        from workbench.core import actors
        names = [actors.get(self.session.reader, a).name for a in rec.claim.actor_ids]
        parts = [f"About: {html.escape(', '.join(names))}"] if names else []
        claim = rec.claim
        if claim.origin_excerpt_id is not None:
            ex = excerpts.get(self.session.reader, claim.origin_excerpt_id)
            title = documents.get(self.session.reader, ex.document_id).title
            parts.append(f"From: <a href='excerpt:{ex.id}'>{html.escape(title)}, page "
                         f"{ex.page_no}</a>")
        elif claim.origin_document_id is not None:
            title = documents.get(self.session.reader, claim.origin_document_id).title
            parts.append(f"From: <a href='document:{claim.origin_document_id}'>"
                         f"{html.escape(title)}</a>")
        if claim.origin_note:
            parts.append(html.escape(claim.origin_note))
        self.about_label.setText(" · ".join(parts))
        for relation, items in (("supports", rec.supports), ("contradicts", rec.contradicts),
                                ("context", rec.context)):
            self.columns[relation].model.set_items(claim_id, items)
            self.columns[relation].set_count(len(items))
        if rec.contested:
            tint = style.tint(style.PROBLEM_HUE, 60)
            self.contested_label.setText(
                "⚑ Contradiction: there is evidence on both sides. "
                + ("Resolved by the verdict below." if rec.resolved
                   else "Weigh it and record a verdict with a rationale."))
            self.contested_label.setStyleSheet(
                f"QLabel {{ padding: 4px 6px; border-radius: 3px; background: "
                f"rgba({tint.red()}, {tint.green()}, {tint.blue()}, 0.24); }}")
            self.contested_label.show()
        else:
            self.contested_label.hide()
        v = rec.verdict
        if not editing:
            self.verdict_combo.setCurrentIndex(max(0, self.verdict_combo.findData(v.status)))
            self.rationale_edit.setPlainText(v.rationale or "")
        hue = style.strong(style.VERDICT_HUES.get(v.status, "#808080"), self).name()
        self.verdict_state.setText(
            f"<span style='color:{hue}'>{html.escape(v.status)}</span>"
            + (f" · decided {html.escape(v.decided_at[:10])}" if v.decided_at else
               " · no verdict yet"))
        history = claims.verdict_history(self.session.reader, claim_id)
        self.verdict_state.setToolTip("\n".join(
            f"{h.decided_at[:10] if h.decided_at else ''} {h.status}: {h.rationale or ''}"
            for h in history) or "No verdict recorded yet")
        self.claim_shown.emit(claim_id)

    def _verdict_dirty(self) -> bool:
        if self.current is None:
            return False
        v = self.current.verdict
        return (self.verdict_combo.currentData() != v.status
                or self.rationale_edit.toPlainText().strip() != (v.rationale or ""))

    def _set_claim_enabled(self, on: bool) -> None:
        for w in (self.verdict_combo, self.rationale_edit, self.verdict_button,
                  *(c.view for c in self.columns.values())):
            w.setEnabled(on)

    # -- writes ---------------------------------------------------------------------------
    def link_evidence(self, relation: str, found: list, claim_id: int | None = None):
        """Link excerpts/statements to the claim on ``relation``'s side; an item already
        linked moves there. One action; returns the Job (None when nothing to do)."""
        claim_id = claim_id if claim_id is not None else self.claim_id
        if self.session is None or claim_id is None or not found:
            return None
        have = {link.target: link for link in claims.evidence(self.session.reader, claim_id)}
        adds = [r for r in found if r not in have]
        moves = [have[r].id for r in found if r in have and have[r].relation != relation]
        if not adds and not moves:
            return None
        label = "Link evidence" if adds else "Move evidence"

        def write(case: Case):
            with case.action(label) as act:
                act.row_id = claim_id
                for kind, target in adds:
                    claims.add_evidence(case, claim_id=claim_id, relation=relation,
                                        **{f"{kind}_id": target})
                for link_id in moves:
                    claims.update_evidence(case, link_id, relation=relation)
            return act.changes
        return writing.write(self.session, label, write, reporter=self.reporter)

    def unlink(self, link_id: int):
        if self.session is None:
            return None
        return writing.write(self.session, "Unlink evidence",
                          lambda case: claims.remove_evidence(case, link_id),
                          reporter=self.reporter)

    def save_verdict(self):
        if self.session is None or self.claim_id is None:
            return None
        claim_id = self.claim_id
        status = self.verdict_combo.currentData()
        rationale = self.rationale_edit.toPlainText().strip() or None
        if status != "unverified" and not rationale:
            self.reporter.show("Cannot set verdict",
                               f"A verdict of {status} needs a written rationale.")
            self.rationale_edit.setFocus()
            return None
        return writing.write(self.session, "Set verdict", lambda case: claims.set_verdict(
            case, claim_id=claim_id, status=status, rationale=rationale),
            reporter=self.reporter)

    def new_claim(self):
        if self.session is None:
            return None
        text, ok = QInputDialog.getMultiLineText(self, "New claim",
                                                 "The proposition to verify:")
        if not ok or not text.strip():
            return None
        about = [self.actor_combo.currentData()] if self.actor_combo.currentData() else []
        return writing.write(self.session, "Add claim",
                          lambda case: claims.add(case, text.strip(), about=about),
                          reporter=self.reporter,
                          done=lambda changes: self.select_claim(changes.id))

    def delete_claim(self, claim_id: int | None):
        """Delete a claim and what it owns (evidence links, verdicts); undoable."""
        if self.session is None or claim_id is None:
            return None
        return writing.write(self.session, "Delete claim",
                          lambda case: deletion.delete(case, "claim", claim_id),
                          reporter=self.reporter)

    def link_selected_sources(self, relation: str):
        rows = sorted({self.citables_filter.mapToSource(i).row()
                       for i in self.source_view.selectionModel().selectedIndexes()})
        if not rows and self.source_view.currentIndex().isValid():
            rows = [self.citables_filter.mapToSource(self.source_view.currentIndex()).row()]
        found = [self.citables.citable(r).ref for r in rows if self.citables.citable(r)]
        return self.link_evidence(relation, found)

    # -- menus and activation -------------------------------------------------------------
    def _open(self, column: EvidenceColumn, index) -> None:
        it = column.model.item(index.row())
        if it is not None:
            self.source_requested.emit(it.kind, it.target_id)

    def _about_link(self, link: str) -> None:
        ref = dragdrop.parse_ref(link)
        if ref is not None:
            self.source_requested.emit(*ref)

    def _open_citable(self, index) -> None:
        c = self.citables.citable(self.citables_filter.mapToSource(index).row())
        if c is not None:
            self.source_requested.emit(c.kind, c.id)

    def _unlink_current(self, column: EvidenceColumn) -> None:
        it = column.model.item(column.view.currentIndex().row())
        if it is not None:
            self.unlink(it.link_id)

    def _move_current(self, column: EvidenceColumn, relation: str) -> None:
        it = column.model.item(column.view.currentIndex().row())
        if it is not None and relation != column.relation:
            self.link_evidence(relation, [(it.kind, it.target_id)])

    def _edit_note(self, it: reconcile.EvidenceItem) -> None:
        text, ok = QInputDialog.getText(self, "Evidence note", "Why this evidence bears on "
                                        "the claim:", text=it.note or "")
        if ok and self.session is not None:
            writing.write(self.session, "Edit evidence", lambda case: claims.update_evidence(
                case, it.link_id, note=text.strip()), reporter=self.reporter)

    def sizeHint(self) -> QSize:
        return QSize(1200, 640)
