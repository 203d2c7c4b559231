"""Rows changed since a revision, read back from the append-only audit log.

An index that missed some actions (the case was edited by another program, or with the
index closed) catches up from here instead of being rebuilt. The audit log records
every written row; rows an action only "touched" (a tagged document, an actor that
gained an alias) are recovered from the link rows' values.
"""

from __future__ import annotations

import json

from workbench.core.casefile import Case
from workbench.core.changes import Ref

#: Link tables: which parent rows a change to them touches, by column.
_PARENTS = {
    "actor_aliases": (("actor_id", "actors"),),
    "claim_actors": (("claim_id", "claims"),),
    "document_names": (("document_id", "documents"),),
}


def refs_since(case: Case, revision: int, upto: int | None = None) -> set[Ref]:
    """Every row written after audit row ``revision`` (up to ``upto`` when given),
    plus the rows each one touches."""
    if upto is None:
        return _refs(case.rows("SELECT table_name, row_id, before, after FROM audit "
                               "WHERE id > ?", (revision,)))
    return _refs(case.rows("SELECT table_name, row_id, before, after FROM audit "
                           "WHERE id > ? AND id <= ?", (revision, upto)))


def refs_of_action(case: Case, action_id: int) -> set[Ref]:
    """The rows one action wrote, plus the rows each one touches.

    Added to an action's reported changes so that a mutation which forgets to "touch"
    a parent row (an undo that removes a tag, say) still refreshes it.
    """
    return _refs(case.rows("SELECT table_name, row_id, before, after FROM audit "
                           "WHERE action_id = ?", (action_id,)))


def _refs(rows) -> set[Ref]:
    refs: set[Ref] = set()
    for r in rows:
        row_id = r["row_id"]
        refs.add(Ref(r["table_name"],
                     int(row_id) if row_id.lstrip("-").isdigit() else row_id))
    return refs | touched_by(rows)


def touched_by(rows) -> set[Ref]:
    """The parent rows that audit ``rows`` of link tables name (an actor whose alias
    changed, a tagged excerpt)."""
    refs: set[Ref] = set()
    for r in rows:
        table = r["table_name"]
        if table not in _PARENTS and table != "taggings":
            continue  # only link rows name other rows; page rows are large, skip parsing
        values: dict = {}
        for raw in (r["before"], r["after"]):
            if raw:
                try:
                    values.update(json.loads(raw))
                except ValueError:
                    continue
        for column, parent in _PARENTS.get(table, ()):
            if values.get(column) is not None:
                refs.add(Ref(parent, int(values[column])))
        if table == "taggings" and values.get("target_kind") and values.get("target_id"):
            refs.add(Ref(values["target_kind"] + "s", int(values["target_id"])))
    return refs
