"""The publication gate catches each kind of problem and says where to fix it."""

from __future__ import annotations

from workbench.core import actors, claims, documents, excerpts, findings, gate, statements
from tests.report.conftest import add_secrets, make_publishable


def kinds(case, **kw) -> list[str]:
    return [p.kind for p in gate.check(case, **kw)]


def test_the_sample_fails_only_because_its_third_finding_is_a_draft(sample_case):
    problems = gate.check(sample_case)
    assert [p.kind for p in problems] == ["draft"]
    third = findings.list_all(sample_case)[2]
    assert problems[0].subject == "finding" and problems[0].subject_id == third.id
    assert f"finding edit CASE {third.id} --status checked" in problems[0].fix
    make_publishable(sample_case)
    assert gate.check(sample_case) == []


def test_a_finding_without_a_citation(sample_case):
    make_publishable(sample_case)
    fid = findings.add(sample_case, title="Uncited", text="Nothing to back it.",
                       status="checked").id
    problems = gate.check(sample_case)
    assert [p.kind for p in problems] == ["no-citation"]
    assert problems[0].subject_id == fid and problems[0].where == f"finding {fid}"


def test_a_quote_that_no_longer_matches_its_anchor(sample_case):
    make_publishable(sample_case)
    ex = next(e for e in excerpts.list_all(sample_case) if e.quote.startswith("Data sharing"))
    page = documents.page(sample_case, ex.document_id, ex.page_no)
    # The page text changed under the anchor (a damaged or hand-edited case file).
    sample_case.conn.execute(
        "UPDATE pages SET text = ? WHERE document_id = ? AND page_no = ?",
        ("XX" + page.text, ex.document_id, ex.page_no))
    sample_case.conn.commit()
    problems = gate.check(sample_case)
    assert [p.kind for p in problems] == ["quote-mismatch"]
    assert problems[0].subject == "excerpt" and problems[0].subject_id == ex.id
    assert f"page {ex.page_no}" in problems[0].message


def test_a_claim_a_finding_relies_on_needs_a_verdict(sample_case):
    make_publishable(sample_case)
    agent_ask = next(e for e in excerpts.list_all(sample_case)
                     if e.quote.startswith("Could you run plate"))
    claim = claims.add(sample_case, "OFBA had no direct access to PlateStream.").id
    claims.add_evidence(sample_case, claim_id=claim, relation="context", excerpt_id=agent_ask.id)
    problems = gate.check(sample_case)
    assert [p.kind for p in problems] == ["no-verdict"]
    assert problems[0].subject_id == claim and "no verdict" in problems[0].message
    claims.set_verdict(sample_case, claim_id=claim, status="confirmed",
                       rationale="The agent says so in his own email.")
    assert gate.check(sample_case) == []


def test_a_claim_relied_on_through_the_excerpt_a_cited_statement_quotes(sample_case):
    make_publishable(sample_case)
    bpd_words = next(e for e in excerpts.list_all(sample_case)
                     if e.quote.startswith("The Brookfield Police Department does not"))
    claim = claims.add(sample_case, "Brookfield runs no cameras.").id
    claims.add_evidence(sample_case, claim_id=claim, relation="supports",
                        excerpt_id=bpd_words.id)
    problems = gate.check(sample_case)
    assert [p.kind for p in problems] == ["no-verdict"]
    assert "which quotes excerpt" in problems[0].message


def test_an_unrelated_claim_without_verdict_does_not_block(sample_case):
    make_publishable(sample_case)
    claims.add(sample_case, "Something nobody relies on.")
    assert gate.check(sample_case) == []


def test_an_actor_named_in_a_finding_needs_a_response_on_record(sample_case):
    make_publishable(sample_case)
    rta = actors.add(sample_case, name="Riverbend Transit Authority", type="agency",
                     aliases=["RTA"]).id
    first = findings.list_all(sample_case)[0]
    findings.update(sample_case, first.id, text=first.text + " The rta also buys scans.")
    problems = gate.check(sample_case)
    assert [p.kind for p in problems] == ["no-response"]
    assert problems[0].subject == "actor" and problems[0].subject_id == rta
    assert "--stance no-response --asked" in problems[0].fix
    statements.add(sample_case, actor_id=rta, stance="no-response", asked_on="2019-04-08")
    assert gate.check(sample_case) == []


def test_a_name_inside_another_word_is_not_a_mention(sample_case):
    make_publishable(sample_case)
    actors.add(sample_case, name="Orta", type="company")
    first = findings.list_all(sample_case)[0]
    findings.update(sample_case, first.id, text=first.text + " Portable units were seen.")
    assert gate.check(sample_case) == []


def test_confidential_material_the_report_would_reveal(sample_case):
    make_publishable(sample_case)
    secrets = add_secrets(sample_case)
    problems = [p for p in gate.check(sample_case) if p.kind == "confidential"]
    messages = " | ".join(p.message for p in problems)
    assert "name of confidential actor" in messages and secrets.actor_name in messages
    assert "file name of confidential document" in messages
    withheld = [p for p in problems if "not cleared" in p.message]
    assert len(withheld) == 2  # the uncleared quote and the source's own statement
    assert any("--cleared" in p.fix for p in withheld)
    assert {p.kind for p in gate.check(sample_case)} == {"confidential"}


def test_the_report_title_and_byline_are_checked_too(sample_case):
    make_publishable(sample_case)
    secrets = add_secrets(sample_case)
    problems = gate.check(sample_case, title=f"What {secrets.alias} told us",
                          byline="Staff")
    assert any(p.where == "report, title" for p in problems)


def test_a_draft_finding_blocks_a_final_report(sample_case):
    make_publishable(sample_case)
    first = findings.list_all(sample_case)[0]
    findings.update(sample_case, first.id, status="draft")
    assert kinds(sample_case) == ["draft"]


def test_problems_come_in_the_order_of_the_publishable_list(sample_case):
    fid = findings.add(sample_case, title="Uncited, about the RTA").id
    actors.add(sample_case, name="RTA", type="agency")
    got = kinds(sample_case)
    assert got == sorted(got, key=gate.KINDS.index)
    assert {"no-citation", "no-response", "draft"} <= set(got)
    assert fid


# -- source protection (workbench.core.redaction) ---------------------------------------

def test_redactor_scrubs_every_identifying_string_and_records_where(sample_case):
    from workbench.core.redaction import Redactor, Where
    secrets = add_secrets(sample_case)
    r = Redactor(sample_case)
    where = Where("finding", 1, "text")
    text = (f"{secrets.actor_name.upper()} wrote {secrets.file_name}; hash "
            f"{secrets.sha256[:16]}; {secrets.alias.replace(' ', '  ')} again.")
    out = r.scrub(text, where)
    for secret in (secrets.actor_name, secrets.file_name, secrets.sha256[:12], "informant"):
        assert secret.lower() not in out.lower()
    assert out.count("Confidential source") == 4
    assert {leak.what for leak in r.leaks} == {"name", "file name", "SHA-256", "alias"}
    assert all(leak.where == where for leak in r.leaks)
    assert r.scrub("in a quote: " + secrets.actor_name, where, quote=True).endswith(
        "[Confidential source 1]")


def test_an_origin_shared_with_open_documents_is_not_identifying(sample_case):
    from workbench.core.redaction import Redactor, Where
    r = Redactor(sample_case)  # the sample's confidential notes share "Reporting, 2019-04"
    assert r.scrub("Reporting, 2019-04", Where("report", None, "title")) == "Reporting, 2019-04"
    assert r.scrub("Source notes (confidential)", Where("report", None, "title")) == \
        "Confidential source 1"
