"""Zip archives: members as documents, escaping paths and zip bombs refused."""

from __future__ import annotations

import zipfile

from tests.core.import_files import pdf_bytes, request_and_reply, write, zip_bytes
from workbench.core import documents
from workbench.core.importing import ImportOptions, import_paths


def _by_label(report):
    return {i.path: i for i in report.items}


def test_zip_members_are_imported_with_their_path_inside_the_archive(case, tmp_path):
    request, _ = request_and_reply()
    data = zip_bytes({
        "release/letter.txt": b"Cover letter for the records release.",
        "release/emails/request.eml": request.as_bytes(),
        "release/vendor.pdf": pdf_bytes([["Agency list"], ["Page two"]]),
        "../../etc/evil.txt": b"escaped",
        "/abs/path.txt": b"absolute",
        "release/": b"",
    })
    path = write(tmp_path / "release.zip", data)
    report = import_paths(case, [path], origin="FOIA")
    items = _by_label(report)
    letter = items[f"{path}:release/letter.txt"]
    assert letter.outcome == "imported"
    doc = documents.get(case, letter.document_id)
    assert (doc.file_name, doc.source_path, doc.origin) == (
        "letter.txt", f"{path}:release/letter.txt", "FOIA")
    assert items[f"{path}:release/vendor.pdf"].pages == 2
    email_item = items[f"{path}:release/emails/request.eml"]
    attachment = items[f"{path}:release/emails/request.eml:request-form.pdf"]
    assert documents.get(case, attachment.document_id).parent_id == email_item.document_id
    for bad in ("../../etc/evil.txt", "/abs/path.txt"):
        assert items[f"{path}:{bad}"].outcome == "failed"
        assert items[f"{path}:{bad}"].reason == "refused: path escapes the archive"
    assert report.imported == 4 and report.failed == 2
    # The archive itself is a container, not a document.
    assert all(d.file_name != "release.zip" for d in documents.list_all(case))


def test_zip_bomb_by_ratio_is_refused_and_the_rest_imported(case, tmp_path):
    data = zip_bytes({"zeros.txt": b"\0" * (8 * 1024 * 1024), "ok.txt": b"real text"})
    path = write(tmp_path / "bomb.zip", data)
    items = _by_label(import_paths(case, [path]))
    assert items[f"{path}:zeros.txt"].outcome == "failed"
    assert items[f"{path}:zeros.txt"].reason.startswith("zip bomb: compressed")
    assert items[f"{path}:ok.txt"].outcome == "imported"


def test_zip_bomb_by_total_size_is_refused(case, tmp_path):
    data = zip_bytes({f"part{n}.txt": bytes([65 + n]) * 5000 for n in range(5)},
                     level=zipfile.ZIP_STORED)
    path = write(tmp_path / "big.zip", data)
    report = import_paths(case, [path], options=ImportOptions(max_archive_bytes=20_000))
    assert [(i.path, i.outcome) for i in report.items] == [(str(path), "failed")]
    assert report.items[0].reason == "zip bomb: would unpack to 24.4 KB (limit 19.5 KB)"


def test_zip_member_lying_about_its_size_is_stopped_while_reading(case, tmp_path):
    data = bytearray(zip_bytes({"small.txt": b"A" * 5000}, level=zipfile.ZIP_STORED))
    # Make the central directory claim 10 bytes: the real read must still be capped.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    path = write(tmp_path / "liar.zip", bytes(data))
    report = import_paths(case, [path], options=ImportOptions(max_archive_bytes=1000))
    item = report.items[0]
    assert item.outcome == "failed"
    assert "archive limit" in item.reason or "damaged zip member" in item.reason
    assert documents.ids(case) == []


def test_nested_zip_and_damaged_zip(case, tmp_path):
    inner = zip_bytes({"memo.txt": b"inner memo"})
    path = write(tmp_path / "outer.zip", zip_bytes({"inner.zip": inner}))
    broken = write(tmp_path / "broken.zip", b"PK\x03\x04 garbage")
    items = _by_label(import_paths(case, [path, broken]))
    assert items[f"{path}:inner.zip:memo.txt"].outcome == "imported"
    assert items[str(broken)].outcome == "failed"
    assert items[str(broken)].reason.startswith("damaged zip archive")


def test_encrypted_zip_member_needs_a_password(case, tmp_path):
    data = bytearray(zip_bytes({"secret.txt": b"classified"}, level=zipfile.ZIP_STORED))
    # Set the "encrypted" flag in the local and central headers (zipfile cannot write
    # encrypted archives).
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + offset
        data[at] |= 0x1
    path = write(tmp_path / "locked.zip", bytes(data))
    item = import_paths(case, [path]).items[0]
    assert (item.outcome, item.reason) == ("failed",
                                           "password required (encrypted zip entry)")


def test_same_bytes_in_a_zip_and_a_folder_are_one_document(case, tmp_path):
    pdf = pdf_bytes([["Same report"]])
    loose = write(tmp_path / "in" / "report.pdf", pdf)
    archive = write(tmp_path / "in" / "copy.zip", zip_bytes({"old/report-v1.pdf": pdf}))
    report = import_paths(case, [tmp_path / "in"])
    assert (report.imported, report.duplicates) == (1, 1)
    (doc_id,) = documents.ids(case)
    assert {n.source_path for n in documents.names(case, doc_id)} == {
        f"{archive}:old/report-v1.pdf", str(loose)}
