"""Quotes with typographic equivalence, statements quoted as recorded, and the right of
reply with "no response needed" (issue 14, points 2, 4, 5)."""

from __future__ import annotations

import pytest

from workbench.core import actors, anchors, documents, excerpts, findings, gate, snapshot
from workbench.core import statements
from workbench.core.errors import QuoteNotFound, ValidationError

PAGE1 = "Cover letter.\nNothing to see here."
PAGE2 = ("Ventura PD spokesman Cmdr. Tom Higgins said that \u201cwe don\u2019t have any "
         "memorandum\u00a0of understanding \u2014 none\u2026\u201d and added nothing.")


@pytest.fixture
def doc(case):
    return documents.add(case, data=b"two pages", title="Ventura reply", kind="text",
                         pages=[PAGE1, PAGE2]).id


def test_typographic_variants_match_and_the_source_s_characters_are_stored(case, doc):
    typed = '"we don\'t have any memorandum of understanding - none..."'
    ex = excerpts.get(case, excerpts.add(case, document_id=doc, page=2, quote=typed).id)
    assert ex.quote == ("\u201cwe don\u2019t have any memorandum of understanding \u2014 "
                        "none\u2026\u201d")
    assert PAGE2[ex.start:ex.end].replace("\u00a0", " ") == ex.quote
    assert excerpts.verify(case, ex)
    for plain, fancy in (("'", "\u2018"), ("'", "\u02bc"), ('"', "\u201c"), ("-", "\u2013")):
        assert anchors.equivalent(fancy) == plain
    # nothing else is forgiven: case, other punctuation, spelling
    for wrong in ("We don't have any", "we dont have any", "we don't have any memoranda",
                  "we don't have any memorandum, of"):
        with pytest.raises(QuoteNotFound):
            excerpts.add(case, document_id=doc, page=2, quote=wrong)


def test_a_quote_on_another_page_says_where(case, doc):
    with pytest.raises(QuoteNotFound, match=r"occurs on page 2 instead \(--page 2\)"):
        excerpts.add(case, document_id=doc, page=1, quote="we don't have any memorandum")
    with pytest.raises(QuoteNotFound) as info:
        excerpts.add(case, document_id=doc, page=1, quote="not anywhere at all")
    assert "instead" not in str(info.value)


def test_the_cli_accepts_a_straight_apostrophe_for_a_curly_one(case_path, tmp_path, run_cli):
    from workbench.core.casefile import Case
    with Case.open(case_path) as case:
        doc_id = documents.add(case, data=b"x", title="Memo", kind="text",
                               pages=[PAGE1, PAGE2]).id
    ok = run_cli("excerpt", "add", case_path, "--doc", doc_id, "--page", 2, "--quote",
                 "we don't have any [memorandum")
    assert ok.exit_code == 1  # "[" is not in the source: refused
    ok = run_cli("excerpt", "add", case_path, "--doc", doc_id, "--page", 1, "--quote",
                 "we don't have any memorandum")
    assert ok.exit_code == 1 and "occurs on page 2 instead" in ok.output
    ok = run_cli("excerpt", "add", case_path, "--doc", doc_id, "--page", 2, "--quote",
                 "we don't have any memorandum")
    assert ok.exit_code == 0, ok.output


def _agency_with_statement(case, doc, text):
    agency = actors.add(case, name="Ventura Police Department", type="agency",
                        aliases=["Ventura PD"]).id
    ex = excerpts.add(case, document_id=doc, page=2,
                      quote="Ventura PD spokesman Cmdr. Tom Higgins said that "
                            "\u201cwe don\u2019t have any memorandum").id
    st = statements.add(case, actor_id=agency, stance="denies", speaker="Cmdr. Tom Higgins",
                        role="spokesman", channel="email", date="2024-03-01", text=text,
                        excerpt_id=ex).id
    findings.add(case, title="Ventura PD denies a memorandum", status="checked",
                 text="Ventura PD says it has none.", cite=[("statement", st)])
    return agency, ex, st


def test_the_report_quotes_the_statement_not_the_narration_around_it(case, doc):
    _agency, _ex, _st = _agency_with_statement(case, doc, "we don't have any memorandum")
    snap = snapshot.build(case)
    note = snap.findings[0].notes[0]
    assert note.quote == "we don't have any memorandum"
    said = [r.text for a in snap.responses for r in a.responses]
    assert said == ["we don't have any memorandum"]
    assert not [p for p in gate.check(case) if p.kind == "quote-mismatch"]


def test_the_gate_reports_a_statement_its_excerpt_does_not_record(case, doc):
    _agency, ex, st = _agency_with_statement(
        case, doc, "We have no memorandum and never had one.")
    problems = [p for p in gate.check(case) if p.kind == "quote-mismatch"]
    assert len(problems) == 1
    assert f"statement {st}'s words do not occur in excerpt {ex}" in problems[0].message
    statements.update(case, st, text="we don\u2019t have any memorandum")
    assert not [p for p in gate.check(case) if p.kind == "quote-mismatch"]


def test_no_response_needed_satisfies_the_gate_and_is_printed(case, doc, run_cli, case_path):
    vendor = actors.add(case, name="PlateStream LLC", type="company",
                        aliases=["PlateStream"]).id
    ex = excerpts.add(case, document_id=doc, page=1, quote="Nothing to see here.").id
    findings.add(case, title="PlateStream's list", status="checked",
                 text="PlateStream's own list names the agencies.", cite=[("excerpt", ex)])
    assert [p.subject_id for p in gate.check(case) if p.kind == "no-response"] == [vendor]
    with pytest.raises(ValidationError):
        statements.set_not_needed(case, vendor, "  ")
    statements.set_not_needed(case, vendor, "The vendor is the source of the list, "
                                            "not a subject of the findings.")
    assert not [p for p in gate.check(case) if p.kind == "no-response"]
    snap = snapshot.build(case)
    entry = [a for a in snap.responses if a.name == "PlateStream LLC"][0]
    assert entry.on_record and entry.not_needed.startswith("The vendor is the source")
    statements.set_not_needed(case, vendor, None)
    assert [p.subject_id for p in gate.check(case) if p.kind == "no-response"] == [vendor]


