"""A confidential person or document is found in every form a text can carry it
(workbench.core.identify, workbench.core.redaction), and common words are not flagged."""

from __future__ import annotations

import unicodedata

import pytest

from workbench.core import actors, documents, gate, findings, identify
from workbench.core.redaction import Redactor, Where

W = Where("finding", 1, "text")


@pytest.fixture
def secrets(case):
    actors.add(case, name="Rosalind Okafor", type="person", confidential=True,
               aliases=["r.okafor@harbourmail.org", "+1 (555) 010-2233"])
    actors.add(case, name="İpek Demir", type="person", confidential=True)
    actors.add(case, name="Zoë Lindqvist", type="person", confidential=True)
    actors.add(case, name="Will Young", type="person", confidential=True)
    actors.add(case, name="Dana Whitlock", type="person", confidential=True,
               note="reach her on 555 301 7788 only")
    actors.add(case, name="Tom Higgins", type="person")  # public: shares no secret part
    actors.add(case, name="Ann Tasker", type="person", confidential=True)
    actors.add(case, name="Bob Tasker", type="person")  # public, shares the surname
    mail = (b"From: Rosalind Okafor <r.okafor@harbourmail.org>\nTo: desk@news.example\n"
            b"Subject: Harbourview ledger transfers\n\nSee attached.\n")
    documents.add(case, data=mail, title="Tip email", kind="email", pages=["See attached."],
                  file_name="okafor_tip-2024.eml", confidential=True,
                  email=documents.EmailHeaders(
                      from_addr="Rosalind Okafor <r.okafor@harbourmail.org>",
                      to_addrs="Desk <desk@news.example>", cc_addrs="jd@harbourmail.org",
                      subject="Re: Harbourview ledger transfers"))
    documents.add(case, data=b"public", title="Desk mail", kind="email", pages=["Ledger."],
                  email=documents.EmailHeaders(from_addr="desk@news.example",
                                               to_addrs="Desk <desk@news.example>"))
    return Redactor(case)


LEAKS = [
    "Whitlock's account", "Ms. Whitlock said", "WHITLOCK", "Dana said so",
    "İpek Demir", "ipek demir", "IPEK DEMIR", "Demir's memo",
    unicodedata.normalize("NFC", "Zoë Lindqvist"), unicodedata.normalize("NFD", "Zoë Lindqvist"),
    "Zoe Lindqvist",
    "R Okafor", "R. Okafor", "Okafor, R.", "R.O. confirmed",
    "Rosalind\u00adOkafor", "Rosa\u00adlind Okafor", "Rosalind\u200b Okafor", "Oka\u200bfor",
    "Okafor’s own ledger", "Okafor's own ledger",
    "wrote from r.okafor", "r.okafor@harbourmail.org", "R.OKAFOR@HARBOURMAIL.ORG",
    "call 555-010-2233", "call (555) 010 2233", "call +15550102233", "dial 555.301.7788",
    "Young said", "Will Young", "will young", "W. Young",
    "the Harbourview ledger transfers", "okafor_tip-2024.eml", "okafor tip 2024",
    "the Harbourview accounts",  # a proper noun of the confidential email's subject
    "\u041ekafor said",  # a Cyrillic O
    "\U0001d40e\U0001d424\U0001d41a\U0001d41f\U0001d428\U0001d42b",  # bold letters
    "cc to jd@harbourmail.org",  # a recipient's address
    "Ann Tasker", "Tasker said",  # a bare surname another actor shares still leaks
]


@pytest.mark.parametrize("text", LEAKS)
def test_every_form_of_a_confidential_name_is_found(secrets, text):
    hits = secrets.find(text)
    assert hits, text
    out = secrets.scrub(f"x {text} y", W)
    assert "Confidential source" in out


CLEAN = [
    "The agency will respond.", "a young officer", "will and testament",
    "Tom Higgins said", "Cmdr. Tom Higgins", "Bob Tasker said",  # public names
    "The demirep", "okay for now", "Rosalindale Road", "Whitlocks Inc",
    "the rose garden", "call 555-999-1212",
    "The Ledger was public", "write to desk@news.example",
    # two bare capitals are not initials; a generic word; an open address
    "Ventura PD and the RO office", "AT&T",
]


@pytest.mark.parametrize("text", CLEAN)
def test_common_words_and_public_names_are_not_flagged(secrets, text):
    assert secrets.find(text) == [], text


def test_positions_map_back_when_folding_changes_lengths(secrets):
    text = "ß ß ß İpek Demir’s — and Ｏｋａｆｏｒ."
    out = secrets.scrub(text, W)
    assert out.startswith("ß ß ß Confidential source ")
    assert out.endswith("’s — and Confidential source 3.") or out.endswith(".")
    assert "Demir" not in out and "Ｏｋａｆｏｒ" not in out
    for start, end, *_ in secrets.find(text):
        assert text[start:end] in ("İpek Demir", "Ｏｋａｆｏｒ")


def test_fold_maps_every_character_back():
    text = "Zoe\u0308 Dem\u00adir\u200b’s İ ß\u00a0x"
    f = identify.fold(text)
    assert f.text == "zoe demir's i ss x"
    start, end = f.span(f.text.index("demir"), f.text.index("demir") + 5)
    assert text[start:end] == "Dem\u00adir"


def test_the_gate_blocks_a_surname_in_a_finding_title(case, secrets):
    findings.add(case, title="Whitlock's account", text="Ms. Whitlock said it.",
                 status="checked")
    problems = [p for p in gate.check(case) if p.kind == "confidential"]
    found = {p.message.split('("')[-1].rstrip('")') for p in problems}
    assert "Whitlock" in found
    assert any("finding 1, title" in p.message for p in problems)
    assert any("finding 1, text" in p.message for p in problems)


def test_one_label_for_a_person_and_the_email_she_sent(case, secrets):
    from workbench.core import snapshot
    tip = documents.list_all(case)[0]
    from workbench.core import excerpts
    ex = excerpts.add(
        case, document_id=tip.id, page=1, quote="See attached.", cleared=True).id
    findings.add(case, title="A tip", text="A source sent the records.", status="checked",
                 cite=[("excerpt", ex)])
    r = Redactor(case)
    okafor = actors.find(case, "Rosalind Okafor")[0].id
    assert r.label("document", tip.id) == r.label("actor", okafor)
    snap = snapshot.build(case)
    assert snap.findings[0].notes[0].source.title == "Confidential source 1"
