"""The PDF report read back with pypdf: sources, protection, furniture, reproducibility."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from workbench.core import documents, excerpts, findings, snapshot
from workbench.core.casefile import Case
from workbench.report import fonts, render_pdf

DATE = "2026-11-28"


def squash(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def export(case_path: Path, out: Path, **kw) -> tuple[snapshot.ReportSnapshot, Path]:
    with Case.open(case_path) as case:
        snap = snapshot.build(case, date=DATE, **kw)
    render_pdf(snap, out, reproducible=True)
    return snap, out


def page_texts(path: Path) -> list[str]:
    return [squash(p.extract_text()) for p in pypdf.PdfReader(path).pages]


def outline_titles(reader: pypdf.PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)
    walk(reader.outline)
    return out


@pytest.fixture
def sample_pdf(publishable_path, tmp_path):
    return export(publishable_path, tmp_path / "report.pdf", byline="Fictional Desk")


def test_every_citation_shows_its_quote_page_and_hash_prefix(sample_pdf):
    snap, path = sample_pdf
    text = " ".join(page_texts(path))
    assert len(snap.notes) == 10
    for note in snap.notes:
        if note.quote:
            assert squash(note.quote) in text, note.quote
        if note.source is not None:
            assert note.source.short_hash in text
            assert squash(note.source.title) in text
            assert f"page {note.page}" in text
    for src in snap.sources:
        assert src.sha256 in text and src.file_name in text


def test_sections_furniture_and_metadata(sample_pdf):
    snap, path = sample_pdf
    reader = pypdf.PdfReader(path)
    texts = page_texts(path)
    total = len(texts)
    for n, text in enumerate(texts, start=1):
        assert re.search(rf"Page {n} of\s*{total}\b", text), text[:200]
        assert "DRAFT" not in text
    for text in texts[1:]:
        assert text.startswith(snap.title)  # the running header
    joined = " ".join(texts)
    for heading in ("Findings", "Claims checked and verdicts", "Responses",
                    "Sources", "Evidence for", "Evidence against", "Verdict: Refuted",
                    "Meridian Vantage Holdings Did not respond to questions sent on "
                    "2019-04-03"):
        assert heading in joined
    meta = reader.metadata
    assert meta.title == snap.title and meta.author == "Fictional Desk"
    assert "3 findings" in meta.subject
    assert meta["/CreationDate"].startswith("D:20261128")
    titles = outline_titles(reader)
    assert titles[:1] == ["Findings"]
    for f in snap.findings:
        assert f"{f.number}. {f.title}" in titles
    assert {"Claims checked and verdicts", "Responses", "Sources"} <= set(titles)


def test_citation_marks_link_to_their_notes(sample_pdf):
    snap, path = sample_pdf
    reader = pypdf.PdfReader(path)
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    internal = [a for a in links if a["/Subtype"] == "/Link" and "/Dest" in a]
    pages = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages)}
    # every mark, plus the source links in notes, responses and tables
    assert len(internal) >= 2 * len(snap.notes)
    for link in internal:
        target = link["/Dest"][0]
        assert target.idnum in pages  # lands on a page of this document
    # the marks of the first finding lead to its notes, on the findings pages
    on_findings_page = [a.get_object() for a in reader.pages[1]["/Annots"]]
    marks = on_findings_page[:len(snap.findings[0].notes)]
    assert all(pages[a["/Dest"][0].idnum] == 1 for a in marks)
    # ...each lower on the page than the last, as the notes are in order
    heights = [float(a["/Dest"][3]) for a in marks]
    assert heights == sorted(heights, reverse=True)


def test_fonts_are_embedded_and_cover_every_character(sample_pdf, publishable_path, tmp_path):
    with Case.open(publishable_path) as case:
        words = "Доступ к данным закрыт. Η πρόσβαση απαγορεύεται. Zażółć gęślą jaźń — ½ € “ok”."
        doc = documents.add(case, data=words.encode(), title="Μεταφράσεις / Переводы",
                            kind="text", pages=[words], origin="Reporting", received=DATE).id
        ex = excerpts.add(case, document_id=doc, page=1, quote=words).id
        findings.add(case, title="Quotes in three scripts", status="checked",
                     text="Ελληνικά και русский текст.", cite=[("excerpt", ex)])
    snap, path = export(publishable_path, tmp_path / "unicode.pdf")
    text = " ".join(page_texts(path))
    assert words in text and "Ελληνικά και русский текст." in text
    everything = repr(snap)
    assert fonts.missing_glyphs(everything) == set()
    reader = pypdf.PdfReader(path)
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]).split("+")[-1])
    assert {"DejaVuSans", "DejaVuSansMono"} <= embedded


def test_user_text_is_escaped_not_read_as_markup(publishable_path, tmp_path):
    with Case.open(publishable_path) as case:
        findings.add(case, title="<b>AT&T</b> & co", status="checked",
                     text='He wrote <a href="x">here</a> & <font size=40>big</font>.',
                     cite=[("statement", 1)])
    _snap, path = export(publishable_path, tmp_path / "escaped.pdf")
    text = " ".join(page_texts(path))
    assert "<b>AT&T</b> & co" in text
    assert 'He wrote <a href="x">here</a> & <font size=40>big</font>.' in text


def test_draft_says_so_on_every_page(publishable_path, tmp_path):
    _snap, path = export(publishable_path, tmp_path / "draft.pdf", draft=True)
    texts = page_texts(path)
    assert len(texts) > 3
    assert all("DRAFT" in t for t in texts)
    assert "draft" in pypdf.PdfReader(path).metadata["/Keywords"]


def test_same_snapshot_same_bytes(publishable_path, tmp_path):
    _s, a = export(publishable_path, tmp_path / "a.pdf")
    _s, b = export(publishable_path, tmp_path / "b.pdf")
    assert a.read_bytes() == b.read_bytes()


def test_long_quotes_and_long_texts_lay_out(publishable_path, tmp_path):
    """A quote longer than a page in a contradiction table must not break the layout."""
    from workbench.core import claims
    words = " ".join(f"word{n}" for n in range(3000))
    with Case.open(publishable_path) as case:
        doc = documents.add(case, data=words.encode(), title="A long memo", kind="text",
                            pages=[words], received=DATE).id
        long_ex = excerpts.add(case, document_id=doc, page=1, quote=words).id
        claim = claims.list_all(case)[0].id
        claims.add_evidence(case, claim_id=claim, relation="supports", excerpt_id=long_ex)
        findings.add(case, title="Long", text=words, status="checked",
                     cite=[("excerpt", long_ex)])
    _snap, path = export(publishable_path, tmp_path / "long.pdf")
    text = " ".join(page_texts(path))
    for n in range(0, 3000, 7):  # whole in the finding's note, across pages
        assert f"word{n} " in text or text.endswith(f"word{n}")


def test_confidential_material_never_reaches_the_pdf(secret_path, tmp_path):
    path, secrets = secret_path
    snap, pdf = export(path, tmp_path / "secret.pdf", draft=True,
                       title="Plate scans", byline="Desk")
    reader = pypdf.PdfReader(pdf)
    text = " ".join(page_texts(pdf))
    meta = " ".join(str(v) for v in reader.metadata.values())
    outline = " ".join(outline_titles(reader))
    annots = " ".join(str(a.get_object()) for p in reader.pages for a in p.get("/Annots", []))
    assert reader.xmp_metadata is None
    for secret in secrets.all():
        for where, haystack in (("text", text), ("metadata", meta), ("outline", outline),
                                ("links", annots)):
            assert secret.lower() not in haystack.lower(), f"{secret!r} in {where}"
    raw = pdf.read_bytes()
    assert secrets.sha256[:12].encode() not in raw
    assert "Confidential source 1" in text and "Confidential source 2" in text
    assert secrets.cleared_quote in text  # cleared for publication: kept
    assert "Quotation withheld to protect a confidential source." in text
    assert "Details withheld to protect a confidential source." in text


def test_a_page_renders_to_png(sample_pdf, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed")
    _snap, path = sample_pdf
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(path),
                    str(tmp_path / "page")], check=True, timeout=60)
    pngs = list(tmp_path.glob("page*.png"))
    assert len(pngs) == 1
    data = pngs[0].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_progress_is_reported_and_cancelling_leaves_no_file(publishable_path, tmp_path):
    from workbench.core.progress import Cancelled, Progress
    with Case.open(publishable_path) as case:
        snap = snapshot.build(case, date=DATE)
    seen: list[float] = []
    render_pdf(snap, tmp_path / "ok.pdf", progress=Progress(lambda f, _s: seen.append(f)))
    assert seen and seen == sorted(seen) and seen[-1] > 0.9
    out = tmp_path / "cancelled.pdf"
    out.write_bytes(b"previous export")
    with pytest.raises(Cancelled):
        render_pdf(snap, out, progress=Progress(is_cancelled=lambda: len(seen) > 0))
    assert out.read_bytes() == b"previous export"
    assert list(tmp_path.glob(".*.partial")) == []


def test_citation_marks_in_finding_text_print_as_linked_note_numbers(publishable_path,
                                                                      tmp_path):
    with Case.open(publishable_path) as case:
        second = findings.list_all(case)[1]
        findings.update(case, second.id, text="An agent asked for a plate search [2] "
                        "and OFBA answered [1]. Unrelated [7] stays.")
    snap, path = export(publishable_path, tmp_path / "marks.pdf")
    f = snap.findings[1]
    text = " ".join(page_texts(path))
    assert "[2]" not in text and "[1]" not in text and "Unrelated [7] stays." in text
    n1, n2 = f.notes[0].number, f.notes[1].number
    assert re.search(rf"plate search ?{n2} and OFBA answered ?{n1}\.", text)
