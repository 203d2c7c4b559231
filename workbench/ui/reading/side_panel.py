"""The side panel: excerpts (all, or this document's) and details of what is selected."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QFormLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QStackedWidget,
                               QStyledItemDelegate, QStyleOptionViewItem, QTableView,
                               QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from workbench.core import actors, claims, documents, excerpts, findings, statements, tags
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.errors import NotFound
from workbench.ui.models import ExcerptsModel
from workbench.ui.row_heights import VisibleRowsFit


class DocumentDetails(QWidget):
    """Edit a document's title, origin, tags and confidential flag."""

    edit_requested = Signal(int, dict)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.document_id: int | None = None
        self.title_edit = QLineEdit(self)
        self.origin_edit = QLineEdit(self)
        self.date_edit = QLineEdit(self)
        self.date_edit.setObjectName("documentDate")
        self.date_edit.setPlaceholderText("when written or sent: YYYY, YYYY-MM or YYYY-MM-DD")
        self.date_edit.setToolTip("The document's own date: the Date column, the year in "
                                  "search and the report show it (imported is kept apart)")
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setPlaceholderText("comma-separated")
        self.confidential_check = QCheckBox("Confidential", self)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("Save changes", self)
        self.save_button.clicked.connect(lambda: self._save())
        form = QFormLayout(self)
        form.addRow("Title:", self.title_edit)
        form.addRow("Date:", self.date_edit)
        form.addRow("Origin:", self.origin_edit)
        form.addRow("Tags:", self.tags_edit)
        form.addRow("", self.confidential_check)
        form.addRow("", self.save_button)
        form.addRow(self.info)
        self._loaded: dict = {}

    def load(self, case: Case, document_id: int) -> None:
        doc = documents.get(case, document_id)
        self.document_id = doc.id
        self._loaded = {"title": doc.title, "origin": doc.origin or "", "date": doc.date or "",
                        "tags": tuple(tags.of(case, "document", doc.id)),
                        "confidential": doc.confidential}
        self.title_edit.setText(doc.title)
        self.origin_edit.setText(doc.origin or "")
        self.date_edit.setText(doc.date or "")
        self.tags_edit.setText(", ".join(self._loaded["tags"]))
        self.confidential_check.setChecked(doc.confidential)
        names = documents.names(case, doc.id)
        rows = [("Kind", doc.kind), ("Media type", doc.media_type),
                ("File", doc.file_name), ("Received", doc.received),
                ("Imported", doc.imported_at), ("Pages", str(doc.page_count)),
                ("OCR", documents.ocr_state(case, doc.id)), ("SHA-256", doc.sha256)]
        text = "<br>".join(f"<b>{k}:</b> {html.escape(v)}" for k, v in rows if v)
        if len(names) > 1:
            text += "<br><b>Also received as:</b><br>" + "<br>".join(
                html.escape(f"{n.file_name} ({n.origin or 'no origin'}, {n.seen_at[:10]})")
                for n in names[1:])
        self.info.setText(f"<small>{text}</small>")

    def _save(self) -> None:
        if self.document_id is None:
            return
        wanted = {"title": self.title_edit.text().strip(),
                  "origin": self.origin_edit.text().strip(),
                  "date": self.date_edit.text().strip(),
                  "tags": tuple(t.strip() for t in self.tags_edit.text().split(",")
                                if t.strip()),
                  "confidential": self.confidential_check.isChecked()}
        changed = {k: v for k, v in wanted.items() if v != self._loaded.get(k)}
        for key in ("origin", "date"):
            if key in changed:
                changed[key] = changed[key] or None
        if changed:
            self.edit_requested.emit(self.document_id, changed)


def excerpt_text(quote: str, title: str, page_no: int, note: str | None) -> str:
    """What an excerpt's cell shows: the whole quotation, then where it is from (lines
    split by U+2028, which item views break on; a plain newline they draw as a space)."""
    where = f"— {title}, p. {page_no}" if title else f"— p. {page_no}"
    return "\u2028".join([f"“{quote}”", where] + ([f"Note: {note}"] if note else []))


