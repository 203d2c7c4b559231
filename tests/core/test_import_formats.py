"""Web pages, Word files, plain text, images, and files refused with a reason."""

from __future__ import annotations

import pytest

from tests.core.import_files import docx_bytes, pdf_bytes, write
from workbench.core import audit, documents
from workbench.core.importing import ImportOptions, import_paths, imports
from workbench.core.progress import Progress


def _one(case, path, **kwargs):
    report = import_paths(case, [path], **kwargs)
    assert len(report.items) == 1
    return report.items[0]


def test_html_keeps_text_only_and_never_fetches(case, tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the import tried to reach the network")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    page = ("<!doctype html><html><head><meta charset='windows-1252'>"
            "<title>Agency B – statement</title>"
            "<style>p { color: red }</style><script>fetch('http://tracker.example')</script>"
            "<link rel=stylesheet href='http://cdn.example/x.css'></head><body>"
            "<img src='http://images.example/a.png'><h1>Statement</h1>"
            "<p>We own no cameras &amp; share no data.</p>"
            "<table><tr><td>Café</td><td>30</td></tr></table></body></html>")
    item = _one(case, write(tmp_path / "statement.html", page.encode("cp1252")))
    doc = documents.get(case, item.document_id)
    assert (doc.kind, doc.title, doc.media_type) == ("html", "Agency B – statement",
                                                     "text/html")
    text = documents.page(case, doc.id, 1).text
    assert "Statement" in text and "We own no cameras & share no data." in text
    assert "Café" in text
    assert "color" not in text and "fetch" not in text and "tracker" not in text


def test_docx_paragraphs_and_tables_in_document_order(case, tmp_path):
    item = _one(case, write(tmp_path / "agreement.docx", docx_bytes()))
    doc = documents.get(case, item.document_id)
    assert (doc.kind, doc.title) == ("docx", "Sharing agreement")
    assert documents.page(case, doc.id, 1).text == (
        "Data sharing agreement between the county and the broker.\n"
        "Agency\tCameras\nCounty Sheriff\t30\n\nSigned in 2018.")


def test_damaged_docx_fails_with_a_reason(case, tmp_path):
    item = _one(case, write(tmp_path / "broken.docx", b"PK\x03\x04 not a real package"))
    assert item.outcome == "failed" and "damaged Word file" in item.reason


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_text_encodings_are_detected(case, tmp_path, encoding):
    text = "Die Behörde bestätigt: Kennzeichen werden geteilt, für 30 € im Monat.\n" * 3
    item = _one(case, write(tmp_path / "notes.txt", text.encode(encoding)))
    assert documents.page(case, item.document_id, 1).text == text


def test_undecodable_text_fails_with_a_reason(case, tmp_path):
    item = _one(case, write(tmp_path / "dump.txt", bytes(range(256)) * 4))
    assert item.outcome == "failed"
    assert "binary" in item.reason or "undecodable" in item.reason


def test_images_are_imported_as_pages_needing_ocr(case, tmp_path, monkeypatch):
    from PIL import Image

    from workbench.core.importing import ocr
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    Image.new("L", (50, 50), 255).save(tmp_path / "photo.png")
    item = _one(case, tmp_path / "photo.png")
    doc = documents.get(case, item.document_id)
    assert (doc.kind, doc.media_type) == ("image", "image/png")
    assert documents.page(case, doc.id, 1).ocr == "needed"
    bad = _one(case, write(tmp_path / "fake.jpg", b"not a jpeg"))
    assert bad.outcome == "failed" and "unknown format" in bad.reason


