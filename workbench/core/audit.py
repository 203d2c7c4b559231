"""Reading the append-only audit log: every change, which row, before and after, when."""

from __future__ import annotations

import json
from dataclasses import dataclass

from workbench.core.casefile import Case
from workbench.core.changes import ChangeCollector, Changes, Ref
from workbench.core.search.audit_refs import touched_by


@dataclass(frozen=True)
class AuditEntry:
    id: int
    action_id: int
    action: str
    at: str
    operation: str
    table: str
    row_id: str
    before: dict | None
    after: dict | None


def entries(case: Case, *, table: str | None = None, row_id: int | str | None = None,
            action_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
    """Audit rows, newest last, filtered by table, row or action."""
    where: list[str] = []
    params: list[object] = []
    if table is not None:
        where.append("a.table_name = ?")
        params.append(table)
    if row_id is not None:
        where.append("a.row_id = ?")
        params.append(str(row_id))
    if action_id is not None:
        where.append("a.action_id = ?")
        params.append(action_id)
    sql = ("SELECT a.*, x.label FROM audit a JOIN actions x ON x.id = a.action_id"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id")
    if limit is not None:
        sql = f"SELECT * FROM ({sql[:-len(' ORDER BY a.id')]} ORDER BY a.id DESC LIMIT ?) " \
              "ORDER BY id"
        params.append(limit)
    return [AuditEntry(id=r["id"], action_id=r["action_id"], action=r["label"], at=r["at"],
                       operation=r["operation"], table=r["table_name"], row_id=r["row_id"],
                       before=json.loads(r["before"]) if r["before"] else None,
                       after=json.loads(r["after"]) if r["after"] else None)
            for r in case.rows(sql, params)]


def changes_between(case: Case, after: int, upto: int, *,
                    skip_actions: set[int] | frozenset[int] = frozenset()) -> Changes:
    """What the actions logged in audit rows ``after < id <= upto`` changed, as one
    :class:`Changes` (for a screen catching up with another program's edits).

    Rows of the actions in ``skip_actions`` (the caller's own, already applied) are
    left out. Rows a change touches (a document gaining a name, a tagged excerpt) are
    reported as updated, as :func:`~workbench.core.search.audit_refs.refs_since` finds
    them.
    """
    collector = ChangeCollector()
    rows = case.rows("SELECT action_id, operation, table_name, row_id, before, after "
                     "FROM audit WHERE id > ? AND id <= ? ORDER BY id", (after, upto))
    kept = [r for r in rows if r["action_id"] not in skip_actions]
    verbs = {"insert": "created", "update": "updated", "delete": "deleted"}
    for r in kept:
        row_id = r["row_id"]
        ref = Ref(r["table_name"], int(row_id) if row_id.lstrip("-").isdigit() else row_id)
        collector.add(verbs.get(r["operation"], "updated"), ref)
    for ref in touched_by(kept):
        collector.add("updated", ref)
    action_ids = {r["action_id"] for r in kept}
    return collector.freeze("Changed by another program", None,
                            max(action_ids) if len(action_ids) == 1 else None)
