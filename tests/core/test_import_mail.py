"""Email import: .eml, .mbox, .msg, attachments as child documents, threads."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.core.import_files import (email_message, pdf_bytes, request_and_reply, write,
                                     write_mbox)
from workbench.core import documents
from workbench.core.errors import ValidationError
from workbench.core.importing import import_paths, outlook, threads


def test_eml_with_attachment_imports_the_attachment_as_a_child(case, tmp_path):
    request, _ = request_and_reply()
    path = write(tmp_path / "request.eml", request.as_bytes())
    report = import_paths(case, [path], origin="Records release")
    assert [i.outcome for i in report.items] == ["imported", "imported"]
    email_id, child_id = (i.document_id for i in report.items)
    doc = documents.get(case, email_id)
    assert (doc.kind, doc.title) == ("email", "Plate search request")
    headers = documents.email(case, email_id)
    assert headers.from_addr == "Agent Smith <smith@agency.example>"
    assert headers.to_addrs == "det.jones@police.example"
    assert headers.message_id == "<req-1@agency.example>"
    assert headers.date == "2019-03-01T09:30:00+00:00"
    assert "Subject: Plate search request" in headers.raw_headers
    assert "run plate 7ABC123" in documents.page(case, email_id, 1).text
    child = documents.get(case, child_id)
    # The attachment is processed by its own type, and linked to its email.
    assert (child.kind, child.parent_id, child.file_name) == ("pdf", email_id,
                                                               "request-form.pdf")
    assert child.source_path == f"{path}:request-form.pdf"
    assert child.origin == "Records release"
    assert "Request form: plate 7ABC123" in documents.page(case, child_id, 1).text


def test_mbox_messages_become_documents_and_a_thread(case, tmp_path):
    request, reply = request_and_reply()
    other = email_message(subject="Lunch", sender="a@example.org", to="b@example.org",
                          message_id="<lunch@example.org>", body="Noon?", day=3)
    path = write_mbox(tmp_path / "export.mbox", [reply, other, request])
    report = import_paths(case, [path])
    labels = [i.path for i in report.items if i.outcome == "imported"]
    assert labels == [f"{path}:1", f"{path}:2", f"{path}:3", f"{path}:3:request-form.pdf"]
    reply_id, other_id, request_id = (i.document_id for i in report.items[:3])
    assert documents.email(case, reply_id).in_reply_to == "<req-1@agency.example>"
    # The stored bytes are the message as it stood in the mailbox.
    assert documents.data(case, other_id).startswith(b"From: a@example.org")
    thread = threads.thread(case, reply_id)
    assert [(m.document_id, m.depth, m.parent_id) for m in thread] == [
        (request_id, 0, None), (reply_id, 1, request_id)]
    assert [m.document_id for m in threads.thread(case, other_id)] == [other_id]


def test_replies_to_a_missing_message_share_a_thread(case, tmp_path):
    first = email_message(subject="Re: cameras", sender="a@x.example", to="b@x.example",
                          message_id="<r1@x>", in_reply_to="<gone@x>",
                          references="<gone@x>", body="one", day=5)
    second = email_message(subject="Re: cameras", sender="c@x.example", to="b@x.example",
                           message_id="<r2@x>", in_reply_to="<gone@x>",
                           references="<gone@x>", body="two", day=4)
    third = email_message(subject="Re: Re: cameras", sender="b@x.example",
                          to="a@x.example", message_id="<r3@x>",
                          references="<gone@x> <r1@x>", body="three", day=6)
    for n, msg in enumerate((first, second, third), start=1):
        write(tmp_path / "in" / f"m{n}.eml", msg.as_bytes())
    ids = [i.document_id for i in import_paths(case, [tmp_path / "in"]).items]
    thread = threads.thread(case, ids[2])
    # Oldest first at each level; the third message found its parent in References.
    assert [(m.document_id, m.depth) for m in thread] == [
        (ids[1], 0), (ids[0], 0), (ids[2], 1)]


def test_thread_of_a_document_that_is_not_an_email_is_refused(case, tmp_path):
    doc_id = import_paths(case, [write(tmp_path / "a.pdf", pdf_bytes([["x"]]))]
                          ).items[0].document_id
    with pytest.raises(ValidationError, match="not an email"):
        threads.thread(case, doc_id)


def test_malformed_headers_import_what_can_be_read_and_keep_the_raw_headers(case, tmp_path):
    raw = (b"From: =?utf-8?q?broken\r\n"
           b"To: <<<nobody@@\r\n"
           b"Date: the day before yesterday\r\n"
           b"Subject: Caf\xe9 \xff records\r\n"
           b"Message-ID: <odd@example>\r\n"
           b"This line is not a header\r\n"
           b"\r\n"
           b"The body survives.\r\n")
    path = write(tmp_path / "odd.eml", raw)
    report = import_paths(case, [path])
    assert report.items[0].outcome == "imported", report.items[0].reason
    doc_id = report.items[0].document_id
    headers = documents.email(case, doc_id)
    assert headers.message_id == "<odd@example>"
    assert headers.date == "the day before yesterday"  # kept as written, not invented
    assert "Date: the day before yesterday" in headers.raw_headers
    assert "body survives" in documents.page(case, doc_id, 1).text or \
        "This line is not a header" in documents.page(case, doc_id, 1).text


def test_html_only_email_body_becomes_text(case, tmp_path):
    msg = email_message(subject="Statement", sender="press@bpd.example", to="me@x",
                        message_id="<s@bpd>", body="placeholder")
    msg.set_content("<html><body><p>We own <b>no</b> cameras.</p>"
                    "<script>track()</script></body></html>", subtype="html")
    path = write(tmp_path / "statement.eml", msg.as_bytes())
    doc_id = import_paths(case, [path]).items[0].document_id
    assert documents.page(case, doc_id, 1).text == "We own no cameras."


def test_a_damaged_msg_file_fails_with_a_reason(case, tmp_path):
    path = write(tmp_path / "export.msg", b"\xd0\xcf\x11\xe0 not really an OLE file" * 30)
    item = import_paths(case, [path]).items[0]
    assert item.outcome == "failed"
    assert "not a readable Outlook message" in item.reason


def test_msg_fields_map_to_email_headers():
    # extract-msg cannot write .msg files, so the mapping is checked on a stand-in
    # with the attributes extract-msg's Message has.
    class Broken:
        @property
        def messageId(self):
            raise ValueError("damaged stream")

    embedded = SimpleNamespace(exportBytes=lambda: b"\xd0\xcf\x11\xe0inner")
    msg = SimpleNamespace(
        sender="Agent Smith <smith@agency.example>", to="det.jones@police.example",
        cc=None, subject="Plate search request", inReplyTo=None,
        date=__import__("datetime").datetime(2019, 3, 1, 9, 30),
        headerText="Message-ID: <req-1@agency.example>\nReferences: <a@x> <b@x>\n",
        body="Could you run plate 7ABC123?", htmlBody=None,
        attachments=[SimpleNamespace(longFilename="form.pdf", data=b"%PDF-1.4 ..."),
                     SimpleNamespace(longFilename=None, shortFilename=None,
                                     displayName="Forwarded", data=embedded)])
    headers = outlook.headers_of(msg)
    assert headers.from_addr == "Agent Smith <smith@agency.example>"
    assert headers.message_id == "<req-1@agency.example>"  # from the internet headers
    assert headers.references == "<a@x> <b@x>"
    assert headers.date == "2019-03-01T09:30:00"
    assert outlook.body_of(msg) == "Could you run plate 7ABC123?"
    assert outlook.attachments_of(msg) == [("form.pdf", b"%PDF-1.4 ..."),
                                           ("Forwarded.msg", b"\xd0\xcf\x11\xe0inner")]
    assert outlook._prop(Broken(), "messageId") is None
    html_only = SimpleNamespace(body=None, htmlBody=b"<p>Hello <i>there</i></p>")
    assert outlook.body_of(html_only) == "Hello there"


def test_an_attached_zip_is_opened_and_its_members_linked_to_the_email(case, tmp_path):
    from tests.core.import_files import zip_bytes
    msg = email_message(subject="Files", sender="a@x.example", to="b@x.example",
                        message_id="<files@x>", body="See the archive.",
                        attachment=("scans.zip", zip_bytes({"memo.txt": b"The memo.",
                                                            "../x.txt": b"no"}),
                                    "application/zip"))
    path = write(tmp_path / "files.eml", msg.as_bytes())
    items = {i.path: i for i in import_paths(case, [path]).items}
    email_id = items[str(path)].document_id
    memo = items[f"{path}:scans.zip:memo.txt"]
    assert memo.outcome == "imported"
    assert documents.get(case, memo.document_id).parent_id == email_id
    assert items[f"{path}:scans.zip:../x.txt"].outcome == "failed"
