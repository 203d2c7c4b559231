"""Excerpts and statements in one searchable list: what can be evidence or a citation.

The reconciliation board drags from it onto its columns; the findings editor's citation
picker searches it. Rows drag as :data:`workbench.ui.dragdrop.MIME_REF`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt)

from workbench.core import actors, documents, excerpts, statements
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.ui import dragdrop, style

RefRole = Qt.ItemDataRole.UserRole + 5
FilterRole = Qt.ItemDataRole.UserRole + 6
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Citable:
    kind: str  # excerpt | statement
    id: int
    text: str
    source: str
    stance: str | None
    document_id: int | None
    page_no: int | None

    @property
    def ref(self) -> dragdrop.Ref:
        return (self.kind, self.id)


def read_citables(case: Case) -> list[Citable]:
    """Every excerpt and statement of the case, described for a list."""
    quotes = excerpts.list_all(case)
    titles = documents.titles(case, {ex.document_id for ex in quotes})
    names = {a.id: a.name for a in actors.list_all(case)}
    quoted = {}
    out: list[Citable] = []
    for ex in quotes:
        quoted[ex.id] = ex
        who = f" · {names[ex.actor_id]}" if ex.actor_id in names else ""
        out.append(Citable("excerpt", ex.id, ex.quote,
                           f"{titles.get(ex.document_id, '?')}, p. {ex.page_no}{who}",
                           None, ex.document_id, ex.page_no))
    for st in statements.list_all(case):
        when = st.date or (f"asked {st.asked_on}" if st.asked_on else "")
        said = style.STANCE_WORDS.get(st.stance, st.stance)
        text = st.text or ("(did not respond)" if st.stance == "no-response" else f"({said})")
        page = quoted[st.excerpt_id].page_no if st.excerpt_id in quoted else None
        out.append(Citable("statement", st.id, text,
                           ", ".join(p for p in (names.get(st.actor_id, "?"), said, when) if p),
                           st.stance, st.document_id, page))
    return out


class CitablesModel(dragdrop.RefRowsModel):
    COLUMNS = ("Kind", "Quote or statement", "Source", "Summary")
    KIND, TEXT, SOURCE, SUMMARY = range(4)  # SUMMARY: both lines, for a list view

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.rows: list[Citable] = []

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = read_citables(self.case) if self.case is not None else []
        self.endResetModel()

    def apply_changes(self, changes: Changes) -> None:
        if changes.tables() & {"excerpts", "statements", "actors"}:
            self.reload()

    def citable(self, row: int) -> Citable | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def key_of(self, c: Citable) -> dragdrop.Ref:
        return c.ref

    def ref_of(self, c: Citable) -> dragdrop.Ref:
        return c.ref

    def drag_text(self, c: Citable) -> str:
        return c.text

    def cell(self, c: Citable, col: int, role: int):
        if role == RefRole:
            return dragdrop.format_ref(*c.ref)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.KIND:
                return c.kind if c.kind == "excerpt" else \
                    style.STANCE_WORDS.get(c.stance or "", "statement")
            if col == self.TEXT:
                return " ".join(c.text.split())
            if col == self.SUMMARY:
                text = " ".join(c.text.split())
                text = text if len(text) <= 160 else text[:159] + "…"
                kind = "" if c.kind == "excerpt" else \
                    f"{style.STANCE_WORDS.get(c.stance or '', 'statement')}: "
                return f"{kind}{text}\n— {c.source}"
            return c.source
        if role == Qt.ItemDataRole.DecorationRole and col == self.SUMMARY:
            return style.tint(style.STANCE_HUES.get(c.stance or "", "#808080"),
                             230 if c.stance else 60)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{c.kind} {c.id}: “{c.text}”\n{c.source}\n\nDrag onto a claim's column, " \
                   "or use the context menu"
        if role == Qt.ItemDataRole.BackgroundRole and col == self.KIND and c.stance:
            return style.tint(style.STANCE_HUES.get(c.stance, "#808080"))
        if role == FilterRole:
            return f"{c.kind} {c.id} {c.text} {c.source} {c.stance or ''}".lower()
        return None


class CitablesFilter(QSortFilterProxyModel):
    """Keeps rows containing every typed word (in quote, source, kind or stance)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.kinds: set[str] = {"excerpt", "statement"}

    def set_text(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_words", text.lower().split()))

    def set_kinds(self, kinds) -> None:
        self.refilter(lambda: setattr(self, "kinds", set(kinds)))

    def refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: invalidateFilter is deprecated
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        c = model.citable(source_row)
        if c is None or c.kind not in self.kinds:
            return False
        if not self._words:
            return True
        blob = model.index(source_row, 0, source_parent).data(FilterRole) or ""
        return all(w in blob for w in self._words)
