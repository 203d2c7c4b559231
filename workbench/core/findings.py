"""Findings: publishable conclusions, in order, each citing excerpts and statements."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.core import validate
from workbench.core.casefile import Case, utcnow
from workbench.core.changes import Changes
from workbench.core.errors import NotFound, ValidationError
from workbench.core.schema import FINDING_STATUSES

CITABLE = ("excerpt", "statement")

#: A citation mark in a finding's text: ``[n]`` is the finding's citation at position n.
CITATION_MARK = re.compile(r"\[(\d{1,3})\]")


def marked_positions(text: str) -> list[int]:
    """The citation positions marked in ``text``, in order of appearance."""
    return [int(m.group(1)) for m in CITATION_MARK.finditer(text)]


@dataclass(frozen=True)
class Citation:
    id: int
    finding_id: int
    position: int
    kind: str  # excerpt | statement
    target_id: int


@dataclass(frozen=True)
class Finding:
    id: int
    title: str
    text: str
    position: int
    status: str
    created_at: str
    updated_at: str
    citations: tuple[Citation, ...]


def parse_citation(text: str) -> tuple[str, int]:
    """``"excerpt:3"`` -> ``("excerpt", 3)``; a clear error for anything else."""
    kind, sep, raw = text.partition(":")
    if not sep or kind not in CITABLE or not raw.strip().isdigit():
        raise ValidationError(f"a citation is excerpt:ID or statement:ID (got {text!r})")
    return kind, int(raw)


def _citations(case: Case, finding_id: int) -> tuple[Citation, ...]:
    return tuple(
        Citation(r["id"], finding_id, r["position"],
                 "excerpt" if r["excerpt_id"] is not None else "statement",
                 r["excerpt_id"] if r["excerpt_id"] is not None else r["statement_id"])
        for r in case.rows("SELECT * FROM citations WHERE finding_id = ? "
                           "ORDER BY position, id", (finding_id,)))


def _finding(case: Case, row) -> Finding:
    return Finding(id=row["id"], title=row["title"], text=row["text"],
                   position=row["position"], status=row["status"],
                   created_at=row["created_at"], updated_at=row["updated_at"],
                   citations=_citations(case, row["id"]))


def _check_target(case: Case, kind: str, target_id: int) -> None:
    if kind not in CITABLE:
        raise ValidationError(f"a finding cites an excerpt or a statement (got {kind!r})")
    validate.exists(case, f"{kind}s", target_id, kind)


def add(case: Case, *, title: str, text: str = "", status: str = "draft",
        cite: Iterable[tuple[str, int]] = ()) -> Changes:
    """Append a finding at the end of the report, with its citations in order."""
    title = validate.text(title, "the finding's title")
    validate.one_of(status, FINDING_STATUSES, "status")
    cite = list(cite)
    for kind, target_id in cite:
        _check_target(case, kind, target_id)
    position = (case.row("SELECT max(position) FROM findings")[0] or 0) + 1
    now = utcnow()
    with case.action("Add finding") as act:
        act.row_id = act.insert("findings", {"title": title, "text": (text or "").strip(),
                                             "position": position, "status": status,
                                             "created_at": now, "updated_at": now})
        for kind, target_id in cite:
            add_citation(case, act.row_id, kind, target_id)
    return act.changes


def get(case: Case, finding_id: int) -> Finding:
    row = case.row("SELECT * FROM findings WHERE id = ?", (finding_id,))
    if row is None:
        raise NotFound("finding", finding_id)
    return _finding(case, row)


def list_all(case: Case) -> list[Finding]:
    return [_finding(case, r) for r in case.rows("SELECT * FROM findings ORDER BY position, id")]


def update(case: Case, finding_id: int, **values) -> Changes:
    """Edit ``title``, ``text`` or ``status``."""
    unknown = set(values) - {"title", "text", "status"}
    if unknown:
        raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of a finding")
    get(case, finding_id)
    clean: dict = {}
    if "title" in values:
        clean["title"] = validate.text(values["title"], "the finding's title")
    if "text" in values:
        clean["text"] = (values["text"] or "").strip()
    if "status" in values:
        clean["status"] = validate.one_of(values["status"], FINDING_STATUSES, "status")
    with case.action("Edit finding") as act:
        act.row_id = finding_id
        if act.update("findings", finding_id, clean, kind="finding"):
            act.update("findings", finding_id, {"updated_at": utcnow()})
    return act.changes


def add_citation(case: Case, finding_id: int, kind: str, target_id: int,
                 position: int | None = None) -> Changes:
    """Cite an excerpt or statement; at the end, or before the citation at ``position``."""
    finding = get(case, finding_id)
    _check_target(case, kind, target_id)
    count = len(finding.citations)
    position = count + 1 if position is None else max(1, min(position, count + 1))
    with case.action("Add citation") as act:
        for c in finding.citations:
            if c.position >= position:
                act.update("citations", c.id, {"position": c.position + 1})
        act.row_id = act.insert("citations", {
            "finding_id": finding_id, "position": position,
            "excerpt_id": target_id if kind == "excerpt" else None,
            "statement_id": target_id if kind == "statement" else None})
        act.touch("findings", finding_id)
    return act.changes


def remove_citation(case: Case, citation_id: int) -> Changes:
    row = case.row("SELECT finding_id FROM citations WHERE id = ?", (citation_id,))
    if row is None:
        raise NotFound("citation", citation_id)
    with case.action("Remove citation") as act:
        act.row_id = citation_id
        act.delete("citations", citation_id)
        for n, c in enumerate(_citations(case, row["finding_id"]), start=1):
            act.update("citations", c.id, {"position": n})
        act.touch("findings", row["finding_id"])
    return act.changes


def move(case: Case, finding_id: int, position: int) -> Changes:
    """Put a finding at ``position`` (1-based) in the report's order."""
    get(case, finding_id)
    order = [f.id for f in list_all(case) if f.id != finding_id]
    position = max(1, min(position, len(order) + 1))
    order.insert(position - 1, finding_id)
    with case.action("Reorder findings") as act:
        act.row_id = finding_id
        for n, fid in enumerate(order, start=1):
            act.update("findings", fid, {"position": n})
    return act.changes
