"""A case shaped like a real story (agencies' denials, a vendor, a federal agency, a
confidential tip and person), exported in every format through the command line and read
back: no confidential name in any form anywhere, every quotation attributed to a speaker
is the speaker's recorded words, every claim appears with its verdict, and the title
page's counts match the sections (issue 14)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

from workbench.core import actors, claims, documents, excerpts, findings, statements
from workbench.core.casefile import Case

VENDOR_LIST = (
    "PlateStream LLC \u2014 agencies sharing detections with OFBA (network report, 2023)\n"
    "Brookfield Police Department: sharing enabled\n"
    "Ventura Police Department: sharing enabled\n"
    "Camarillo Police Department: sharing enabled\n")
AGENT_MAIL = ("Detective, can you run plate 7ABC123 through your system for us and send me "
              "the hits? Thanks, Special Agent Dale Moreno, OFBA")
BPD_MAIL = ("We do not own any license plate readers. Brookfield is a read-only customer of "
            "PlateStream and cannot contribute data to anyone.")
VENTURA_NOTES = ("Ventura PD spokesman Cmdr. Tom Higgins said that \u201cwe don\u2019t have "
                 "any cameras of our own\u201d and that the department occasionally receives "
                 "data from the Dunmore County Sheriff\u2019s Office.")
TIP = ("Rosalind Okafor here. The ledger shows OFBA paid PlateStream for the Brookfield "
       "feed in 2022. Call me on 805-555-0147. I kept a copy of the transfer ledger.")

#: Every form of the confidential person and tip that must never reach an export.
SECRET_FORMS = ["Okafor", "Rosalind", "r.okafor", "harbourmail", "805-555-0147",
                "5550147", "ledger clerk", "okafor-ledger", "Harbourview ledger transfers",
                "Whitlock", "Dana"]


@dataclass(frozen=True)
class Story:
    path: Path
    statement_texts: dict[str, str]  # actor -> its statement's words


def build_story(path: Path) -> Story:
    Case.create(path, title="Plate scans for OFBA").close()
    with Case.open(path) as c:
        vendor_doc = documents.add(c, data=VENDOR_LIST.encode(), title="PlateStream network "
                                   "report", kind="text", pages=[VENDOR_LIST],
                                   file_name="network-report.pdf",
                                   origin="Open Records Coalition release, 2024-01",
                                   received="2024-01-15",
                                   metadata={"author": "PlateStream LLC"}).id
        agent_doc = documents.add(
            c, data=AGENT_MAIL.encode(), title="Plate search request", kind="email",
            pages=[AGENT_MAIL], file_name="request.eml",
            origin="Open Records Coalition release, 2024-01", received="2024-01-15",
            email=documents.EmailHeaders(from_addr="Dale Moreno <dmoreno@ofba.example>",
                                         subject="plate search", date="2022-06-01")).id
        bpd_doc = documents.add(
            c, data=BPD_MAIL.encode(), title="Brookfield PD statement", kind="email",
            pages=[BPD_MAIL], file_name="bpd.eml", origin="Reporter's inbox",
            received="2024-02-02",
            email=documents.EmailHeaders(from_addr="Maria Lopez <mlopez@bpd.example>",
                                         subject="Your questions", date="2024-02-02")).id
        notes_doc = documents.add(c, data=VENTURA_NOTES.encode(), title="Call notes, Ventura",
                                  kind="text", pages=[VENTURA_NOTES], file_name="ventura.txt",
                                  origin="Reporter's notes", received="2024-02-03").id
        tip_doc = documents.add(
            c, data=TIP.encode(), title="Harbourview ledger transfers", kind="email",
            pages=[TIP], file_name="okafor-ledger.eml", origin="Tip line", confidential=True,
            received="2024-01-20",
            email=documents.EmailHeaders(
                from_addr="Rosalind Okafor <r.okafor@harbourmail.org>",
                subject="Re: Harbourview ledger transfers", date="2024-01-20")).id

        ofba = actors.add(c, name="Office of Border Analytics", type="agency",
                          aliases=["OFBA"]).id
        brook = actors.add(c, name="Brookfield Police Department", type="agency",
                           aliases=["Brookfield PD", "BPD"]).id
        ventura = actors.add(c, name="Ventura Police Department", type="agency",
                             aliases=["Ventura PD"]).id
        camarillo = actors.add(c, name="Camarillo Police Department", type="agency",
                               aliases=["Camarillo PD"]).id
        sheriff = actors.add(c, name="Dunmore County Sheriff's Office", type="agency").id
        vendor = actors.add(c, name="PlateStream LLC", type="company",
                            aliases=["PlateStream"]).id
        parent = actors.add(c, name="Meridian Vantage Holdings", type="company").id
        coalition = actors.add(c, name="Open Records Coalition", type="company").id
        okafor = actors.add(c, name="Rosalind Okafor", type="person", confidential=True,
                            aliases=["the ledger clerk"], note="phone 805-555-0147").id
        actors.add(c, name="Will Young", type="person", confidential=True)
        actors.add(c, name="Dana Whitlock", type="person", confidential=True)

        listing = {name: excerpts.add(c, document_id=vendor_doc, page=1,
                                      quote=f"{name}: sharing enabled").id
                   for name in ("Brookfield Police Department", "Ventura Police Department",
                                "Camarillo Police Department")}
        ask = excerpts.add(c, document_id=agent_doc, page=1,
                           quote="can you run plate 7ABC123 through your system for us").id
        bpd_words = excerpts.add(c, document_id=bpd_doc, page=1, quote=BPD_MAIL).id
        ventura_rec = excerpts.add(c, document_id=notes_doc, page=1,
                                   quote=VENTURA_NOTES.split(" and that")[0]).id
        tip_ex = excerpts.add(c, document_id=tip_doc, page=1, actor_id=okafor, cleared=True,
                              quote="The ledger shows OFBA paid PlateStream for the "
                                    "Brookfield feed in 2022.").id

        said = {}
        said["Brookfield"] = statements.add(
            c, actor_id=brook, stance="denies", speaker="Maria Lopez", role="spokesperson",
            channel="email", date="2024-02-02", text=BPD_MAIL, excerpt_id=bpd_words).id
        said["Ventura"] = statements.add(
            c, actor_id=ventura, stance="denies", speaker="Cmdr. Tom Higgins",
            role="spokesman", channel="phone", date="2024-02-03",
            text="we don't have any cameras of our own", excerpt_id=ventura_rec).id
        said["Camarillo"] = statements.add(
            c, actor_id=camarillo, stance="confirms", speaker="spokesperson",
            role="spokesperson", channel="email", date="2024-02-04",
            text="We share with OFBA and several hundred other agencies; we run 34 cameras.").id
        said["Camarillo2"] = statements.add(
            c, actor_id=camarillo, stance="confirms", speaker="spokesperson",
            role="spokesperson", channel="email", date="2024-02-06",
            text="The sharing began in 2021.").id
        said["OFBA"] = statements.add(
            c, actor_id=ofba, stance="denies", speaker="press office", channel="email",
            date="2024-02-05", text="OFBA is not building a plate database.").id
        said["Sheriff"] = statements.add(
            c, actor_id=sheriff, stance="denies", speaker="Undersheriff Kim Reyes",
            channel="phone", date="2024-02-05",
            text="We have no agreement with any federal agency.").id
        statements.add(c, actor_id=vendor, stance="no-response", channel="email",
                       asked_on="2024-02-01")
        statements.add(c, actor_id=parent, stance="declined", channel="email",
                       date="2024-02-03", speaker="Meridian Vantage Holdings")
        statements.set_not_needed(c, coalition, "The coalition released the records; it is "
                                                "a source, not a subject of the findings.")

        def claim(text, about, verdict, rationale, *, supports=(), against=(), origin=None):
            cid = claims.add(c, text, about=about, origin_document_id=origin).id
            for kind, target in supports:
                claims.add_evidence(c, claim_id=cid, relation="supports", **{kind: target})
            for kind, target in against:
                claims.add_evidence(c, claim_id=cid, relation="contradicts", **{kind: target})
            if verdict:
                claims.set_verdict(c, claim_id=cid, status=verdict, rationale=rationale)
            return cid

        claim("Brookfield Police Department shares plate scans with OFBA.", [brook],
              "refuted", "Brookfield owns no cameras; it only reads PlateStream's data.",
              supports=[("excerpt_id", listing["Brookfield Police Department"])],
              against=[("statement_id", said["Brookfield"])], origin=vendor_doc)
        claim("Ventura Police Department shares plate scans with OFBA.", [ventura],
              "unresolved", "Ventura runs no cameras but receives the sheriff's data; "
              "whether it passes any on is not established.",
              supports=[("excerpt_id", listing["Ventura Police Department"])],
              against=[("statement_id", said["Ventura"])], origin=vendor_doc)
        claim("Camarillo Police Department shares plate scans with OFBA.", [camarillo],
              "confirmed", "Camarillo confirms it on the record.",
              supports=[("statement_id", said["Camarillo"])], origin=vendor_doc)
        claim("OFBA is building a national plate database.", [ofba], "unverifiable",
              "Only OFBA's denial is on record; it answered no follow-up questions.",
              against=[("statement_id", said["OFBA"])])
        claim("A federal agent asked a local detective to run a plate search.", [ofba],
              "confirmed", "The released email shows the request.",
              supports=[("excerpt_id", ask)], origin=agent_doc)
        claim("The sheriff's office has an agreement with OFBA.", [sheriff], None, None,
              against=[("statement_id", said["Sheriff"])])
        claim("OFBA paid PlateStream for the Brookfield feed.", [ofba, vendor], "mixed",
              "A source with direct knowledge describes the payment; Brookfield denies "
              "contributing data.", supports=[("excerpt_id", tip_ex)],
              against=[("statement_id", said["Brookfield"])])

        findings.add(c, title="Brookfield PD is listed but owns no cameras", status="checked",
                     text="1. PlateStream's list names Brookfield PD [1]. Brookfield PD says "
                          "it owns no readers [2].\n\n- The vendor did not respond; "
                          "Meridian Vantage Holdings declined to comment.",
                     cite=[("excerpt", listing["Brookfield Police Department"]),
                           ("statement", said["Brookfield"])])
        findings.add(c, title="Ventura PD receives the sheriff's data", status="checked",
                     text="Ventura PD says it has no cameras of its own [1]. The Dunmore "
                          "County Sheriff's Office runs about 30 car-mounted cameras.",
                     cite=[("statement", said["Ventura"])])
        findings.add(c, title="Camarillo PD confirms", status="checked",
                     text="Camarillo PD confirms the share, and says it will continue [1].",
                     cite=[("statement", said["Camarillo"])])
        findings.add(c, title="An agent asked for a plate search", status="checked",
                     text="OFBA says it is not building a database [1], but an agent asked "
                          "a detective to run a plate [2]. A person with direct knowledge "
                          "says OFBA paid PlateStream for the feed [3]; the Open Records "
                          "Coalition released the list.",
                     cite=[("statement", said["OFBA"]), ("excerpt", ask), ("excerpt", tip_ex)])
        texts = {name: statements.get(c, sid).text for name, sid in said.items()}
    return Story(path, texts)


@pytest.fixture(scope="module")
def story_template(tmp_path_factory) -> Story:
    return build_story(tmp_path_factory.mktemp("story") / "story.wbcase")


@pytest.fixture(scope="module")
def exports(story_template, tmp_path_factory):
    """The story exported in every format through the command line, read back."""
    from click.testing import CliRunner

    from workbench.cli.main import cli

    folder = tmp_path_factory.mktemp("exports")
    path = folder / "story.wbcase"
    shutil.copy2(story_template.path, path)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    check = run("check", path)
    assert check.exit_code == 0, check.output
    common = ["--date", "2026-11-28", "--byline", "Ana Ruiz", "--publisher",
              "Harbour Ledger", "--url", "https://ledger.example/plates"]
    for fmt, name in (("pdf", "r.pdf"), ("md", "r.md"), ("claimreview", "r.jsonld")):
        result = run("export", path, "-o", folder / name, "--format", fmt, *common)
        assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(folder / "r.pdf")
    pages = [p.extract_text() for p in reader.pages]
    return {"story": story_template, "reader": reader, "pages": pages,
            "pdf": " ".join(" ".join(p.split()) for p in pages),
            "md": (folder / "r.md").read_text(encoding="utf-8"),
            "jsonld": json.loads((folder / "r.jsonld").read_text(encoding="utf-8"))}


def _outline(reader) -> list[str]:
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)
    walk(reader.outline)
    return out


def _all_pdf_strings(reader) -> list[str]:
    meta = reader.metadata
    out = [str(v) for v in meta.values()]
    out += _outline(reader)
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            out += [str(a.get("/Dest", "")), str(a.get("/A", ""))]
    return out


def test_no_confidential_name_in_any_form_in_any_export(exports):
    strings = {
        "pdf text": exports["pdf"],
        "pdf metadata, outline, links": " ".join(_all_pdf_strings(exports["reader"])),
        "markdown": exports["md"],
        "json-ld": json.dumps(exports["jsonld"], ensure_ascii=False),
    }
    for where, text in strings.items():
        low = text.casefold()
        for secret in SECRET_FORMS:
            assert secret.casefold() not in low, (where, secret)
        # "Will Young" is confidential: the word "will" is not blocked, the name is
        assert "young" not in low, where
    assert "says it will continue" in exports["md"]
    # one label for the confidential person and the tip that records her words
    for text in (exports["pdf"], exports["md"]):
        assert "Confidential source 1" in text and "Confidential source 2" not in text


def test_every_quotation_attributed_to_a_speaker_is_their_recorded_words(exports):
    story = exports["story"]
    md = exports["md"]
    responses = md.split("## Responses", 1)[1].split("## Sources", 1)[0]
    quoted = re.findall(r"\u201c(.*?)\u201d", responses)
    recorded = {" ".join(t.split()) for t in story.statement_texts.values()}
    assert quoted and all(q.replace("\\", "") in recorded for q in quoted), quoted
    # the reporter's narration is never inside quotation marks, in any export
    for text in (md, exports["pdf"]):
        for q in re.findall(r"\u201c(.*?)\u201d", text, flags=re.S):
            assert "said that" not in q and "Higgins" not in q, q
    # both sentences the Brookfield spokesperson wrote
    bpd = " ".join(story.statement_texts["Brookfield"].split())
    assert f"\u201c{bpd}\u201d" in md.replace("\\", "")
    assert "spokesperson, spokesperson" not in md and "spokesperson, spokesperson" not in \
        exports["pdf"]


def _md_section(md: str, title: str) -> str:
    return md.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_every_claim_appears_with_its_verdict(exports, story_template):
    md = exports["md"]
    section = _md_section(md, "Claims checked and verdicts")
    blocks = re.split(r"^### ", section, flags=re.M)[1:]
    with Case.open(story_template.path) as case:
        rows = claims.list_all(case)
        expected = {c.text: claims.verdict(case, c.id).status for c in rows}
    assert len(blocks) == len(expected) == 7
    labels = {"confirmed": "Confirmed", "refuted": "Refuted", "mixed": "Mixed",
              "unresolved": "Unresolved", "unverifiable": "Unverifiable",
              "unverified": "No verdict yet"}
    for block in blocks:
        text = block.split("\n", 1)[0].split(": ", 1)[1].replace("\\", "")
        assert f"**Verdict: {labels[expected[text]]}**" in block, block
    pdf = exports["pdf"]
    assert pdf.count("Verdict: ") == 7
    for text in expected:
        assert "Claim" in pdf and text[:40] in pdf
    # the confirms statement listed only for a claim reads as what it is
    assert "Camarillo Police Department shares plate scans with OFBA." in pdf


def test_title_page_counts_match_the_sections(exports):
    md = exports["md"]
    table = dict(re.findall(r"^\| ([A-Z][^|]+?) \| ([^|]+?) \|$", md, flags=re.M))
    findings_md = _md_section(md, "Findings")
    claims_md = _md_section(md, "Claims checked and verdicts")
    responses_md = _md_section(md, "Responses")
    sources_md = _md_section(md, "Sources")
    contested = [b for b in re.split(r"^### ", claims_md, flags=re.M)[1:]
                 if "**Contradiction:**" in b]
    resolved = [b for b in contested
                if re.search(r"\*\*Verdict: (Confirmed|Refuted|Mixed)\*\*", b)]
    figures = {
        "Findings": len(re.findall(r"^### \d+\. ", findings_md, flags=re.M)),
        "Citations": len(re.findall(r"^\[\^\d+\]: ", md, flags=re.M)),
        "Claims checked": len(re.findall(r"^### Claim \d+: ", claims_md, flags=re.M)),
        "Contradictions": len(contested),
        "Parties in Responses": len(re.findall(r"^### ", responses_md, flags=re.M)),
        "Statements on record": len(re.findall(r"^- \*\*", responses_md, flags=re.M)),
        "Sources cited": len(re.findall(r"^- \*\*S\d+\. ", sources_md, flags=re.M)),
    }
    for label, n in figures.items():
        assert table[label] == f"{n:,}", (label, table[label], n)
    assert table["Contradictions resolved"] == f"{len(resolved)} of {len(contested)}"
    assert (len(contested), len(resolved)) == (3, 2)  # refuted and mixed; not "unresolved"
    # the PDF's title page prints the same figures
    title_page = " ".join(exports["pages"][0].split())
    for label, n in figures.items():
        assert f"{label} {n:,}" in title_page, (label, title_page)
    assert f"Contradictions resolved {len(resolved)} of {len(contested)}" in title_page


def test_responses_once_per_actor_with_no_response_needed(exports):
    md = exports["md"]
    responses = _md_section(md, "Responses")
    heads = re.findall(r"^### (.+)$", responses, flags=re.M)
    assert len(heads) == len(set(heads))
    assert "Open Records Coalition" in heads
    assert "No response needed: The coalition released the records" in responses
    assert "No response needed" in exports["pdf"]
    camarillo = responses.split("### Camarillo Police Department", 1)[1].split("###", 1)[0]
    assert camarillo.count("spokesperson") == 1  # one entry per speaker, role not repeated


def test_markdown_escapes_line_start_constructs(exports):
    md = _md_section(exports["md"], "Findings")
    assert "\n1\\. PlateStream" in md and "\n\\- The vendor did not respond" in md


def test_pdf_metadata_outline_and_links(exports):
    reader = exports["reader"]
    meta = reader.metadata
    assert meta.title == "Plate scans for OFBA" and meta.author == "Ana Ruiz"
    assert "4 findings" in meta.subject
    titles = _outline(reader)
    assert {"Findings", "Claims checked and verdicts", "Responses", "Sources"} <= set(titles)
    claim_texts = re.findall(r"^### Claim \d+: (.+)$", exports["md"], flags=re.M)
    assert len(claim_texts) == 7
    for text in claim_texts:
        assert text.replace("\\", "") in titles
    links = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) or []]
    assert links and all(a["/Subtype"] == "/Link" for a in links)


def test_claimreview_fields(exports):
    doc = exports["jsonld"]
    assert doc["@context"] == "https://schema.org"
    reviews = doc["@graph"]
    assert len(reviews) == 6  # every claim with a verdict; the one without has none
    for r in reviews:
        assert r["@type"] == "ClaimReview"
        assert r["url"].startswith("https://ledger.example/plates#claim-")
        assert r["author"] == {"@type": "Organization", "name": "Harbour Ledger",
                               "url": "https://ledger.example/"}
        assert r["claimReviewed"] and r["reviewBody"] and r["datePublished"] == "2026-11-28"
        assert r["reviewRating"]["@type"] == "Rating" and r["reviewRating"]["alternateName"]
        assert r["itemReviewed"]["@type"] == "Claim"
    by = {r["claimReviewed"]: r for r in reviews}
    agent = by["A federal agent asked a local detective to run a plate search."]
    assert agent["itemReviewed"]["author"] == {"@type": "Organization", "name": "Dale Moreno"}
    assert agent["itemReviewed"]["datePublished"] == "2022-06-01"
    listed = by["Brookfield Police Department shares plate scans with OFBA."]
    assert listed["itemReviewed"]["author"]["name"] == "PlateStream LLC"
    assert listed["reviewRating"]["ratingValue"] == 1
