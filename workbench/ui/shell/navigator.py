"""The navigator: documents by origin and kind, actors, claims, findings, past imports.

A small tree (tens to hundreds of nodes), so a ``QStandardItemModel`` rebuilt when the
case changes serves better than a hand-written tree model. The expanded state and the
current node survive a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from workbench.core import actors, browse, claims, findings, importing
from workbench.core.casefile import Case
from workbench.core.changes import Changes

NodeRole = Qt.ItemDataRole.UserRole + 10
_WATCHED = {"documents", "actors", "claims", "verdicts", "findings", "imports"}


class NavigatorModel(QStandardItemModel):
    """Nodes carry ``(kind, value)`` in :data:`NodeRole`."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(["Case"])

    def rebuild(self, case: Case | None, data: "NavigatorData | None" = None) -> None:
        """Rebuild from ``data`` (read by :func:`read_tree`, maybe on another thread),
        or read ``case`` here."""
        self.clear()
        self.setHorizontalHeaderLabels(["Case"])
        if data is None:
            if case is None:
                return
            data = read_tree(case)
        groups = data.groups
        total = sum(n for _, n in groups["kind"])
        docs = self._node(self, f"Documents ({total})", ("all", None))
        by_origin = self._node(docs, "By origin", ("all", None))
        for origin, n in groups["origin"]:
            self._node(by_origin, f"{origin or '(no origin)'} ({n})",
                       ("origin", origin) if origin else ("no_origin", True))
        by_kind = self._node(docs, "By kind", ("all", None))
        for kind, n in groups["kind"]:
            self._node(by_kind, f"{kind} ({n})", ("kind", kind))
        node = self._node(self, f"Actors ({len(data.actors)})", ("section", "actors"))
        for a in data.actors:
            self._node(node, a.name + (" (confidential)" if a.confidential else ""),
                       ("actor", a.id))
        node = self._node(self, f"Claims ({len(data.claims)})", ("section", "claims"))
        for claim_id, status, text in data.claims:
            self._node(node, f"[{status}] {_short(text)}", ("claim", claim_id))
        node = self._node(self, f"Findings ({len(data.findings)})", ("section", "findings"))
        for f in data.findings:
            self._node(node, f"{f.position}. {_short(f.title)}", ("finding", f.id))
        reports = data.imports
        node = self._node(self, f"Imports ({len(reports)})", ("section", "imports"))
        for r in reversed(reports):
            self._node(node, f"{r.started_at[:16].replace('T', ' ')} · "
                             f"{r.origin or '(no origin)'} · {r.imported} imported"
                             + (f", {r.failed} failed" if r.failed else "")
                             + ("" if r.status == "done" else f" ({r.status})"),
                       ("import", r.import_id))

    @staticmethod
    def _node(parent, text: str, node: tuple) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setData(node, NodeRole)
        item.setToolTip(text)
        (parent.appendRow if isinstance(parent, QStandardItem) else parent.appendRow)(item)
        return item


@dataclass(frozen=True)
class NavigatorData:
    """What the tree shows, read in one go (on any thread)."""

    groups: dict
    actors: list
    claims: list  # (id, verdict status, text)
    findings: list
    imports: list


def read_tree(case: Case) -> NavigatorData:
    """Everything the navigator shows: counts and titles, never whole documents."""
    verdicts = claims.verdicts(case)
    return NavigatorData(
        groups=browse.document_groups(case), actors=actors.list_all(case),
        claims=[(c.id, status.status if (status := verdicts.get(c.id)) else "unverified",
                 c.text) for c in claims.list_all(case)],
        findings=findings.list_all(case), imports=importing.import_summaries(case))


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


class NavigatorView(QTreeView):
    """Emits what the user picked: a document scope, or one record to show."""

    scope_chosen = Signal(dict)         # {"origin": ...} / {"kind": ...} / {"import_id": ...}
    record_chosen = Signal(str, int)    # ("actor" | "claim" | "finding", id)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.nav_model = NavigatorModel(self)
        self.setModel(self.nav_model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.case: Case | None = None
        self.queries = None  # the session's reader, for refreshes off the GUI thread
        self._timer = QTimer(self, singleShot=True, interval=1000)
        self._timer.timeout.connect(self.refresh_in_background)
        self.clicked.connect(self._chosen)
        self.activated.connect(self._chosen)

    def set_case(self, case: Case | None, data: NavigatorData | None = None,
                 queries=None) -> None:
        """Show ``case`` (``data`` already read for it, if given); later refreshes read
        on ``queries`` (the session's reader) when given."""
        self._timer.stop()
        self.case = case
        self.queries = queries if case is not None else None
        self.refresh(data)
        self.expandToDepth(0)
        model = self.nav_model
        if model.rowCount():
            self.expand(model.index(0, 0, model.index(0, 0)))  # documents by origin

    def apply_changes(self, changes: Changes) -> None:
        """Rebuild soon (at most once a second: an import changes documents constantly)."""
        if changes.tables() & _WATCHED and not self._timer.isActive():
            self._timer.start()

    def refresh_in_background(self) -> None:
        """Read the tree on the session's reader, then rebuild (the GUI thread only
        builds nodes)."""
        if self.queries is None or self.case is None:
            self.refresh()
            return
        case = self.case
        self.queries.run(read_tree, lambda data: self.case is case and self.refresh(data),
                         key="navigator")

    def refresh(self, data: NavigatorData | None = None) -> None:
        expanded = set()
        model = self.nav_model
        for row in range(model.rowCount()):
            self._collect(model.index(row, 0), expanded)
        current = self.currentIndex().data(NodeRole)
        self.nav_model.rebuild(self.case, data)
        for row in range(model.rowCount()):
            self._restore(model.index(row, 0), expanded, current)

    def _collect(self, index, expanded: set) -> None:
        if self.isExpanded(index):
            expanded.add(index.data(Qt.ItemDataRole.DisplayRole).split(" (")[0])
        for row in range(self.nav_model.rowCount(index)):
            self._collect(self.nav_model.index(row, 0, index), expanded)

    def _restore(self, index, expanded: set, current) -> None:
        if index.data(Qt.ItemDataRole.DisplayRole).split(" (")[0] in expanded:
            self.expand(index)
        if current is not None and index.data(NodeRole) == current:
            self.setCurrentIndex(index)
        for row in range(self.nav_model.rowCount(index)):
            self._restore(self.nav_model.index(row, 0, index), expanded, current)

    def _chosen(self, index) -> None:
        node = index.data(NodeRole)
        if not node:
            return
        kind, value = node
        if kind == "all":
            self.scope_chosen.emit({})
        elif kind in ("origin", "kind", "no_origin"):
            self.scope_chosen.emit({kind: value})
        elif kind == "import":
            self.scope_chosen.emit({"import_id": value})
        elif kind in ("actor", "claim", "finding"):
            self.record_chosen.emit(kind, value)
