"""`workbench import`, `imports`, `ocr` and `thread` on a folder mixing every kind of file."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.core.import_files import (docx_bytes, pdf_bytes, request_and_reply, write,
                                     write_mbox, zip_bytes)
from workbench.core import documents, excerpts
from workbench.core.casefile import Case
from workbench.core.importing import ocr

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="the tesseract program is not installed")


@pytest.fixture
def mixed_folder(tmp_path):
    """A records release as it arrives: good files and bad ones together."""
    folder = tmp_path / "release"
    request, reply = request_and_reply()
    write(folder / "vendor-list.pdf", pdf_bytes([["Agencies sharing plate data"],
                                                 ["Agency B Police Department"]]))
    write(folder / "scanned-letter.pdf", pdf_bytes([None]))
    write(folder / "locked.pdf", pdf_bytes([["secret"]], encrypt="pw"))
    write(folder / "cut.pdf", pdf_bytes([["a"]])[:200])
    write(folder / "mail" / "request.eml", request.as_bytes())
    write_mbox(folder / "mail" / "export.mbox", [reply])
    write(folder / "agreement.docx", docx_bytes())
    write(folder / "statement.html", b"<html><body><p>We own no cameras.</p></body></html>")
    write(folder / "notes.md", "Called Agency C — no cameras.".encode())
    write(folder / "empty.txt", b"")
    write(folder / "video.mp4", b"\x00\x00\x00\x18ftypmp42")
    write(folder / "bundle.zip", zip_bytes({"memo.txt": b"memo", "../up.txt": b"x"}))
    return folder


def test_one_command_imports_a_mixed_folder(run_cli, case_path, mixed_folder, monkeypatch):
    monkeypatch.setattr(ocr, "tesseract", lambda: None)  # the same result everywhere
    result = run_cli("import", case_path, mixed_folder, "--origin", "Lawsuit 3:18-cv-1234")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["imported", "duplicates", "failed", "pages", "pages", "OCR'd",
                                "seconds"]
    # vendor, scan, request + attachment, reply, docx, html, notes, memo = 9 documents
    assert lines[1].split()[:5] == ["9", "0", "5", "10", "0"]
    problems = "\n".join(lines[2:])
    for name, reason in [("locked.pdf", "password required"),
                         ("cut.pdf", "damaged or truncated PDF"),
                         ("empty.txt", "empty file"), ("video.mp4", "unsupported file type"),
                         ("bundle.zip:../up.txt", "refused: path escapes the archive")]:
        assert f"{name}: {reason}" in problems

    with Case.open(case_path) as case:
        docs = {d.file_name: d for d in documents.list_all(case)}
        assert docs["vendor-list.pdf"].origin == "Lawsuit 3:18-cv-1234"
        assert documents.ocr_state(case, docs["scanned-letter.pdf"].id) == "needed"
        assert docs["request-form.pdf"].parent_id == docs["request.eml"].id
        excerpts.add(case, document_id=docs["vendor-list.pdf"].id, page=2,
                     quote="Agency B Police Department")

    listed = run_cli("imports", case_path)
    assert listed.exit_code == 0
    assert "locked.pdf: password required (encrypted PDF)" in listed.output
    again = run_cli("import", case_path, mixed_folder, "--json")
    assert json.loads(again.output)["imported"] == 0
    # The attachment is not visited again: its email is already a duplicate.
    assert json.loads(again.output)["duplicates"] == 8


def test_thread_command_shows_the_exchange(run_cli, case_path, mixed_folder):
    run_cli("import", case_path, mixed_folder / "mail", "--ocr", "off")
    with Case.open(case_path) as case:
        reply_id = next(d.id for d in documents.list_all(case, kind="email")
                        if d.title.startswith("Re:"))
    result = run_cli("thread", case_path, reply_id)
    assert result.exit_code == 0, result.output
    body = result.output.splitlines()[1:]
    assert "Plate search request" in body[0] and "smith@agency.example" in body[0]
    assert "↳ Re: Plate search request ◀" in body[1]
    data = json.loads(run_cli("thread", case_path, reply_id, "--json").output)
    assert [m["depth"] for m in data] == [0, 1]
    refused = run_cli("thread", case_path, 999)
    assert refused.exit_code == 1 and "999" in refused.output


@needs_tesseract
def test_ocr_command_runs_pages_that_need_it(run_cli, case_path, tmp_path):
    write(tmp_path / "in" / "scan.pdf", pdf_bytes([["Cover"], None]))
    run_cli("import", case_path, tmp_path / "in", "--ocr", "off")
    result = run_cli("ocr", case_path, "--doc", 1)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split()[:3] == ["1", "1", "0"]
    text = run_cli("text", case_path, 1, "--page", 2).output
    assert "(OCR, confidence" in text and "quick brown fox" in text
    assert "No pages are waiting for OCR." in run_cli("ocr", case_path).output


@needs_tesseract
def test_bad_ocr_language_is_one_line(run_cli, case_path, tmp_path):
    result = run_cli("import", case_path, tmp_path, "--ocr-lang", "klingon")
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: OCR language klingon is not installed")
