"""Claims under verification, the evidence linked to them, and their verdicts.

Verdicts are kept as a history: setting one appends a row, and the newest row is the
claim's current verdict, so the trail that led to a decision is never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.core import validate
from workbench.core.casefile import Case, utcnow
from workbench.core.changes import Changes
from workbench.core.errors import NotFound, ValidationError
from workbench.core.schema import RELATIONS, VERDICT_STATUSES


@dataclass(frozen=True)
class Claim:
    id: int
    text: str
    origin_excerpt_id: int | None
    origin_document_id: int | None
    origin_note: str | None
    created_at: str
    actor_ids: tuple[int, ...]


@dataclass(frozen=True)
class EvidenceLink:
    id: int
    claim_id: int
    excerpt_id: int | None
    statement_id: int | None
    relation: str
    note: str | None
    created_at: str

    @property
    def target(self) -> tuple[str, int]:
        if self.excerpt_id is not None:
            return ("excerpt", self.excerpt_id)
        return ("statement", self.statement_id)  # type: ignore[return-value]


@dataclass(frozen=True)
class Verdict:
    id: int | None
    claim_id: int
    status: str
    rationale: str | None
    decided_at: str | None


def _claim(case: Case, row, about: tuple[int, ...] | None = None) -> Claim:
    if about is None:
        about = tuple(r[0] for r in case.rows(
            "SELECT actor_id FROM claim_actors WHERE claim_id = ? ORDER BY id", (row["id"],)))
    return Claim(id=row["id"], text=row["text"], origin_excerpt_id=row["origin_excerpt_id"],
                 origin_document_id=row["origin_document_id"],
                 origin_note=row["origin_note"], created_at=row["created_at"],
                 actor_ids=about)


def add(case: Case, text: str, *, origin_excerpt_id: int | None = None,
        origin_document_id: int | None = None, origin_note: str | None = None,
        about: Iterable[int] = ()) -> Changes:
    text = validate.text(text, "the claim")
    validate.exists(case, "excerpts", origin_excerpt_id, "excerpt")
    validate.exists(case, "documents", origin_document_id, "document")
    if origin_excerpt_id is not None and origin_document_id is None:
        origin_document_id = case.row("SELECT document_id FROM excerpts WHERE id = ?",
                                      (origin_excerpt_id,))[0]
    about = list(dict.fromkeys(about))
    for actor_id in about:
        validate.exists(case, "actors", actor_id, "actor")
    with case.action("Add claim") as act:
        act.row_id = act.insert("claims", {
            "text": text, "origin_excerpt_id": origin_excerpt_id,
            "origin_document_id": origin_document_id,
            "origin_note": validate.optional_text(origin_note), "created_at": utcnow()})
        for actor_id in about:
            act.insert("claim_actors", {"claim_id": act.row_id, "actor_id": actor_id})
    return act.changes


def get(case: Case, claim_id: int) -> Claim:
    row = case.row("SELECT * FROM claims WHERE id = ?", (claim_id,))
    if row is None:
        raise NotFound("claim", claim_id)
    return _claim(case, row)


def list_all(case: Case, *, actor_id: int | None = None) -> list[Claim]:
    if actor_id is None:
        rows = case.rows("SELECT * FROM claims ORDER BY id")
    else:
        rows = case.rows("SELECT c.* FROM claims c JOIN claim_actors a ON a.claim_id = c.id "
                         "WHERE a.actor_id = ? ORDER BY c.id", (actor_id,))
    # Who each claim is about, in one query rather than one a claim.
    about: dict[int, list[int]] = {}
    for r in case.rows("SELECT claim_id, actor_id FROM claim_actors ORDER BY id"):
        about.setdefault(r[0], []).append(r[1])
    return [_claim(case, r, tuple(about.get(r["id"], ()))) for r in rows]


def update(case: Case, claim_id: int, *, text: str | None = None,
           origin_note: str | None = None) -> Changes:
    get(case, claim_id)
    clean: dict = {}
    if text is not None:
        clean["text"] = validate.text(text, "the claim")
    if origin_note is not None:
        clean["origin_note"] = validate.optional_text(origin_note)
    with case.action("Edit claim") as act:
        act.row_id = claim_id
        act.update("claims", claim_id, clean, kind="claim")
    return act.changes


def set_about(case: Case, claim_id: int, actor_ids: Iterable[int]) -> Changes:
    """Make the claim be about exactly ``actor_ids``."""
    claim = get(case, claim_id)
    wanted = list(dict.fromkeys(actor_ids))
    for actor_id in wanted:
        validate.exists(case, "actors", actor_id, "actor")
    with case.action("Change who a claim is about") as act:
        act.row_id = claim_id
        for actor_id in set(claim.actor_ids) - set(wanted):
            link = case.row("SELECT id FROM claim_actors WHERE claim_id = ? AND actor_id = ?",
                            (claim_id, actor_id))
            act.delete("claim_actors", link["id"])
        for actor_id in wanted:
            if actor_id not in claim.actor_ids:
                act.insert("claim_actors", {"claim_id": claim_id, "actor_id": actor_id})
        act.touch("claims", claim_id)
    return act.changes


# -- evidence ------------------------------------------------------------------------

def _link(row) -> EvidenceLink:
    return EvidenceLink(**{k: row[k] for k in EvidenceLink.__dataclass_fields__})


def add_evidence(case: Case, *, claim_id: int, relation: str, excerpt_id: int | None = None,
                 statement_id: int | None = None, note: str | None = None) -> Changes:
    """Link an excerpt or a statement (exactly one) to a claim as supports/contradicts/context."""
    get(case, claim_id)
    validate.one_of(relation, RELATIONS, "relation")
    if (excerpt_id is None) == (statement_id is None):
        raise ValidationError("evidence is either an excerpt or a statement (give one)")
    validate.exists(case, "excerpts", excerpt_id, "excerpt")
    validate.exists(case, "statements", statement_id, "statement")
    existing = case.row("SELECT id, relation FROM evidence WHERE claim_id = ? AND "
                        "excerpt_id IS ? AND statement_id IS ?",
                        (claim_id, excerpt_id, statement_id))
    if existing is not None:
        raise ValidationError(f"already linked to claim {claim_id} as {existing['relation']} "
                              f"(evidence {existing['id']})")
    with case.action("Link evidence") as act:
        act.row_id = act.insert("evidence", {
            "claim_id": claim_id, "excerpt_id": excerpt_id, "statement_id": statement_id,
            "relation": relation, "note": validate.optional_text(note),
            "created_at": utcnow()})
        act.touch("claims", claim_id)
    return act.changes


def get_evidence(case: Case, evidence_id: int) -> EvidenceLink:
    row = case.row("SELECT * FROM evidence WHERE id = ?", (evidence_id,))
    if row is None:
        raise NotFound("evidence", evidence_id)
    return _link(row)


def evidence(case: Case, claim_id: int | None = None) -> list[EvidenceLink]:
    if claim_id is None:
        return [_link(r) for r in case.rows("SELECT * FROM evidence ORDER BY claim_id, id")]
    get(case, claim_id)
    return [_link(r) for r in case.rows("SELECT * FROM evidence WHERE claim_id = ? ORDER BY id",
                                        (claim_id,))]


def update_evidence(case: Case, evidence_id: int, *, relation: str | None = None,
                    note: str | None = None) -> Changes:
    link = get_evidence(case, evidence_id)
    clean: dict = {}
    if relation is not None:
        clean["relation"] = validate.one_of(relation, RELATIONS, "relation")
    if note is not None:
        clean["note"] = validate.optional_text(note)
    with case.action("Edit evidence") as act:
        act.row_id = evidence_id
        if act.update("evidence", evidence_id, clean, kind="evidence"):
            act.touch("claims", link.claim_id)
    return act.changes


# -- verdicts ------------------------------------------------------------------------

def set_verdict(case: Case, *, claim_id: int, status: str, rationale: str | None,
                decided_at: str | None = None) -> Changes:
    """Record the claim's verdict. Every status but ``unverified`` needs a rationale."""
    get(case, claim_id)
    validate.one_of(status, VERDICT_STATUSES, "status")
    rationale = validate.optional_text(rationale)
    if status != "unverified" and not rationale:
        raise ValidationError(f"a verdict of {status} needs a written rationale")
    with case.action("Set verdict") as act:
        act.row_id = act.insert("verdicts", {"claim_id": claim_id, "status": status,
                                             "rationale": rationale,
                                             "decided_at": decided_at or utcnow()})
        act.touch("claims", claim_id)
    return act.changes