class ExcerptDelegate(QStyledItemDelegate):
    """The quotation in full, wrapped to the panel's width, with its document and page
    under it (a narrow side panel has no room for columns that cut the quote to "…").
    Colours come from the palette, so it reads in light and dark alike."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        model = index.model()
        ex = model.excerpt(index.row()) if hasattr(model, "excerpt") else None
        if ex is None:
            return
        title = model.index(index.row(), 1).data() or ""
        option.text = excerpt_text(ex.quote, title, ex.page_no, ex.note)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideNone


class SidePanel(QTabWidget):
    excerpt_chosen = Signal(object)  # an Excerpt
    edit_requested = Signal(int, dict)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.case: Case | None = None
        self.excerpts_model = ExcerptsModel(self)
        self.only_this = QCheckBox("Only the open document", self)
        self.only_this.toggled.connect(self._scope)
        self.excerpts_view = QTableView(self)
        self.excerpts_view.setObjectName("excerptsView")
        self.excerpts_view.setModel(self.excerpts_model)
        self.excerpts_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.excerpts_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.excerpts_view.setWordWrap(True)
        self.excerpts_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.excerpts_view.setItemDelegateForColumn(0, ExcerptDelegate(self.excerpts_view))
        self.excerpts_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.excerpts_view.verticalHeader().hide()
        # Each row as tall as its whole quotation wrapped to the panel's width, measured
        # for the rows on screen (ResizeToContents measured every excerpt of the case
        # whenever the panel was laid out: 200 excerpts stopped the window 0.1 s).
        self._row_fit = VisibleRowsFit(self.excerpts_view)
        self.excerpts_view.setAlternatingRowColors(True)
        header = self.excerpts_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):  # document and page are shown under the quote
            self.excerpts_view.setColumnHidden(col, True)
        self.excerpts_view.activated.connect(self._chosen)
        self.excerpts_view.clicked.connect(self._chosen)
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.only_this)
        layout.addWidget(self.excerpts_view, 1)
        self.addTab(tab, "Excerpts")

        self.details = QStackedWidget(self)
        self.document_details = DocumentDetails(self)
        self.document_details.edit_requested.connect(self.edit_requested)
        self.record_view = QTextBrowser(self)
        self.record_view.setOpenLinks(False)
        self.details.addWidget(self.record_view)
        self.details.addWidget(self.document_details)
        self.addTab(self.details, "Details")
        self.open_document_id: int | None = None

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.open_document_id = None
        self.excerpts_model.set_case(case)
        self.record_view.setHtml("")
        self.details.setCurrentWidget(self.record_view)

    def apply_changes(self, changes: Changes) -> None:
        self.excerpts_model.apply_changes(changes)
        if (self.open_document_id is not None
                and self.open_document_id in changes.touched("documents")
                and self.details.currentWidget() is self.document_details):
            self.show_document(self.open_document_id)

    def show_document(self, document_id: int) -> None:
        self.open_document_id = document_id
        if self.only_this.isChecked():
            self.excerpts_model.set_document(document_id)
        if self.case is not None:
            try:
                self.document_details.load(self.case, document_id)
            except NotFound:
                return
            self.details.setCurrentWidget(self.document_details)

    def show_record(self, kind: str, record_id: int) -> None:
        if self.case is None:
            return
        self.record_view.setHtml(_record_html(self.case, kind, record_id))
        self.details.setCurrentWidget(self.record_view)
        self.setCurrentWidget(self.details)

    def _scope(self, only: bool) -> None:
        self.excerpts_model.set_document(self.open_document_id if only else None)

    def _chosen(self, index) -> None:
        ex = self.excerpts_model.excerpt(index.row())
        if ex is not None:
            self.excerpt_chosen.emit(ex)


def _record_html(case: Case, kind: str, record_id: int) -> str:
    esc = html.escape
    if kind == "actor":
        a = actors.get(case, record_id)
        out = [f"<h3>{esc(a.name)}</h3><p>{esc(a.type)}"
               + (" · <b>confidential</b>" if a.confidential else "") + "</p>"]
        if a.aliases:
            out.append("<p><b>Also known as:</b> " + esc(", ".join(a.aliases)) + "</p>")
        if a.note:
            out.append(f"<p>{esc(a.note)}</p>")
        said = statements.list_all(case, actor_id=a.id)
        if said:
            out.append("<h4>On the record</h4><ul>")
            for s in said:
                out.append(f"<li><b>{esc(s.stance)}</b> {esc(s.date or s.asked_on or '')}"
                           f" {esc(s.channel or '')}<br>{esc(s.text or '')}</li>")
            out.append("</ul>")
        return "".join(out)
    if kind == "claim":
        c = claims.get(case, record_id)
        v = claims.verdict(case, c.id)
        out = [f"<h3>Claim</h3><p>{esc(c.text)}</p><p><b>Verdict:</b> {esc(v.status)}</p>"]
        if v.rationale:
            out.append(f"<p>{esc(v.rationale)}</p>")
        links = claims.evidence(case, c.id)
        if links:
            out.append("<h4>Evidence</h4><ul>")
            for link in links:
                target_kind, target_id = link.target
                out.append(f"<li>{esc(link.relation)}: {_target(case, target_kind, target_id)}"
                           + (f"<br><i>{esc(link.note)}</i>" if link.note else "") + "</li>")
            out.append("</ul>")
        return "".join(out)
    if kind == "finding":
        f = findings.get(case, record_id)
        out = [f"<h3>{esc(f.title)}</h3><p><i>{esc(f.status)}</i></p><p>{esc(f.text)}</p>"]
        if f.citations:
            out.append("<h4>Cites</h4><ul>")
            out.extend(f"<li>{_target(case, c.kind, c.target_id)}</li>" for c in f.citations)
            out.append("</ul>")
        return "".join(out)
    return ""


def _target(case: Case, kind: str, target_id: int) -> str:
    try:
        if kind == "excerpt":
            e = excerpts.get(case, target_id)
            title = documents.get(case, e.document_id).title
            return f"“{html.escape(e.quote)}” <small>({html.escape(title)}, p. {e.page_no})</small>"
        s = statements.get(case, target_id)
        return f"statement: {html.escape(s.stance)} {html.escape(s.text or '')}"
    except NotFound:
        return f"{kind} {target_id} (gone)"
