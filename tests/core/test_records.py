"""Every kind of record round-trips through the core API, with its rules enforced."""

from __future__ import annotations

import sqlite3

import pytest

from workbench.core import (actors, audit, claims, documents, excerpts, findings, statements,
                            tags)
from workbench.core.changes import Ref
from workbench.core.errors import NotFound, QuoteNotFound, ValidationError

PAGE_1 = ("The Brookfield Police Department does not own or operate any license plate\n"
          "reader cameras. We are a paying read-only customer.")
PAGE_2 = "Page two: Agency B, also called BPD, is listed as   sharing."


@pytest.fixture
def doc(case) -> int:
    return documents.add(case, data=b"original bytes \x00\x01", title="Statement",
                         kind="text", pages=[PAGE_1, PAGE_2], file_name="stmt.txt",
                         origin="Reporting", received="2019-04-03",
                         metadata={"encoding": "utf-8"}).id


def test_document_round_trip_with_bytes_pages_and_names(case, doc):
    d = documents.get(case, doc)
    assert (d.title, d.kind, d.origin, d.file_name, d.page_count) == (
        "Statement", "text", "Reporting", "stmt.txt", 2)
    assert d.metadata == {"encoding": "utf-8"}
    assert len(d.sha256) == 64 and d.short_hash == d.sha256[:12]
    assert documents.data(case, doc) == b"original bytes \x00\x01"
    assert [p.page_no for p in documents.pages(case, doc)] == [1, 2]
    assert documents.page(case, doc, 2).text == PAGE_2
    assert documents.names(case, doc)[0].file_name == "stmt.txt"
    with pytest.raises(ValidationError, match="no page 3"):
        documents.page(case, doc, 3)


def test_same_bytes_are_stored_once_and_refused_as_duplicate(case, doc):
    with pytest.raises(documents.DuplicateDocument) as info:
        documents.add(case, data=b"original bytes \x00\x01", title="Again", kind="text",
                      pages=["x"])
    assert info.value.document_id == doc
    documents.add_name(case, doc, file_name="copy.txt", source_path="b/copy.txt",
                       origin="Other")
    assert [n.file_name for n in documents.names(case, doc)] == ["stmt.txt", "copy.txt"]
    assert case.row("SELECT count(*) FROM blobs")[0] == 1


def test_email_headers_round_trip(case):
    headers = documents.EmailHeaders(from_addr="a@x.org", to_addrs="b@y.org", cc_addrs=None,
                                     date="2019-02-12T09:14:00-08:00", subject="plate",
                                     message_id="<m1@x>", in_reply_to="<m0@y>",
                                     references="<m0@y>", raw_headers="From: a@x.org\n")
    doc_id = documents.add(case, data=b"mail", title="Mail", kind="email", pages=["body"],
                           email=headers).id
    assert documents.email(case, doc_id) == headers


def test_document_edits_are_limited_to_its_description(case, doc):
    documents.update(case, doc, title="New title", confidential=True, origin="  ")
    d = documents.get(case, doc)
    assert (d.title, d.confidential, d.origin) == ("New title", True, None)
    with pytest.raises(ValidationError, match="sha256"):
        documents.update(case, doc, sha256="0" * 64)


def test_excerpt_is_anchored_where_the_quote_occurs(case, doc):
    quote = "does not own or operate any license plate reader cameras"
    ex = excerpts.get(case, excerpts.add(case, document_id=doc, page=1, quote=quote,
                                         note="denial").id)
    text = documents.page(case, doc, 1).text
    assert text[ex.start:ex.end].replace("\n", " ") == quote
    assert ex.quote == quote and ex.note == "denial"
    assert excerpts.verify(case, ex)


def test_excerpt_whose_quote_is_not_on_the_page_is_refused(case, doc):
    with pytest.raises(QuoteNotFound, match="does not occur on page 2"):
        excerpts.add(case, document_id=doc, page=2, quote="does not own or operate")
    with pytest.raises(QuoteNotFound):
        excerpts.add(case, document_id=doc, page=1, quote="the brookfield police department")
    with pytest.raises(ValidationError, match="no page 9"):
        excerpts.add(case, document_id=doc, page=9, quote="x")
    with pytest.raises(NotFound):
        excerpts.add(case, document_id=999, page=1, quote="x")
    assert excerpts.list_all(case) == []