def test_no_response_needed_from_the_command_line(sample_path, run_cli):
    result = run_cli("actor", "no-response-needed", sample_path, "1", "--reason",
                     "A source of the records, not a subject.")
    assert result.exit_code == 0 and "no response needed" in result.output
    assert run_cli("actor", "no-response-needed", sample_path, "1").exit_code == 2
    assert run_cli("actor", "no-response-needed", sample_path, "1", "--clear").exit_code == 0


def test_one_entry_per_actor_and_roles_not_repeated(case, doc):
    agency = actors.add(case, name="Oxnard Police Department", type="agency").id
    for day in ("2024-03-01", "2024-03-02"):
        statements.add(case, actor_id=agency, stance="denies", speaker="spokesperson",
                       role="spokesperson", date=day, channel="email",
                       text=f"No sharing ({day}).")
    snap = snapshot.build(case)
    entries = [a for a in snap.responses if a.name == "Oxnard Police Department"]
    assert len(entries) == 1 and len(entries[0].responses) == 2
    assert all(r.role is None and r.speaker == "spokesperson" for r in entries[0].responses)


def test_a_confirmation_listed_against_a_claim_says_why(case, doc):
    from workbench.core import claims
    agency = actors.add(case, name="Camarillo Police Department", type="agency").id
    st = statements.add(case, actor_id=agency, stance="confirms", channel="email",
                        date="2024-02-04", text="We run 34 cameras of our own.").id
    claim = claims.add(case, "Camarillo runs no cameras.").id
    claims.add_evidence(case, claim_id=claim, relation="contradicts", statement_id=st)
    label = snapshot.build(case).claims[0].contradicts[0].label
    assert "confirms (what it confirms is evidence against this claim)" in label


def test_statement_edit_from_the_command_line(case_path, run_cli):
    from workbench.core.casefile import Case
    with Case.open(case_path) as case:
        agency = actors.add(case, name="Oxnard Police Department", type="agency").id
        st = statements.add(case, actor_id=agency, stance="denies", text="No.").id
    assert run_cli("statement", "edit", case_path, st).exit_code == 2
    result = run_cli("statement", "edit", case_path, st, "--text", "We share nothing.")
    assert result.exit_code == 0
    with Case.open(case_path) as case:
        assert statements.get(case, st).text == "We share nothing."


def test_a_finding_s_quotation_marks_hold_only_recorded_words(case, doc):
    _agency, _ex, st = _agency_with_statement(case, doc, "we don't have any memorandum")
    f = findings.list_all(case)[0]

    def mismatches():
        return [p for p in gate.check(case) if p.kind == "quote-mismatch"]

    findings.update(case, f.id, text="Higgins said \u201cwe don\u2019t have any "
                                      "memorandum\u201d [1].")
    assert mismatches() == []
    findings.update(case, f.id, text='Higgins said "we don\'t [...] memorandum" [1], '
                                      'a "scare quote" aside.')
    assert mismatches() == []
    findings.update(case, f.id, text="\u201cVentura PD spokesman Cmdr. Tom Higgins said "
                                      "that\u201d it has none [1].")
    problems = mismatches()
    assert len(problems) == 1 and f"finding {f.id}'s text puts" in problems[0].message


def test_a_statement_whose_words_narrate_who_said_them_is_reported(case, doc):
    agency, ex, st = _agency_with_statement(case, doc, "we don't have any memorandum")
    narrated = ("Ventura PD spokesman Cmdr. Tom Higgins said that \u201cwe don\u2019t "
                "have any memorandum")
    statements.update(case, st, text=narrated)  # what add() stores from the excerpt alone
    problems = [p for p in gate.check(case) if p.kind == "quote-mismatch"]
    assert len(problems) == 1 and "read as the reporter's narration" in problems[0].message
    for words in ("Higgins told us they have none.", "We have none, according to "
                  "Cmdr. Tom Higgins.", "A Ventura PD spokeswoman wrote that it has none."):
        statements.update(case, st, text=words)
        assert any("narration" in p.message for p in gate.check(case)), words
    statements.update(case, st, text="we don't have any memorandum")
    assert not [p for p in gate.check(case) if p.kind == "quote-mismatch"]


def test_narration_is_never_printed_in_quotation_marks_even_in_a_draft(case, doc):
    from workbench.report import render_markdown
    _agency, _ex, st = _agency_with_statement(case, doc, "x")
    statements.update(case, st, text="Ventura PD spokesman Cmdr. Tom Higgins said that "
                                     "\u201cwe don\u2019t have any memorandum\u201d today.")
    snap = snapshot.build(case, draft=True)
    note = snap.findings[0].notes[0]
    assert note.quote == "we don\u2019t have any memorandum" and not note.narrated
    statements.update(case, st, text="Cmdr. Tom Higgins said the department has none.")
    snap = snapshot.build(case, draft=True)
    assert snap.findings[0].notes[0].narrated
    text = render_markdown(snap)
    assert "\u201cCmdr" not in text and "not the speaker\u2019s words): Cmdr. Tom Higgins" in text