def test_each_bad_file_gets_one_line_and_the_batch_goes_on(case, tmp_path):
    folder = tmp_path / "release"
    write(folder / "empty.txt", b"")
    write(folder / "tool.exe", b"MZ\x90\x00")
    write(folder / "big.txt", b"x" * 3000)
    write(folder / "no_extension", b"hello")
    write(folder / ".DS_Store", b"junk")
    write(folder / "sub" / "ok.txt", b"fine")
    write(folder / "sub" / "copy.txt", b"fine")
    report = import_paths(case, [folder, tmp_path / "missing.pdf"],
                          options=ImportOptions(max_file_bytes=2048))
    lines = {i.path.rsplit("/", 1)[-1]: (i.outcome, i.reason) for i in report.items}
    assert lines == {
        ".DS_Store": ("skipped", "hidden file"),
        "big.txt": ("failed", "larger than the import limit (2 KB)"),
        "empty.txt": ("failed", "empty file"),
        "no_extension": ("unsupported", "unsupported file type (no extension)"),
        "tool.exe": ("unsupported", "unsupported file type (.exe)"),
        "copy.txt": ("imported", None),
        "ok.txt": ("duplicate", "duplicate of document 1"),
        "missing.pdf": ("failed", "no such file or folder"),
    }
    # The same bytes at two paths are one document with both names.
    names = documents.names(case, 1)
    assert [n.source_path for n in names] == [str(folder / "sub" / "copy.txt"),
                                              str(folder / "sub" / "ok.txt")]
    # The report is stored in the case.
    stored = imports(case)[-1]
    assert stored.status == "done"
    assert [(i.path, i.outcome, i.reason) for i in stored.items] == [
        (i.path, i.outcome, i.reason) for i in report.items]
    assert (stored.imported, stored.duplicates, stored.failed) == (1, 1, 5)


def test_reimporting_adds_nothing_and_says_duplicate(case, tmp_path):
    path = write(tmp_path / "a.pdf", pdf_bytes([["one"], ["two"]]))
    first = import_paths(case, [path])
    second = import_paths(case, [path])
    assert second.items[0].outcome == "duplicate"
    assert second.items[0].reason == f"duplicate of document {first.items[0].document_id}"
    assert documents.ids(case) == [first.items[0].document_id]
    assert len(documents.names(case, first.items[0].document_id)) == 1


def test_progress_is_reported_and_cancel_keeps_finished_files(case, tmp_path):
    for n in range(5):
        write(tmp_path / "in" / f"{n}.txt", f"file {n}".encode())
    seen: list[tuple[float, str]] = []

    def report(fraction: float, status: str) -> None:
        seen.append((fraction, status))
    cancel_after = iter([False, False, False, True, True, True, True, True])
    result = import_paths(case, [tmp_path / "in"],
                          progress=Progress(report, lambda: next(cancel_after)))
    assert result.status == "cancelled"
    assert result.imported == 3 and len(documents.ids(case)) == 3
    assert seen[0] == (0.0, "Looking for files")
    assert any(status.endswith("1.txt") for _, status in seen)
    assert imports(case)[-1].status == "cancelled"


def test_every_stored_row_is_audited(case, tmp_path):
    path = write(tmp_path / "a.pdf", pdf_bytes([["one"], ["two"], ["three"]]))
    doc_id = import_paths(case, [path]).items[0].document_id
    page_ids = {str(r[0]) for r in case.rows("SELECT id FROM pages WHERE document_id = ?",
                                             (doc_id,))}
    audited = {e.row_id for e in audit.entries(case, table="pages")}
    assert page_ids <= audited
    assert audit.entries(case, table="documents", row_id=doc_id)[0].operation == "insert"


def test_page_text_is_audited_by_size_on_insert_and_in_full_when_replaced(case, tmp_path):
    path = write(tmp_path / "a.pdf", pdf_bytes([["Agency B shares plate data"]]))
    doc_id = import_paths(case, [path]).items[0].document_id
    (inserted,) = audit.entries(case, table="pages")
    size = len("Agency B shares plate data".encode())
    assert inserted.after["text"] == {"bytes": size}
    documents.set_page_text(case, doc_id, 1, documents.PageText("Corrected text", "done", 91))
    updated = audit.entries(case, table="pages")[-1]
    assert (updated.before["text"], updated.after["text"]) == (
        "Agency B shares plate data", "Corrected text")
