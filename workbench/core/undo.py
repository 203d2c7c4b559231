"""Undo and redo, read from the audit log.

Every user action is a group of audited row changes, so undoing it is applying their
inverses in reverse order, as a new action that records which one it reverts
(``actions.reverts``). Redo is undoing the undo. Because both are ordinary actions, the
audit log stays complete and append-only, and an undo survives closing the case.

An action cannot be undone when a later change touched the same rows (the rows no
longer hold what the action left), or when it deleted original document bytes, which
the audit log deliberately does not keep.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from workbench.core.casefile import Case
from workbench.core.changes import Changes, Ref
from workbench.core.errors import NotFound, WorkbenchError

#: Primary keys of the tables whose key is not ``id``.
_PK = {"blobs": "sha256", "emails": "document_id", "case_info": "key"}
#: Actions the undo stack never offers (bookkeeping, not user edits).
_NOT_UNDOABLE_PREFIXES = ("Start import", "Finish import", "Record import outcome")


class CannotUndo(WorkbenchError):
    """The action cannot be reverted; ``str()`` says why."""


@dataclass(frozen=True)
class ActionInfo:
    id: int
    label: str
    at: str
    reverts: int | None


def actions(case: Case, *, limit: int = 50) -> list[ActionInfo]:
    """The newest actions, newest first."""
    return [ActionInfo(r["id"], r["label"], r["at"], r["reverts"]) for r in case.rows(
        "SELECT * FROM actions ORDER BY id DESC LIMIT ?", (limit,))]


def last_undoable(case: Case) -> ActionInfo:
    """The newest user action not yet undone (an undo and what it reverted cancel out)."""
    cancelled: set[int] = set()
    # Newest first, a few at a time: the answer is nearly always among the newest, and
    # reading a large case's whole log (250,000 actions) took the interpreter for long.
    cursor = case.conn.execute("SELECT * FROM actions ORDER BY id DESC")
    try:
        while rows := cursor.fetchmany(64):
            for r in rows:
                if r["id"] in cancelled:
                    continue
                if r["reverts"] is not None:
                    cancelled.update((r["id"], r["reverts"]))
                    continue
                if r["label"].startswith(_NOT_UNDOABLE_PREFIXES):
                    continue
                if case.row("SELECT 1 FROM audit WHERE action_id = ?", (r["id"],)) is None:
                    continue
                return ActionInfo(r["id"], r["label"], r["at"], None)
    finally:
        cursor.close()
    raise CannotUndo("nothing to undo")


def _rows(case: Case, action_id: int) -> list:
    return case.rows("SELECT * FROM audit WHERE action_id = ? ORDER BY id", (action_id,))


def _current(case: Case, table: str, row_id: str):
    pk = _PK.get(table, "id")
    return case.row(f"SELECT * FROM [{table}] WHERE [{pk}] = ?", (row_id,))


def _cancelled_after(case: Case, action_id: int) -> set[int]:
    """Later actions whose effect was taken back: an action and the undo of it (a redo,
    the undo of that undo, makes the pair count again, as in :func:`last_undoable`)."""
    cancelled: set[int] = set()
    for r in case.rows("SELECT id, reverts FROM actions WHERE id > ? ORDER BY id DESC",
                       (action_id,)):
        if r["id"] in cancelled:
            continue
        if r["reverts"] is not None and r["reverts"] > action_id:
            cancelled.update((r["id"], r["reverts"]))
    return cancelled


def _check(case: Case, action_id: int, entries: list) -> None:
    later_rows = case.rows(
        "SELECT a.action_id, a.table_name, a.row_id, x.label FROM audit a "
        "JOIN actions x ON x.id = a.action_id "
        "WHERE a.action_id > ? AND EXISTS (SELECT 1 FROM audit b WHERE b.action_id = ? "
        "AND b.table_name = a.table_name AND b.row_id = a.row_id) "
        "AND a.table_name NOT IN ('imports', 'import_items') ORDER BY a.id",
        (action_id, action_id))
    # A later change that was itself undone left the rows as they were: it does not
    # stand in the way (edit twice, undo twice).
    cancelled = _cancelled_after(case, action_id) if later_rows else set()
    later = next((r for r in later_rows if r["action_id"] not in cancelled), None)
    if later is not None:
        raise CannotUndo(f"a later change ({later['label']}) touched the same "
                         f"{later['table_name']} row; undo that first")
    for e in entries:
        if e["operation"] == "delete" and e["table_name"] == "blobs":
            raise CannotUndo("it removed a document's original bytes, which are not kept")


def revert(case: Case, action_id: int, *, label: str | None = None) -> Changes:
    """Apply the inverse of one action as a new action; return what changed."""
    head = case.row("SELECT * FROM actions WHERE id = ?", (action_id,))
    if head is None:
        raise NotFound("action", action_id)
    entries = _rows(case, action_id)
    if not entries:
        raise CannotUndo(f"action {action_id} changed nothing")
    _check(case, action_id, entries)
    with case.action(label or f"Undo {head['label']}") as act:
        act.row_id = action_id
        case.conn.execute("UPDATE actions SET reverts = ? WHERE id = ?",
                          (action_id, act.action_id))
        for e in reversed(entries):
            table, row_id = e["table_name"], e["row_id"]
            pk = _PK.get(table, "id")
            key: int | str = int(row_id) if pk == "id" or pk == "document_id" else row_id
            if e["operation"] == "insert":
                if _current(case, table, row_id) is not None:
                    act.delete(table, key, pk=pk)
            elif e["operation"] == "update":
                act.update(table, key, json.loads(e["before"]), pk=pk)
            else:
                act.insert(table, json.loads(e["before"]), pk=pk)
        _touch_parents(act, entries)
    return act.changes


def _touch_parents(act, entries: list) -> None:
    # Screens list documents, claims and findings, whose parts may be what changed.
    for e in entries:
        row = json.loads(e["before"] or e["after"] or "{}")
        for column, table in (("document_id", "documents"), ("claim_id", "claims"),
                              ("finding_id", "findings"), ("actor_id", "actors")):
            if isinstance(row.get(column), int) and e["table_name"] != table:
                act.collector.add("updated", Ref(table, row[column]))


class UndoStack:
    """The window's undo and redo for one open case (no Qt; the window wraps it).

    :meth:`record` is called with the Changes of each user action; :meth:`undo` reverts
    the newest one still done, :meth:`redo` reverts the newest undo.
    """

    def __init__(self, case: Case) -> None:
        self.case = case
        self._done: list[tuple[int, str]] = []
        self._undone: list[tuple[int, str]] = []
        self._reverting = False

    def record(self, changes: Changes) -> None:
        if self._reverting or changes.action_id is None or changes.empty:
            return
        if changes.action.startswith(_NOT_UNDOABLE_PREFIXES):
            return
        self._done.append((changes.action_id, changes.action))
        self._undone.clear()

    @property
    def undo_label(self) -> str | None:
        return self._done[-1][1] if self._done else None

    @property
    def redo_label(self) -> str | None:
        return self._undone[-1][1] if self._undone else None

    def undo(self) -> Changes:
        if not self._done:
            raise CannotUndo("nothing to undo")
        action_id, label = self._done[-1]
        changes = self._revert(action_id, f"Undo {label}")
        self._done.pop()
        self._undone.append((changes.action_id, label))
        return changes

    def redo(self) -> Changes:
        if not self._undone:
            raise CannotUndo("nothing to redo")
        undo_id, label = self._undone[-1]
        changes = self._revert(undo_id, f"Redo {label}")
        self._undone.pop()
        self._done.append((changes.action_id, label))
        return changes

    def _revert(self, action_id: int, label: str) -> Changes:
        # Listeners hear the revert like any action; this stack must not record it.
        self._reverting = True
        try:
            return revert(self.case, action_id, label=label)
        finally:
            self._reverting = False

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