def test_excerpt_from_a_selection_picks_the_selected_occurrence(case):
    text = "plate ABC-123 seen. Later, plate ABC-123 again."
    doc_id = documents.add(case, data=b"t", title="T", kind="text", pages=[text]).id
    second = text.rindex("plate ABC-123")
    ex = excerpts.get(case, excerpts.add_range(case, document_id=doc_id, page=1,
                                               start=second, end=second + 13).id)
    assert (ex.start, ex.end) == (second, second + 13)


def test_actor_with_aliases_and_parent(case):
    parent = actors.add(case, name="Meridian", type="company").id
    a = actors.add(case, name="PlateStream", type="company", aliases=["PS", "PS", "PlateStream"],
                   parent_id=parent).id
    got = actors.get(case, a)
    assert got.aliases == ("PS",) and got.parent_id == parent
    assert got.names == ("PlateStream", "PS")
    assert [x.id for x in actors.find(case, "ps")] == [a]
    actors.remove_alias(case, a, "PS")
    assert actors.get(case, a).aliases == ()
    with pytest.raises(ValidationError, match="own parent"):
        actors.update(case, parent, parent_id=a)
    with pytest.raises(ValidationError, match="type"):
        actors.add(case, name="X", type="robot")


def test_statements_need_their_words_or_the_date_asked(case, doc):
    actor = actors.add(case, name="Agency B", type="agency").id
    ex = excerpts.add(case, document_id=doc, page=1, quote="We are a paying read-only customer.").id
    s = statements.get(case, statements.add(case, actor_id=actor, stance="denies",
                                            excerpt_id=ex, speaker="D. W.", role="PIO",
                                            date="2019-04-03", channel="email").id)
    assert s.text == "We are a paying read-only customer." and s.document_id == doc
    assert s.is_denial
    silent = statements.add(case, actor_id=actor, stance="no-response", asked_on="2019-04-01")
    assert statements.get(case, silent.id).asked_on == "2019-04-01"
    with pytest.raises(ValidationError, match="date the actor was asked"):
        statements.add(case, actor_id=actor, stance="no-response")
    with pytest.raises(ValidationError, match="verbatim text"):
        statements.add(case, actor_id=actor, stance="confirms")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        statements.add(case, actor_id=actor, stance="declined", date="April 3")
    with pytest.raises(ValidationError, match="real date"):
        statements.add(case, actor_id=actor, stance="declined", date="2019-02-30")
    with pytest.raises(ValidationError, match="channel"):
        statements.add(case, actor_id=actor, stance="declined", channel="fax")
    assert [x.id for x in statements.list_all(case, actor_id=actor)] == [silent.id, s.id]


def test_claim_evidence_and_verdict_history(case, doc):
    actor = actors.add(case, name="Agency B", type="agency").id
    ex = excerpts.add(case, document_id=doc, page=2, quote="is listed as sharing").id
    st = statements.add(case, actor_id=actor, stance="denies", text="We share nothing.").id
    claim = claims.add(case, "Agency B shares plate data", origin_excerpt_id=ex,
                       about=[actor, actor]).id
    c = claims.get(case, claim)
    assert c.actor_ids == (actor,) and c.origin_document_id == doc
    claims.add_evidence(case, claim_id=claim, excerpt_id=ex, relation="supports")
    claims.add_evidence(case, claim_id=claim, statement_id=st, relation="contradicts",
                        note="denial")
    assert [e.relation for e in claims.evidence(case, claim)] == ["supports", "contradicts"]
    with pytest.raises(ValidationError, match="already linked"):
        claims.add_evidence(case, claim_id=claim, excerpt_id=ex, relation="context")
    with pytest.raises(ValidationError, match="either an excerpt or a statement"):
        claims.add_evidence(case, claim_id=claim, excerpt_id=ex, statement_id=st,
                            relation="context")
    assert claims.verdict(case, claim).status == "unverified"
    with pytest.raises(ValidationError, match="rationale"):
        claims.set_verdict(case, claim_id=claim, status="refuted", rationale=" ")
    claims.set_verdict(case, claim_id=claim, status="unresolved", rationale="Waiting.")
    claims.set_verdict(case, claim_id=claim, status="refuted", rationale="Account is read-only.")
    assert claims.verdict(case, claim).status == "refuted"
    assert [v.status for v in claims.verdict_history(case, claim)] == ["unresolved", "refuted"]


