"""Citation marks in a finding's text, and the models of the findings editor.

``[n]`` in a finding's text is the finding's citation at position ``n``: the functions
here keep marks and positions in step when a citation is inserted or removed.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from workbench.core import findings
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.ui import dragdrop, style
from workbench.ui.reconcile.citables import Citable

IdRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
MARK = findings.CITATION_MARK
STATUS_HUES = {"draft": "#808080", "checked": "#3b7dd8", "ready": "#2e9e44"}


# -- marks ------------------------------------------------------------------------------

def marks(text: str) -> list[int]:
    """The citation numbers marked in ``text``, in order of appearance."""
    return [int(m.group(1)) for m in MARK.finditer(text)]


def insert_mark(text: str, at: int) -> tuple[str, int, int]:
    """Insert a new mark at character ``at``; return (new text, its number, caret after).

    The new citation's number is one more than the highest mark before ``at``; marks at or
    above that number are shifted up by one so numbers keep following positions.
    """
    at = max(0, min(at, len(text)))
    number = max((int(m.group(1)) for m in MARK.finditer(text) if m.end() <= at), default=0) + 1

    def shift(m: re.Match) -> str:
        n = int(m.group(1))
        return f"[{n + 1}]" if n >= number else m.group(0)
    before, after = text[:at], MARK.sub(shift, text[at:])
    mark = f"[{number}]"
    return before + mark + after, number, len(before) + len(mark)


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’-"


def mark_place(text: str, at: int) -> int:
    """Where a citation mark asked for at ``at`` belongs: at the end of the word the caret
    is in, before or after ("provided[1]", never "pro[1]vided"); back to the word before
    when the caret follows spaces at the end of a line; after any marks already there
    ("[1][2]")."""
    at = max(0, min(at, len(text)))
    if at < len(text) and _wordish(text[at]) or at > 0 and _wordish(text[at - 1]):
        while at < len(text) and _wordish(text[at]):
            at += 1
    elif at > 0 and text[at - 1] in " \t":
        while at > 0 and text[at - 1] in " \t":
            at -= 1
    while True:
        m = MARK.match(text, at)
        if m is None:
            return at
        at = m.end()


def mark_at(text: str, at: int) -> int | None:
    """The number of the mark the caret at ``at`` is in or just after."""
    for m in MARK.finditer(text):
        if m.start() < at <= m.end() or m.start() == at:
            return int(m.group(1))
    return None


def remove_mark(text: str, number: int) -> str:
    """Remove every ``[number]`` mark and shift higher marks down by one."""
    def shift(m: re.Match) -> str:
        n = int(m.group(1))
        if n == number:
            return ""
        return f"[{n - 1}]" if n > number else m.group(0)
    return MARK.sub(shift, text)


def _qt_to_py(text: str, position: int) -> int:
    """A QTextDocument position (UTF-16 units) as a ``str`` index."""
    if text.isascii():
        return position
    units = 0
    for i, ch in enumerate(text):
        if units >= position:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _py_to_qt(text: str, index: int) -> int:
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


# -- the list -----------------------------------------------------------------------------

class FindingsModel(QAbstractListModel):
    """Findings in report order; dragging one to another row asks to move it."""

    move_requested = Signal(int, int)  # finding id, new position (1-based)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.rows: list[findings.Finding] = []

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = findings.list_all(self.case) if self.case is not None else []
        self.endResetModel()

    def apply_changes(self, changes: Changes) -> None:
        if self.case is None or not changes.tables() & {"findings", "citations"}:
            return
        fresh = findings.list_all(self.case)
        if [f.id for f in fresh] != [f.id for f in self.rows]:
            self.beginResetModel()
            self.rows = fresh
            self.endResetModel()
            return
        for n, (old, new) in enumerate(zip(self.rows, fresh)):
            if old != new:
                self.rows[n] = new
                self.dataChanged.emit(self.index(n), self.index(n))

    def finding(self, row: int) -> findings.Finding | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, finding_id: int) -> int:
        return next((n for n, f in enumerate(self.rows) if f.id == finding_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        f = self.rows[index.row()]
        if role == IdRole:
            return f.id
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}. {f.title}\n{f.status} · {len(f.citations)} " \
                   f"citation{'s' if len(f.citations) != 1 else ''}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.title}\n\n{f.text}\n\nDrag to reorder (or Alt+Up / Alt+Down)"
        if role == Qt.ItemDataRole.DecorationRole:
            return style.tint(STATUS_HUES.get(f.status, "#808080"), 230)
        return None

    def mimeTypes(self) -> list[str]:
        return [dragdrop.MIME_REF]

    def mimeData(self, indexes):
        ids = [self.rows[i.row()].id for i in indexes if i.isValid()]
        return dragdrop.refs_mime([("finding", i) for i in ids[:1]])

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return bool(dragdrop.mime_refs(data, ("finding",)))

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        found = dragdrop.mime_refs(data, ("finding",))
        if not found:
            return False
        finding_id = found[0][1]
        old = self.row_of(finding_id)
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.rows)
        new = row if old < 0 or row <= old else row - 1
        if new != old:
            self.move_requested.emit(finding_id, new + 1)
        return True


class CitationsModel(QAbstractListModel):
    """The citations of one finding: ``[n] “quote” — source``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[findings.Citation, Citable | None]] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def citation(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else (None, None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        c, what = self.rows[index.row()]
        if role == IdRole:
            return c.id
        if role == Qt.ItemDataRole.DisplayRole:
            if what is None:
                return f"[{c.position}] {c.kind} {c.target_id}"
            text = " ".join(what.text.split())
            text = text if len(text) <= 140 else text[:139] + "…"
            return f"[{c.position}] “{text}” — {what.source}"
        if role == Qt.ItemDataRole.ToolTipRole and what is not None:
            return f"“{what.text}”\n{what.source}\n\nEnter opens the source; Del removes " \
                   "the citation and its mark"
        return None
