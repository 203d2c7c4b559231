"""The same report as Markdown with footnotes, and the verdicts as ClaimReview JSON-LD."""

from __future__ import annotations

import json
import re

from workbench.core import findings, snapshot
from workbench.core.casefile import Case
from workbench.report import render_claimreview, render_markdown
from workbench.report.markdown import md


def build(path, **kw) -> snapshot.ReportSnapshot:
    with Case.open(path) as case:
        return snapshot.build(case, date="2026-11-28", **kw)


def test_markdown_has_every_section_and_a_footnote_per_citation(publishable_path):
    snap = build(publishable_path)
    text = render_markdown(snap)
    for heading in ("## Findings", "## Claims checked and verdicts",
                    "## Responses", "## Sources"):
        assert heading in text
    marks = re.findall(r"\[\^(\d+)\](?!:)", text)
    notes = re.findall(r"^\[\^(\d+)\]: ", text, flags=re.M)
    assert marks == notes == [str(n.number) for n in snap.notes]
    for n in snap.notes:
        if n.source is not None:
            assert f"`{n.source.short_hash}`" in text
    for src in snap.sources:
        assert f"`{src.sha256}`" in text
    assert "**Verdict: Refuted**" in text
    assert "DRAFT" not in text


def test_markdown_escapes_user_text(publishable_path):
    with Case.open(publishable_path) as case:
        findings.add(case, title="# not a heading [link](http://x)", status="checked",
                     text="*stars* and <b>tags</b>", cite=[("statement", 1)])
    text = render_markdown(build(publishable_path))
    assert "### 4. \\# not a heading \\[link\\](http://x)" in text
    assert "\\*stars\\* and \\<b\\>tags\\</b\\>" in text
    assert md("a|b") == "a\\|b"


def test_markdown_draft_and_confidential(secret_path):
    path, secrets = secret_path
    text = render_markdown(build(path, draft=True))
    assert "**DRAFT" in text
    for secret in secrets.all():
        assert md(secret).lower() not in text.lower() and secret.lower() not in text.lower()
    assert "Confidential source 1" in text


def test_claimreview_for_each_claim_with_a_verdict(publishable_path):
    snap = build(publishable_path, byline="Fictional Desk", publisher="Harbour Ledger",
                 url="https://ledger.example/plates")
    doc = json.loads(render_claimreview(snap))
    assert doc["@context"] == "https://schema.org"
    reviews = doc["@graph"]
    assert len(reviews) == 4 == sum(1 for c in snap.claims if c.has_verdict)
    by_text = {r["claimReviewed"]: r for r in reviews}
    brookfield = by_text["Brookfield Police Department shares licence-plate scans with OFBA."]
    assert brookfield["@type"] == "ClaimReview"
    assert brookfield["reviewRating"]["ratingValue"] == 1
    assert brookfield["reviewRating"]["alternateName"] == "Refuted"
    # the publishing organisation, not the byline; and where the review is published
    assert brookfield["author"] == {"@type": "Organization", "name": "Harbour Ledger",
                                    "url": "https://ledger.example/"}
    assert brookfield["url"].startswith("https://ledger.example/plates#claim-")
    assert brookfield["datePublished"] == "2026-11-28"
    assert brookfield["reviewBody"].startswith("The vendor's network report")
    assert brookfield["itemReviewed"]["appearance"]["name"].startswith("PlateStream customer")
    mixed = [r for r in reviews if r["reviewRating"]["alternateName"] == "Mixed"]
    assert mixed[0]["reviewRating"]["ratingValue"] == 3


def test_citation_marks_in_finding_text_become_footnotes(publishable_path):
    with Case.open(publishable_path) as case:
        second = findings.list_all(case)[1]
        findings.update(case, second.id, text="An agent asked for a plate search [1], "
                        "which OFBA did not address [2]. See also [9].")
    snap = build(publishable_path)
    f = snap.findings[1]
    first, last = f.notes[0].number, f.notes[1].number
    text = render_markdown(snap)
    assert (f"An agent asked for a plate search[^{first}], which OFBA did not address"
            f"[^{last}]. See also \\[9\\]." in text)
    assert f.unmarked_notes == ()
    # every note is printed once as a footnote
    assert text.count(f"[^{first}]:") == 1