def test_finding_citations_keep_their_order(case, doc):
    actor = actors.add(case, name="Agency B", type="agency").id
    ex = excerpts.add(case, document_id=doc, page=1, quote="read-only customer").id
    st = statements.add(case, actor_id=actor, stance="declined").id
    f1 = findings.add(case, title="One", text="First.", cite=[("statement", st)]).id
    f2 = findings.add(case, title="Two", cite=[("excerpt", ex), ("statement", st)]).id
    findings.add_citation(case, f1, "excerpt", ex, position=1)
    assert [(c.kind, c.position) for c in findings.get(case, f1).citations] == [
        ("excerpt", 1), ("statement", 2)]
    findings.move(case, f2, 1)
    assert [f.id for f in findings.list_all(case)] == [f2, f1]
    findings.remove_citation(case, findings.get(case, f1).citations[0].id)
    assert [(c.kind, c.position) for c in findings.get(case, f1).citations] == [("statement", 1)]
    assert findings.parse_citation("excerpt:12") == ("excerpt", 12)
    for bad in ("excerpt", "quote:1", "excerpt:x"):
        with pytest.raises(ValidationError):
            findings.parse_citation(bad)
    with pytest.raises(NotFound):
        findings.add(case, title="Bad", cite=[("excerpt", 999)])
    findings.update(case, f1, status="ready", text="Changed.")
    assert findings.get(case, f1).status == "ready"


def test_tags_on_any_kind(case, doc):
    tags.add(case, "document", doc, "vendor")
    tags.add(case, "document", doc, "Vendor")  # same tag, any case
    actor = actors.add(case, name="A", type="agency").id
    tags.add(case, "actor", actor, "vendor")
    assert tags.of(case, "document", doc) == ["vendor"]
    assert tags.all_tags(case) == [("vendor", 2)]
    assert tags.tagged(case, "vendor") == [("actor", actor), ("document", doc)]
    tags.remove(case, "actor", actor, "vendor")
    assert tags.tagged(case, "vendor") == [("document", doc)]
    with pytest.raises(NotFound):
        tags.add(case, "claim", 42, "x")


def test_every_change_is_audited_with_before_and_after(case, doc):
    actor = actors.add(case, name="Agency B", type="agency").id
    actors.update(case, actor, name="Agency B (renamed)")
    entries = audit.entries(case, table="actors", row_id=actor)
    assert [e.operation for e in entries] == ["insert", "update"]
    assert entries[1].before == {"name": "Agency B"}
    assert entries[1].after == {"name": "Agency B (renamed)"}
    assert entries[1].action == "Edit actor"
    blob_entry = audit.entries(case, table="blobs")[0]
    assert blob_entry.after["data"] == {"bytes": 17}, "bytes are audited by size only"


def test_audit_log_is_append_only(case, doc):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with case.action("tamper"):
            case.conn.execute("UPDATE audit SET at = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with case.action("tamper"):
            case.conn.execute("DELETE FROM audit")


def test_mutations_report_what_they_changed(case, doc):
    heard = []
    case.add_listener(heard.append)
    changes = excerpts.add(case, document_id=doc, page=1, quote="read-only customer")
    assert changes.created == {Ref("excerpts", changes.id)}
    assert heard == [changes]
    assert changes.action_id is not None


def test_a_failed_action_leaves_nothing_behind(case, doc):
    before = case.revision
    heard = []
    case.add_listener(heard.append)
    with pytest.raises(RuntimeError):
        with case.action("Two steps"):
            actors.add(case, name="Half", type="agency")
            raise RuntimeError("interrupted")
    assert actors.list_all(case) == []
    assert case.revision == before and heard == []


def test_nested_failure_rolls_back_only_the_savepoint(case, doc):
    with case.action("Outer") as outer:
        actors.add(case, name="Kept", type="agency")
        with pytest.raises(ValidationError):
            with case.action("Inner"):
                actors.add(case, name="Dropped", type="agency")
                actors.add(case, name="", type="agency")
    assert [a.name for a in actors.list_all(case)] == ["Kept"]
    assert outer.changes.touched("actors") == {actors.list_all(case)[0].id}
    # Both adds were one user action in the audit log.
    assert len({e.action_id for e in audit.entries(case, table="actors")}) == 1
