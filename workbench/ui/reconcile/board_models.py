"""The reconciliation board's models: claims with their state, and one side of a claim.

Both read through the session's reading connection and never write; a drop on an
:class:`EvidenceModel` is announced with :attr:`EvidenceModel.dropped` and the board
writes it through the writer thread.
"""

from __future__ import annotations

from PySide6.QtCore import (QAbstractListModel, QModelIndex,
                            QPersistentModelIndex, Qt, Signal)

from workbench.core import claims, reconcile
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.ui import dragdrop, style
from workbench.ui.table_model import ListTableModel

IdRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
EVIDENCE_KINDS = ("excerpt", "statement")
#: Tables whose changes the board shows (not documents or pages: an import touches
#: thousands of those and no claim changes).
CHANGE_TABLES = {"claims", "claim_actors", "evidence", "verdicts", "excerpts", "statements",
                 "actors"}


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


# -- claims -----------------------------------------------------------------------------

class ClaimsModel(ListTableModel):
    """Claims with their verdict, how much evidence each side has, and a contested flag."""

    COLUMNS = ("Claim", "Verdict", "For", "Against", "")
    TEXT, VERDICT, FOR, AGAINST, FLAG = range(5)
    HEADER_TIPS = dict(enumerate((
        "The claim under test", "The current verdict", "Evidence supporting it",
        "Evidence contradicting it", "⚑ contested: evidence on both sides")))
    FILTERS = ("all", "unresolved", "contested", "contested-unresolved")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.rows: list[reconcile.Reconciliation] = []
        self.filter = "all"
        self.actor_id: int | None = None

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.reload()

    def set_filter(self, which: str, actor_id: int | None = None) -> None:
        self.filter, self.actor_id = which, actor_id
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = self._read()
        self.endResetModel()

    def _read(self) -> list[reconcile.Reconciliation]:
        if self.case is None:
            return []
        wanted = None
        if self.actor_id is not None:
            wanted = [c.id for c in claims.list_all(self.case, actor_id=self.actor_id)]
        rows = reconcile.reconcile_all(self.case, wanted) if wanted != [] else []
        if self.filter in ("unresolved", "contested-unresolved"):
            rows = [r for r in rows if not r.resolved]
        if self.filter in ("contested", "contested-unresolved"):
            rows = [r for r in rows if r.contested]
        return rows

    def apply_changes(self, changes: Changes) -> None:
        if self.case is None or not changes.tables() & CHANGE_TABLES:
            return
        fresh = self._read()
        if [r.claim.id for r in fresh] != [r.claim.id for r in self.rows]:
            self.beginResetModel()
            self.rows = fresh
            self.endResetModel()
            return
        for n, (old, new) in enumerate(zip(self.rows, fresh)):
            if old != new:
                self.rows[n] = new
                self.dataChanged.emit(self.index(n, 0), self.index(n, len(self.COLUMNS) - 1))

    def reconciliation(self, row: int) -> reconcile.Reconciliation | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, claim_id: int) -> int:
        return next((n for n, r in enumerate(self.rows) if r.claim.id == claim_id), -1)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDropEnabled)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == IdRole:
            return r.claim.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.TEXT:
                return r.claim.text
            if col == self.VERDICT:
                return r.verdict.status
            if col == self.FOR:
                return len(r.supports)
            if col == self.AGAINST:
                return len(r.contradicts)
            if col == self.FLAG:
                return "⚑" if r.contested else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            state = ("Contested: evidence on both sides. " if r.contested else "") + \
                (f"Verdict: {r.verdict.status}. " if r.resolved else "No verdict with a "
                 "rationale yet. ")
            return f"{r.claim.text}\n\n{state}"
        if role == Qt.ItemDataRole.BackgroundRole:
            if col == self.VERDICT:
                return style.tint(style.VERDICT_HUES.get(r.verdict.status, "#808080"), 55)
            if col == self.FLAG and r.contested:
                return style.tint(style.PROBLEM_HUE, 90 if not r.resolved else 45)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.FOR, self.AGAINST,
                                                                 self.FLAG):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


# -- evidence columns -------------------------------------------------------------------

class EvidenceModel(QAbstractListModel):
    """One side of a claim (supports, contradicts or context). Accepts dropped references
    and announces them with :attr:`dropped`; the board writes, then reloads."""

    dropped = Signal(str, list)  # relation, [(kind, id), ...]

    def __init__(self, relation: str, parent=None) -> None:
        super().__init__(parent)
        self.relation = relation
        self.items: list[reconcile.EvidenceItem] = []
        self.claim_id: int | None = None

    def set_items(self, claim_id: int | None, items) -> None:
        self.beginResetModel()
        self.claim_id = claim_id
        self.items = list(items)
        self.endResetModel()

    def item(self, row: int) -> reconcile.EvidenceItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.claim_id is not None \
                else Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        it = self.items[index.row()]
        if role == IdRole:
            return it.link_id
        if role == Qt.ItemDataRole.DisplayRole:
            quote = f"“{_short(it.text, 240)}”" if it.text else \
                f"({style.STANCE_WORDS.get(it.stance or '', it.stance or '')})"
            note = f"\nNote: {_short(it.note, 160)}" if it.note else ""
            return f"{quote}\n— {it.label}{note}"
        if role == Qt.ItemDataRole.ToolTipRole:
            where = "Enter or double-click opens the source" + \
                (f" at page {it.page_no}" if it.page_no else "")
            return f"{it.kind} {it.target_id}: “{it.text or ''}”\n{it.label}" + \
                (f"\n\nNote: {it.note}" if it.note else "") + f"\n\n{where}. Del unlinks."
        if role == Qt.ItemDataRole.DecorationRole:  # statements: their stance's colour
            return style.tint(style.STANCE_HUES.get(it.stance or "", "#808080"),
                             230 if it.kind == "statement" else 60)
        return None

    def mimeTypes(self) -> list[str]:
        return [dragdrop.MIME_REF, "text/plain"]

    def mimeData(self, indexes):
        items = [self.items[i.row()] for i in indexes
                 if i.isValid() and 0 <= i.row() < len(self.items)]
        return dragdrop.refs_mime([(it.kind, it.target_id) for it in items],
                              "\n\n".join(it.text or "" for it in items))

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction | Qt.DropAction.LinkAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return self.claim_id is not None and bool(dragdrop.mime_refs(data, EVIDENCE_KINDS))

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        found = dragdrop.mime_refs(data, EVIDENCE_KINDS)
        if self.claim_id is None or not found:
            return False
        self.dropped.emit(self.relation, found)
        return True
