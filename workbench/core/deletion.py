"""Deleting rows that other rows may still use.

A delete is refused while anything uses the row, naming what does. With ``cascade`` the
users go too: rows that cannot exist without it are deleted (recursively), and rows that
merely point at it lose the pointer. Parts a row owns (a document's pages, a claim's
verdicts) always go with it. Everything is one transaction and is audited row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.casefile import Action, Case
from workbench.core.changes import Changes
from workbench.core.errors import InUseError, NotFound, ValidationError

KINDS = {"document": "documents", "excerpt": "excerpts", "actor": "actors",
         "statement": "statements", "claim": "claims", "finding": "findings",
         "evidence": "evidence", "citation": "citations",
         "event": "events"}
_KIND_OF = {table: kind for kind, table in KINDS.items()}
_PK = {"emails": "document_id"}
#: How a kind reads in a sentence ("2 evidence links", not "2 evidences").
_NOUN = {"evidence": "evidence link"}
_KIND_OF.update({"pages": "page", "emails": "email header", "actor_aliases": "alias",
                 "document_names": "document name", "verdicts": "verdict",
                 "claim_actors": "claim subject", "taggings": "tag",
                 "event_sources": "event source", "event_actors": "event actor",
                 "event_claims": "event claim"})


@dataclass(frozen=True)
class _Ref:
    child: str
    column: str
    parent: str
    mode: str  # owned: goes silently; hard: blocks, cascade deletes; soft: blocks, cascade unlinks


_REFERENCES = (
    _Ref("pages", "document_id", "documents", "owned"),
    _Ref("emails", "document_id", "documents", "owned"),
    _Ref("document_names", "document_id", "documents", "owned"),
    _Ref("excerpts", "document_id", "documents", "hard"),
    _Ref("statements", "document_id", "documents", "soft"),
    _Ref("claims", "origin_document_id", "documents", "soft"),
    _Ref("documents", "parent_id", "documents", "soft"),
    _Ref("evidence", "excerpt_id", "excerpts", "hard"),
    _Ref("citations", "excerpt_id", "excerpts", "hard"),
    _Ref("statements", "excerpt_id", "excerpts", "soft"),
    _Ref("claims", "origin_excerpt_id", "excerpts", "soft"),
    _Ref("actor_aliases", "actor_id", "actors", "owned"),
    _Ref("responses_not_needed", "actor_id", "actors", "owned"),
    _Ref("statements", "actor_id", "actors", "hard"),
    _Ref("claim_actors", "actor_id", "actors", "hard"),
    _Ref("excerpts", "actor_id", "actors", "soft"),
    _Ref("actors", "parent_id", "actors", "soft"),
    _Ref("evidence", "statement_id", "statements", "hard"),
    _Ref("citations", "statement_id", "statements", "hard"),
    _Ref("evidence", "claim_id", "claims", "owned"),
    _Ref("verdicts", "claim_id", "claims", "owned"),
    _Ref("claim_actors", "claim_id", "claims", "owned"),
    _Ref("citations", "finding_id", "findings", "owned"),
    # Events (core/events.py): a source or actor in use by an event blocks its delete;
    # with cascade the event loses that link and stays. A claim takes its links to
    # events with it, as it does its evidence links.
    _Ref("event_sources", "excerpt_id", "excerpts", "hard"),
    _Ref("event_sources", "statement_id", "statements", "hard"),
    _Ref("event_sources", "document_id", "documents", "hard"),
    _Ref("event_actors", "actor_id", "actors", "hard"),
    _Ref("event_claims", "claim_id", "claims", "owned"),
    _Ref("event_actors", "event_id", "events", "owned"),
    _Ref("event_sources", "event_id", "events", "owned"),
    _Ref("event_claims", "event_id", "events", "owned"),
)


def users(case: Case, kind: str, row_id: int) -> list[tuple[str, int]]:
    """``(kind, id)`` of every row that uses this one (not counting the parts it owns)."""
    table = _table(kind)
    _require(case, table, kind, row_id)
    out = []
    for ref in _REFERENCES:
        if ref.parent == table and ref.mode != "owned":
            for r in case.rows(f"SELECT id FROM [{ref.child}] WHERE [{ref.column}] = ? "
                               "ORDER BY id", (row_id,)):
                if not (ref.child == table and r[0] == row_id):
                    out.append((_KIND_OF[ref.child], r[0]))
    # Findings that would lose a citation are users too, one level further down.
    if table in ("documents", "excerpts", "statements", "actors"):
        out.extend(("finding", f) for f in _findings_through(case, table, row_id))
    return out


def delete(case: Case, kind: str, row_id: int, *, cascade: bool = False) -> Changes:
    """Delete one row; refused with :class:`InUseError` while it is used, unless ``cascade``."""
    table = _table(kind)
    _require(case, table, kind, row_id)
    used_by = users(case, kind, row_id)
    if used_by and not cascade:
        raise InUseError(f"{kind} {row_id} is used by {describe(used_by)}; "
                         "delete with --cascade to remove or unlink those too", used_by)
    with case.action(f"Delete {kind}") as act:
        act.row_id = row_id
        _delete(case, act, table, row_id)
    return act.changes


def _delete(case: Case, act: Action, table: str, row_id: int) -> None:
    for ref in _REFERENCES:
        if ref.parent != table:
            continue
        pk = _PK.get(ref.child, "id")
        for r in case.rows(f"SELECT [{pk}] FROM [{ref.child}] WHERE [{ref.column}] = ?",
                           (row_id,)):
            if ref.mode == "soft":
                act.update(ref.child, r[0], {ref.column: None})
            elif ref.child == "citations":
                finding_id = case.row("SELECT finding_id FROM citations WHERE id = ?",
                                      (r[0],))[0]
                act.delete("citations", r[0])
                _renumber(case, act, finding_id)
            else:
                _delete(case, act, ref.child, r[0])
    kind = _KIND_OF.get(table)
    if kind in ("document", "excerpt", "actor", "statement", "claim", "finding"):
        for r in case.rows("SELECT id FROM taggings WHERE target_kind = ? AND target_id = ?",
                           (kind, row_id)):
            act.delete("taggings", r[0])
    if table == "documents":
        sha = case.row("SELECT sha256 FROM documents WHERE id = ?", (row_id,))[0]
        act.delete("documents", row_id)
        act.delete("blobs", sha, pk="sha256")
    else:
        act.delete(table, row_id, pk=_PK.get(table, "id"))


def _renumber(case: Case, act: Action, finding_id: int) -> None:
    rows = case.rows("SELECT id FROM citations WHERE finding_id = ? ORDER BY position, id",
                     (finding_id,))
    for n, r in enumerate(rows, start=1):
        act.update("citations", r[0], {"position": n})
    act.touch("findings", finding_id)


def _findings_through(case: Case, table: str, row_id: int) -> list[int]:
    if table == "excerpts":
        where, params = "c.excerpt_id = ?", (row_id,)
    elif table == "statements":
        where, params = "c.statement_id = ?", (row_id,)
    elif table == "documents":
        where = ("c.excerpt_id IN (SELECT id FROM excerpts WHERE document_id = ?)")
        params = (row_id,)
    else:  # actors: through their statements
        where = "c.statement_id IN (SELECT id FROM statements WHERE actor_id = ?)"
        params = (row_id,)
    return [r[0] for r in case.rows(
        f"SELECT DISTINCT c.finding_id FROM citations c WHERE {where} ORDER BY 1", params)]


def describe(used_by: list[tuple[str, int]]) -> str:
    """"2 evidence links (4, 5), 1 finding (2)": what :func:`users` found, in words."""
    counts: dict[str, list[int]] = {}
    for kind, i in used_by:
        counts.setdefault(kind, []).append(i)
    parts = []
    for kind, ids in counts.items():
        kind = _NOUN.get(kind, kind)
        plural = kind if len(ids) == 1 else (kind + "es" if kind.endswith("s") else kind + "s")
        shown = ", ".join(str(i) for i in ids[:5]) + (", ..." if len(ids) > 5 else "")
        parts.append(f"{len(ids)} {plural} ({shown})")
    return ", ".join(parts)


def _table(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(f"cannot delete a {kind!r}; kinds: {', '.join(KINDS)}")
    return KINDS[kind]


def _require(case: Case, table: str, kind: str, row_id: int) -> None:
    if case.row(f"SELECT 1 FROM [{table}] WHERE id = ?", (row_id,)) is None:
        raise NotFound(kind, row_id)
