"""Deleting what is still used is refused, unless asked to cascade."""

from __future__ import annotations

import pytest

from workbench.core import (actors, claims, deletion, documents, excerpts, findings,
                            statements, tags)
from workbench.core.errors import InUseError, NotFound, ValidationError


def _doc_with_excerpt(case):
    doc_id = documents.add(case, data=b"d", title="D", kind="text",
                           pages=["Agency B shares plate data."]).id
    ex = excerpts.add(case, document_id=doc_id, page=1, quote="shares plate data").id
    return doc_id, ex


def test_unused_document_is_deleted_with_its_bytes_and_pages(case):
    doc_id = documents.add(case, data=b"alone", title="A", kind="text", pages=["x", "y"]).id
    changes = deletion.delete(case, "document", doc_id)
    assert changes.summary()["pages"] == {"deleted": 2}
    assert case.row("SELECT count(*) FROM blobs")[0] == 0
    with pytest.raises(NotFound):
        documents.get(case, doc_id)


def test_document_in_use_is_refused_and_left_whole(case):
    doc_id, ex = _doc_with_excerpt(case)
    claim = claims.add(case, "B shares", origin_excerpt_id=ex).id
    finding = findings.add(case, title="F", cite=[("excerpt", ex)]).id
    with pytest.raises(InUseError) as info:
        deletion.delete(case, "document", doc_id)
    message = str(info.value)
    assert "1 excerpt (1)" in message and "1 claim" in message and "1 finding" in message
    assert "--cascade" in message
    assert documents.get(case, doc_id).page_count == 1
    assert excerpts.get(case, ex) and claims.get(case, claim) and findings.get(case, finding)


def test_cascade_deletes_dependents_and_unlinks_references(case):
    doc_id, ex = _doc_with_excerpt(case)
    actor = actors.add(case, name="Agency B", type="agency").id
    st = statements.add(case, actor_id=actor, stance="denies", text="No.", excerpt_id=ex).id
    claim = claims.add(case, "B shares", origin_excerpt_id=ex).id
    claims.add_evidence(case, claim_id=claim, excerpt_id=ex, relation="supports")
    claims.add_evidence(case, claim_id=claim, statement_id=st, relation="contradicts")
    finding = findings.add(case, title="F", cite=[("excerpt", ex), ("statement", st)]).id
    tags.add(case, "excerpt", ex, "key")
    changes = deletion.delete(case, "document", doc_id, cascade=True)
    summary = changes.summary()
    assert summary["excerpts"] == {"deleted": 1}
    assert summary["evidence"] == {"deleted": 1}
    assert summary["taggings"] == {"deleted": 1}
    # What only pointed at the document survives, unlinked.
    assert claims.get(case, claim).origin_excerpt_id is None
    assert claims.get(case, claim).origin_document_id is None
    s = statements.get(case, st)
    assert s.excerpt_id is None and s.document_id is None and s.text == "No."
    cites = findings.get(case, finding).citations
    assert [(c.kind, c.target_id, c.position) for c in cites] == [("statement", st, 1)]
    assert case.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_actor_cascade_removes_its_statements_and_their_citations(case):
    actor = actors.add(case, name="Agency B", type="agency", aliases=["BPD"]).id
    child = actors.add(case, name="Unit", type="agency", parent_id=actor).id
    st = statements.add(case, actor_id=actor, stance="declined").id
    claim = claims.add(case, "B shares", about=[actor]).id
    finding = findings.add(case, title="F", cite=[("statement", st)]).id
    with pytest.raises(InUseError, match="statement"):
        deletion.delete(case, "actor", actor)
    deletion.delete(case, "actor", actor, cascade=True)
    assert statements.list_all(case) == []
    assert findings.get(case, finding).citations == ()
    assert claims.get(case, claim).actor_ids == ()
    assert actors.get(case, child).parent_id is None


def test_claims_and_findings_take_their_own_parts_with_them(case):
    doc_id, ex = _doc_with_excerpt(case)
    claim = claims.add(case, "B shares").id
    claims.add_evidence(case, claim_id=claim, excerpt_id=ex, relation="supports")
    claims.set_verdict(case, claim_id=claim, status="confirmed", rationale="Seen.")
    deletion.delete(case, "claim", claim)
    assert case.row("SELECT count(*) FROM verdicts")[0] == 0
    finding = findings.add(case, title="F", cite=[("excerpt", ex)]).id
    deletion.delete(case, "finding", finding)
    assert excerpts.get(case, ex)  # the cited excerpt stays


def test_unknown_kind_and_id(case):
    with pytest.raises(ValidationError, match="cannot delete"):
        deletion.delete(case, "page", 1)
    with pytest.raises(NotFound):
        deletion.delete(case, "claim", 5)
