"""Email import: .eml, .mbox, .msg, attachments as child documents, threads."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests import msgfile
from tests.core.import_files import (email_message, pdf_bytes, request_and_reply, write,
                                     write_mbox)
from workbench.core import documents
from workbench.core.casefile import Case
from workbench.core.errors import ValidationError
from workbench.core.importing import import_paths, threads


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


# Outlook .msg files, written by tests/msgfile.py from the specifications.

SENT = datetime(2019, 3, 1, 9, 30, tzinfo=timezone.utc)


def outlook_request(**changes) -> msgfile.Message:
    """The plate-search request as Outlook saves it, from a sender outside Exchange."""
    fields = dict(
        subject="Plate search request",
        body="Could you run plate 7ABC123 through the reader system for us?\r\n",
        sender_name="Agent Smith", sender_address="smith@agency.example",
        recipients=[msgfile.Recipient("Det. Jones", "det.jones@police.example"),
                    msgfile.Recipient("Sgt. Park", "park@police.example", msgfile.CC),
                    msgfile.Recipient("Records Unit", "records@police.example",
                                      msgfile.CC)],
        sent=SENT, received=SENT + timedelta(minutes=2),
        message_id="<req-1@agency.example>", in_reply_to="<cams@city.example>")
    fields.update(changes)
    return msgfile.Message(**fields)


def write_msg(path: Path, message: msgfile.Message) -> Path:
    return write(path, msgfile.msg_bytes(message))


def test_written_msg_files_are_well_formed_compound_files(tmp_path):
    import olefile

    path = write_msg(tmp_path / "request.msg", outlook_request(attachments=[
        msgfile.Attachment("big.txt", b"x" * 5000), msgfile.Attachment("a.txt", b"y")]))
    with olefile.OleFileIO(str(path), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        assert ole.root.clsid == "00020D0B-0000-0000-C000-000000000046"
        assert ole.openstream("__substg1.0_0037001F").read().decode("utf-16-le") == \
            "Plate search request"
        # One attachment in regular sectors, one in the mini stream.
        assert ole.openstream("__attach_version1.0_#00000000/__substg1.0_37010102"
                              ).read() == b"x" * 5000
        assert ole.openstream("__attach_version1.0_#00000001/__substg1.0_37010102"
                              ).read() == b"y"
        assert ole.get_size("__nameid_version1.0/__substg1.0_00020102") == 0

        def in_order(sid: int) -> list[str]:  # the siblings as their tree orders them
            if sid == olefile.NOSTREAM:
                return []
            entry = ole.direntries[sid]
            return in_order(entry.sid_left) + [entry.name] + in_order(entry.sid_right)

        names = in_order(ole.root.sid_child)
    assert names == sorted(names, key=msgfile.name_order)
    assert names[0] == "__nameid_version1.0"
    assert names[-6:] == ["__properties_version1.0"] + [
        f"__recip_version1.0_#0000000{n}" for n in range(3)] + [
        f"__attach_version1.0_#0000000{n}" for n in range(2)]
    # Shorter names first; names of one length compared in upper case ("_" sorts after
    # the capitals, before the small letters).
    assert sorted(["b", "a_", "A", "B_", "aa"], key=msgfile.name_order) == [
        "A", "b", "aa", "a_", "B_"]


def test_msg_headers_and_body_are_read(case, tmp_path):
    path = write_msg(tmp_path / "request.msg", outlook_request())
    report = import_paths(case, [path], origin="Records release")
    assert [i.outcome for i in report.items] == ["imported"]
    doc_id = report.items[0].document_id
    doc = documents.get(case, doc_id)
    assert (doc.kind, doc.title, doc.media_type, doc.origin) == (
        "email", "Plate search request", "application/vnd.ms-outlook", "Records release")
    headers = documents.email(case, doc_id)
    # An SMTP sender whose address is only in PR_SENDER_EMAIL_ADDRESS (no SMTP copy).
    assert headers.from_addr == "Agent Smith <smith@agency.example>"
    assert headers.to_addrs == "Det. Jones <det.jones@police.example>"
    assert headers.cc_addrs == ("Sgt. Park <park@police.example>; "
                                "Records Unit <records@police.example>")
    assert headers.date == "2019-03-01T09:30:00+00:00"  # sent, not delivered
    assert headers.subject == "Plate search request"
    assert headers.message_id == "<req-1@agency.example>"
    assert headers.in_reply_to == "<cams@city.example>"
    assert headers.raw_headers is None  # the message never crossed the internet
    assert documents.page(case, doc_id, 1).text.strip() == (
        "Could you run plate 7ABC123 through the reader system for us?")


def test_msg_sender_inside_exchange_is_given_by_smtp_address(case, tmp_path):
    message = outlook_request(
        sender_exchange_dn="/o=Agency/ou=Exchange/cn=Recipients/cn=smith",
        recipients=[msgfile.Recipient(
            "Det. Jones", "det.jones@police.example",
            exchange_dn="/o=Police/ou=Exchange/cn=Recipients/cn=jones")])
    doc_id = import_paths(case, [write_msg(tmp_path / "r.msg", message)]
                          ).items[0].document_id
    headers = documents.email(case, doc_id)
    assert headers.from_addr == "Agent Smith <smith@agency.example>"
    assert headers.to_addrs == "Det. Jones <det.jones@police.example>"


def test_msg_recipients_without_display_names_are_given_by_address(case, tmp_path):
    message = outlook_request(sender_name=None, recipients=[
        msgfile.Recipient(None, "det.jones@police.example"),
        msgfile.Recipient("park@police.example", "park@police.example", msgfile.CC)])
    doc_id = import_paths(case, [write_msg(tmp_path / "r.msg", message)]
                          ).items[0].document_id
    headers = documents.email(case, doc_id)
    assert headers.from_addr == "smith@agency.example"
    assert (headers.to_addrs, headers.cc_addrs) == ("det.jones@police.example",
                                                    "park@police.example")


def test_msg_with_only_an_html_body_imports_its_text(case, tmp_path):
    message = outlook_request(body=None, html="<html><body><p>We own <b>no</b> cameras."
                                              "</p><script>track()</script></body></html>")
    doc_id = import_paths(case, [write_msg(tmp_path / "statement.msg", message)]
                          ).items[0].document_id
    assert documents.page(case, doc_id, 1).text == "We own no cameras."


@pytest.mark.parametrize("declared", ["code page property", "meta element"])
def test_msg_html_body_is_read_in_its_character_set(case, tmp_path, declared):
    meta = ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            if declared == "meta element" else "")
    html = f"<html><head>{meta}</head><body><p>Naïve café “statement”</p></body></html>"
    message = outlook_request(body=None, html=html.encode("cp1252"),
                              html_codepage=1252 if declared == "code page property" else None)
    doc_id = import_paths(case, [write_msg(tmp_path / "statement.msg", message)]
                          ).items[0].document_id
    assert documents.page(case, doc_id, 1).text == "Naïve café “statement”"


def test_msg_attachments_become_child_documents_processed_by_type(case, tmp_path):
    form = pdf_bytes([["Request form: plate 7ABC123"]])
    message = outlook_request(attachments=[
        msgfile.Attachment("request-form.pdf", form, "application/pdf"),
        msgfile.Attachment("plates.txt", "7ABC123\n4XYZ987\n".encode(), "text/plain")])
    path = write_msg(tmp_path / "request.msg", message)
    report = import_paths(case, [path], origin="Records release")
    assert [(i.path, i.outcome) for i in report.items] == [
        (str(path), "imported"), (f"{path}:request-form.pdf", "imported"),
        (f"{path}:plates.txt", "imported")]
    email_id, pdf_id, text_id = (i.document_id for i in report.items)
    pdf, text = documents.get(case, pdf_id), documents.get(case, text_id)
    assert (pdf.kind, pdf.parent_id, pdf.file_name, pdf.origin) == (
        "pdf", email_id, "request-form.pdf", "Records release")
    assert documents.data(case, pdf_id) == form
    assert "Request form: plate 7ABC123" in documents.page(case, pdf_id, 1).text
    assert (text.kind, text.parent_id, text.source_path) == ("text", email_id,
                                                              f"{path}:plates.txt")
    assert "4XYZ987" in documents.page(case, text_id, 1).text


def test_an_outlook_item_attached_to_a_msg_is_imported_as_its_own_email(case, tmp_path):
    forwarded = msgfile.Message(
        subject="Camera locations", body="The list you asked for.",
        sender_name="Records Clerk", sender_address="clerk@city.example",
        recipients=[msgfile.Recipient("Agent Smith", "smith@agency.example")],
        sent=datetime(2019, 2, 27, 16, 5, tzinfo=timezone.utc),
        message_id="<cams@city.example>",
        attachments=[msgfile.Attachment("cameras.txt", b"Main St & 5th: 2 readers")])
    path = write_msg(tmp_path / "request.msg", outlook_request(
        attachments=[msgfile.Attachment("Camera locations", forwarded)]))
    items = import_paths(case, [path]).items
    assert [(i.path, i.outcome) for i in items] == [
        (str(path), "imported"), (f"{path}:Camera locations.msg", "imported"),
        (f"{path}:Camera locations.msg:cameras.txt", "imported")]
    outer_id, inner_id, file_id = (i.document_id for i in items)
    inner = documents.get(case, inner_id)
    assert (inner.kind, inner.title, inner.parent_id) == ("email", "Camera locations",
                                                          outer_id)
    headers = documents.email(case, inner_id)
    assert headers.from_addr == "Records Clerk <clerk@city.example>"
    assert headers.to_addrs == "Agent Smith <smith@agency.example>"
    assert headers.date == "2019-02-27T16:05:00+00:00"
    assert headers.message_id == "<cams@city.example>"
    assert documents.page(case, inner_id, 1).text.strip() == "The list you asked for."
    assert documents.get(case, file_id).parent_id == inner_id
    # The request answers the forwarded message, so the two make one thread.
    assert [(m.document_id, m.depth) for m in threads.thread(case, outer_id)] == [
        (inner_id, 0), (outer_id, 1)]


def test_msg_files_thread_by_message_id_and_in_reply_to(run_cli, case_path, tmp_path):
    folder = tmp_path / "mail"
    write_msg(folder / "request.msg", outlook_request(in_reply_to=None))
    write_msg(folder / "reply.msg", msgfile.Message(
        subject="RE: Plate search request", body="Ran it. Three hits in March.",
        sender_name="Det. Jones", sender_address="det.jones@police.example",
        recipients=[msgfile.Recipient("Agent Smith", "smith@agency.example")],
        sent=SENT + timedelta(days=1), message_id="<rep-1@police.example>",
        in_reply_to="<req-1@agency.example>"))
    result = run_cli("import", case_path, folder, "--json")
    assert json.loads(result.output)["imported"] == 2, result.output
    with Case.open(case_path) as c:
        ids = {d.file_name: d.id for d in documents.list_all(c, kind="email")}
    thread = json.loads(run_cli("thread", case_path, ids["reply.msg"], "--json").output)
    assert [(m["document_id"], m["depth"], m["parent_id"], m["from_addr"]) for m in thread] == [
        (ids["request.msg"], 0, None, "Agent Smith <smith@agency.example>"),
        (ids["reply.msg"], 1, ids["request.msg"], "Det. Jones <det.jones@police.example>")]
    shown = run_cli("thread", case_path, ids["request.msg"]).output
    assert "↳ RE: Plate search request" in shown


def test_msg_transport_headers_supply_the_fields_and_are_kept(case, tmp_path):
    raw = ("Received: from mx.agency.example by mx.police.example; "
           "Fri, 1 Mar 2019 04:30:05 -0500\r\n"
           "From: \"Agent Smith\" <smith@agency.example>\r\n"
           "To: \"Jones, Dana\" <det.jones@police.example>\r\n"
           "Cc: =?utf-8?q?Sgt=2E_Park=C3=A9?= <park@police.example>\r\n"
           "Date: Fri, 1 Mar 2019 04:30:00 -0500\r\n"
           "Subject: Plate search request\r\n"
           "Message-ID: <req-1@agency.example>\r\n"
           "In-Reply-To: <cams@city.example>\r\n"
           "References: <first@city.example>\r\n <cams@city.example>\r\n"
           "MIME-Version: 1.0\r\n\r\n")
    # Only the body, a display name and the headers: as from a server-side export.
    message = msgfile.Message(body="Could you run plate 7ABC123?", sender_name="Agent Smith",
                              transport_headers=raw)
    doc_id = import_paths(case, [write_msg(tmp_path / "in.msg", message)]
                          ).items[0].document_id
    headers = documents.email(case, doc_id)
    assert headers.from_addr == "\"Agent Smith\" <smith@agency.example>"
    # As written, not split at the comma in the name; encoded words decoded.
    assert headers.to_addrs == "\"Jones, Dana\" <det.jones@police.example>"
    assert headers.cc_addrs == "Sgt. Parké <park@police.example>"
    assert headers.date == "2019-03-01T04:30:00-05:00"
    assert headers.subject == documents.get(case, doc_id).title == "Plate search request"
    assert headers.message_id == "<req-1@agency.example>"
    assert headers.in_reply_to == "<cams@city.example>"
    assert headers.references == "<first@city.example> <cams@city.example>"
    assert headers.raw_headers == raw
