"""Titles and dates of documents from the command line: ``document edit`` and
``import --title --date``; generic metadata titles give way to the file name."""

from __future__ import annotations

import json
import subprocess
import sys

from reportlab.pdfgen import canvas

from workbench.core import browse, documents, titles
from workbench.core.casefile import Case


def _pdf(path, title: str | None) -> None:
    c = canvas.Canvas(str(path), invariant=1)
    if title is not None:
        c.setTitle(title)
    c.drawString(72, 720, f"Contents of {path.name}")
    c.showPage()
    c.save()


def _wb(*args: str):
    return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_generic_metadata_titles_give_way_to_the_file_name(tmp_path, case_path):
    folder = tmp_path / "release"
    folder.mkdir()
    _pdf(folder / "vendor_contract-2019.pdf", "Microsoft Word - contract_final.doc")
    _pdf(folder / "dispatch-log.pdf", "Enscript Output")
    _pdf(folder / "memo.pdf", "Untitled")
    _pdf(folder / "briefing.pdf", "Briefing on plate readers")
    run = _wb("import", case_path, folder)
    assert run.returncode == 0, run.stderr
    with Case.open(case_path) as case:
        titles = {documents.get(case, i).file_name: documents.get(case, i).title
                  for i in documents.ids(case)}
    assert titles == {"vendor_contract-2019.pdf": "vendor contract-2019",
                      "dispatch-log.pdf": "dispatch-log", "memo.pdf": "memo",
                      "briefing.pdf": "Briefing on plate readers"}


def test_is_generic_title():
    for generic in ("Untitled", "Microsoft Word - x.doc", "Enscript Output", "", "  ",
                    "Document1", "report.docx", "Acrobat PDFMaker 11 for Word"):
        assert titles.is_generic_title(generic), generic
    for real in ("Briefing on plate readers", "Microsoft's reply to the council",
                 "Letter of 3 March"):
        assert not titles.is_generic_title(real), real


def test_import_one_file_with_title_and_date(tmp_path, case_path):
    pdf = tmp_path / "scan0001.pdf"
    _pdf(pdf, None)
    run = _wb("import", case_path, pdf, "--title", "Letter from the sheriff",
              "--date", "2019-02-14", "--json")
    assert run.returncode == 0, run.stderr
    doc_id = json.loads(run.stdout)["items"][0]["document_id"]
    with Case.open(case_path) as case:
        doc = documents.get(case, doc_id)
        assert (doc.title, doc.date) == ("Letter from the sheriff", "2019-02-14")
        row = browse.document_rows(case, [doc_id])[0]
        assert row.date == "2019-02-14" and doc.imported_at[:4] != "" and doc.received is None


def test_import_title_needs_one_file_and_a_good_date(tmp_path, case_path):
    _pdf(tmp_path / "a.pdf", None)
    _pdf(tmp_path / "b.pdf", None)
    run = _wb("import", case_path, tmp_path / "a.pdf", tmp_path / "b.pdf", "--title", "X")
    assert run.returncode == 2 and "one file" in run.stderr
    run = _wb("import", case_path, tmp_path / "a.pdf", "--date", "14/02/2019")
    assert run.returncode == 1 and "YYYY" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    with Case.open(case_path) as case:
        assert documents.ids(case) == []  # nothing imported on a refusal


def test_document_edit_title_and_date_then_undo(sample_path):
    with Case.open(sample_path) as case:
        before = documents.get(case, 1).date  # the sample case dates its documents
    run = _wb("document", "edit", sample_path, "1", "--title", "Vendor list (annotated)",
              "--date", "2019-03")
    assert run.returncode == 0, run.stderr
    assert "Vendor list (annotated)" in run.stdout and "2019-03" in run.stdout
    with Case.open(sample_path) as case:
        doc = documents.get(case, 1)
        assert (doc.title, doc.date) == ("Vendor list (annotated)", "2019-03")
    bad = _wb("document", "edit", sample_path, "1", "--date", "March 2019")
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert _wb("undo", sample_path).returncode == 0
    with Case.open(sample_path) as case:
        assert documents.get(case, 1).date == before


def test_an_older_case_gets_file_names_for_generic_titles(tmp_path):
    """A case written before the document date existed opens; a generic title stored then
    gives way to the file name, a real title stays."""
    import shutil
    import sqlite3
    from pathlib import Path

    from workbench.core import schema

    old = tmp_path / "old.wbcase"
    shutil.copy2(Path(__file__).parents[1] / "migrations" / "v1-release-0.1.wbcase", old)
    conn = sqlite3.connect(old)
    doc_id, file_name = conn.execute("SELECT id, file_name FROM documents").fetchone()
    conn.execute("UPDATE documents SET title = 'Microsoft Word - draft.doc', "
                 "file_name = 'sheriff-reply.txt' WHERE id = ?", (doc_id,))
    conn.commit()
    conn.close()
    with Case.open(old) as case:
        doc = documents.get(case, doc_id)
        assert doc.title == "sheriff-reply" and doc.date is None
        assert case.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    del file_name
