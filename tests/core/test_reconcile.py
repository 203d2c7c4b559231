"""Reconciliation: each claim's evidence on every side, contradictions, actor dossiers."""

from __future__ import annotations

from workbench.core import actors, claims, documents, findings, reconcile


def _claim_id(case, start: str) -> int:
    return next(c.id for c in claims.list_all(case) if c.text.startswith(start))


def test_sample_contradictions_are_the_claims_with_evidence_on_both_sides(sample_case):
    contested = reconcile.contradictions(sample_case)
    texts = [r.claim.text for r in contested]
    assert len(contested) == 3
    assert not any(t.startswith("Alder Creek") for t in texts)  # evidence on one side only
    for r in contested:
        assert r.supports and r.contradicts
        assert r.contested and r.resolved


def test_a_claim_is_laid_out_by_relation_with_its_verdict(sample_case):
    r = reconcile.reconcile(sample_case, _claim_id(sample_case, "Cedar Falls"))
    assert [i.kind for i in r.supports] == ["excerpt"]
    assert [i.kind for i in r.contradicts] == ["statement"]
    assert sorted(i.kind for i in r.context) == ["excerpt", "statement"]
    assert r.verdict.status == "mixed" and r.verdict.rationale
    excerpt = r.supports[0]
    assert excerpt.document_title.startswith("PlateStream customer network report")
    assert excerpt.page_no == 1 and "Cedar Falls Police Department" in excerpt.text
    said = r.contradicts[0]
    assert said.actor_name == "Cedar Falls Police Department"
    assert said.stance == "disputes" and said.date == "2019-04-03"
    assert said.note == "Cedar Falls says it has no cameras."
    assert "disputes" in said.label


def test_a_claim_without_opposing_evidence_is_no_contradiction(case):
    claim = claims.add(case, "Nothing supports or contradicts this.").id
    r = reconcile.reconcile(case, claim)
    assert not r.contested and not r.resolved
    assert r.verdict.status == "unverified"
    assert reconcile.contradictions(case) == []


def test_dossier_puts_the_record_beside_the_actors_words(sample_case):
    bpd = actors.find(sample_case, "BPD")[0]
    d = reconcile.dossier(sample_case, bpd.id)
    assert d.actor.name == "Brookfield Police Department"
    assert [s.stance for s in d.statements] == ["denies"]
    assert [r.claim.text for r in d.claims] == [
        "Brookfield Police Department shares licence-plate scans with OFBA."]
    titles = {m.document_title for m in d.mentions}
    assert "Email: Brookfield PD statement" in titles
    assert "PlateStream account configuration export" in titles
    assert all(m.count >= 1 and m.snippet for m in d.mentions)


def test_dossier_of_a_company_shows_its_parent(sample_case):
    platestream = actors.find(sample_case, "PlateStream")[0]
    d = reconcile.dossier(sample_case, platestream.id)
    assert d.parent is not None and d.parent.name == "Meridian Vantage Holdings"
    assert [s.stance for s in d.statements] == ["declined"]


def test_scanning_pages_matches_whole_names_ignoring_case(case):
    text = ("The bpd said so. BPDX is another thing. Dunmore County Sheriff’s  Office "
            "replied.\nNobody else.")
    documents.add(case, data=b"x1", title="Notes", kind="text", pages=[text, "BPD again"])
    hits = reconcile.scan_mentions(case, ["BPD"])
    assert [(m.page_no, m.count) for m in hits] == [(1, 1), (2, 1)]
    sheriff = reconcile.scan_mentions(case, ["Dunmore County Sheriff's Office"])
    assert [m.page_no for m in sheriff] == [1]
    assert "Sheriff’s" in sheriff[0].snippet


def test_name_pattern_uses_word_boundaries():
    pattern = reconcile.name_pattern(["OFBA", "Office of Federal Border Analytics"])
    assert pattern.search("said ofba on Monday")
    assert pattern.search("the Office of Federal\nBorder Analytics")
    assert not pattern.search("OFBAS and NOFBA")
    assert reconcile.name_pattern(["", "  "]) is None


def test_what_findings_rely_on(sample_case):
    rows = findings.list_all(sample_case)
    first = reconcile.claims_relied_on(sample_case, rows[0])
    assert set(first) == {_claim_id(sample_case, "Brookfield"),
                          _claim_id(sample_case, "Cedar Falls")}
    third = reconcile.claims_relied_on(sample_case, rows[2])
    assert third == {}  # a refusal to comment and a no-response bear on no claim
    named = reconcile.actors_named(sample_case, rows)
    meridian = actors.find(sample_case, "Meridian Vantage Holdings")[0]
    dunmore = actors.find(sample_case, "the county sheriff")[0]
    assert named[meridian.id] == [rows[2].id]
    assert named[dunmore.id] == [rows[0].id]  # by its alias "the county sheriff"


def test_a_dossier_reads_the_index_it_is_given_and_never_writes_it(sample_case):
    """Core reads never write: a lagging index is left alone and the pages are scanned."""
    from workbench.core import search
    from workbench.core.casefile import Case
    from workbench.core.search.store import CaseIndex

    bpd = actors.find(sample_case, "BPD")[0]
    index = search.open_index(sample_case)  # built and in step: the command line's way
    indexed = reconcile.dossier(sample_case, bpd.id, index=index)
    scanned = reconcile.dossier(sample_case, bpd.id)
    assert [(m.document_id, m.page_no) for m in indexed.mentions] == \
        [(m.document_id, m.page_no) for m in scanned.mentions]
    search.close_index(sample_case)

    with Case.open(sample_case.path) as other:  # another program writes; nobody indexes
        new = documents.add(other, data=b"late", title="Late note", kind="text",
                            pages=["BPD wrote again."]).id
    before = {p.name: p.stat().st_mtime_ns for p in index.directory.iterdir()}
    with Case.open(sample_case.path, read_only=True) as reader:
        view = CaseIndex(reader)
        d = reconcile.dossier(reader, bpd.id, index=view)
        assert not view.check().fresh  # still lagging: the dossier did not repair it
        view.close()
    assert new in {m.document_id for m in d.mentions}  # found by scanning the pages
    assert {p.name: p.stat().st_mtime_ns for p in index.directory.iterdir()} == before