def verdict(case: Case, claim_id: int) -> Verdict:
    """The current verdict; ``unverified`` with no rationale when none was ever set."""
    row = case.row("SELECT * FROM verdicts WHERE claim_id = ? ORDER BY id DESC LIMIT 1",
                   (claim_id,))
    if row is None:
        get(case, claim_id)
        return Verdict(None, claim_id, "unverified", None, None)
    return Verdict(row["id"], claim_id, row["status"], row["rationale"], row["decided_at"])


def verdicts(case: Case) -> dict[int, Verdict]:
    """Claim id -> its current verdict, for every claim that has one (one query)."""
    return {r["claim_id"]: Verdict(r["id"], r["claim_id"], r["status"], r["rationale"],
                                   r["decided_at"])
            for r in case.rows("SELECT * FROM verdicts WHERE id IN "
                               "(SELECT max(id) FROM verdicts GROUP BY claim_id)")}


def verdict_history(case: Case, claim_id: int) -> list[Verdict]:
    get(case, claim_id)
    return [Verdict(r["id"], claim_id, r["status"], r["rationale"], r["decided_at"])
            for r in case.rows("SELECT * FROM verdicts WHERE claim_id = ? ORDER BY id",
                               (claim_id,))]


def remove_evidence(case: Case, evidence_id: int) -> Changes:
    """Unlink one piece of evidence from its claim (the excerpt or statement stays)."""
    link = get_evidence(case, evidence_id)
    with case.action("Unlink evidence") as act:
        act.row_id = evidence_id
        act.delete("evidence", evidence_id)
        act.touch("claims", link.claim_id)
    return act.changes
