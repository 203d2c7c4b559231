"""Reading: PDF pages as images beside their text, emails with headers, find, excerpts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from tests.ui.helpers import wait_idle, write_pdf
from workbench.core import documents, excerpts
from workbench.ui.reading.excerpt_dialog import ExcerptDialog

PAGES = ["Cover page of the release", "The broker shares plate scans\nwith the agency",
         "Nothing here", "Plate scans again on page four"]


def _open_with_pdf(window, case_path, tmp_path, qtbot):
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    write_pdf(tmp_path / "release.pdf", PAGES)
    job = window.start_import([str(tmp_path / "release.pdf")], origin="FOIA", summary=False)
    with qtbot.waitSignal(job.ended, timeout=60000):
        pass
    wait_idle(qtbot, window)
    return documents.list_all(window.session.reader)[0]


def test_pdf_page_image_and_text(window, case_path, tmp_path, qtbot):
    doc = _open_with_pdf(window, case_path, tmp_path, qtbot)
    window.open_document(doc.id, 2)
    reader = window.reader
    assert reader.image_area.isVisible()
    qtbot.waitUntil(lambda: reader.image_label.pixmap() is not None
                    and not reader.image_label.pixmap().isNull(), timeout=10000)
    first_width = reader.image_label.pixmap().width()
    assert "broker shares plate scans" in reader.text_view.toPlainText()
    assert reader.page_count_label.text() == "of 4"
    reader.next_page()
    assert reader.page_no == 3 and reader.text_view.text == documents.page(
        window.session.reader, doc.id, 3).text
    reader.zoom_in()
    qtbot.waitUntil(lambda: reader.image_label.pixmap().width() != first_width, timeout=10000)
    assert reader.zoom_label.text() == "125%"
    reader.zoom_fit()
    assert reader.zoom_label.text() == "Fit"


def test_find_in_document_highlights_hits_across_pages(window, case_path, tmp_path, qtbot):
    doc = _open_with_pdf(window, case_path, tmp_path, qtbot)
    window.open_document(doc.id, 1)
    reader = window.reader
    reader.find_edit.setText("plate scans")
    qtbot.waitUntil(lambda: "on 2 pages" in reader.find_label.text(), timeout=3000)
    reader.find_next()  # none on page 1: moves to page 2
    assert reader.page_no == 2
    found = reader.text_view.layer_ranges("find")
    assert [reader.text_view.text[s:e].lower() for s, e in found] == ["plate scans"]
    reader.find_next()
    assert reader.page_no == 4
    reader.find_previous()
    assert reader.page_no == 2


def test_email_headers_and_thread_links(sample_window, qtbot):
    case = sample_window.session.reader
    mail = next(d for d in documents.list_all(case) if d.kind == "email")
    sample_window.open_document(mail.id)
    header = sample_window.reader.header.text()
    headers = documents.email(case, mail.id)
    assert "From:" in header and "Subject:" in header
    assert headers.subject.split()[0] in header
    assert not sample_window.reader.image_area.isVisible()


def test_select_text_and_make_an_excerpt(window, case_path, tmp_path, qtbot):
    doc = _open_with_pdf(window, case_path, tmp_path, qtbot)
    window.open_document(doc.id, 2)
    view = window.reader.text_view
    text = view.text
    start = text.index("plate scans")
    # Select by hand: click before the words, then Shift+Right over them.
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(start))
    rect = view.cursorRect(cursor)
    view.setFocus()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    view.setTextCursor(cursor)  # a click lands nearest a gap; make the start exact
    for _ in range(len("plate scans")):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_range() == (start, start + len("plate scans"))
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ExcerptDialog, "excerptDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.note_edit.setPlainText("The vendor admits sharing")
    dialog.accept()
    job = window.last_job
    with qtbot.waitSignal(job.ended, timeout=10000):
        pass
    assert job.error is None
    made = excerpts.list_all(window.session.reader, document_id=doc.id)
    assert [(e.page_no, e.start, e.end, e.quote, e.note) for e in made] == [
        (2, start, start + len("plate scans"), "plate scans", "The vendor admits sharing")]
    # Highlighted on the page, listed in the side panel.
    assert (start, start + len("plate scans")) in view.layer_ranges("excerpts")
    panel = window.side_panel
    assert panel.excerpts_model.rowCount() == 1
    # Clicking it elsewhere brings the page back with the quote highlighted.
    window.reader.show_page(1)
    index = panel.excerpts_model.index(0, 0)
    qtbot.mouseClick(panel.excerpts_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.excerpts_view.visualRect(index).center())
    assert window.reader.page_no == 2
    assert view.layer_ranges("focus") == [(start, start + len("plate scans"))]


def test_excerpt_from_context_menu_action(sample_window, qtbot):
    case = sample_window.session.reader
    doc = documents.list_all(case)[0]
    sample_window.open_document(doc.id)
    view = sample_window.reader.text_view
    view.select_range(0, 8)
    view.excerpt_action.trigger()
    dialog = sample_window.findChild(ExcerptDialog, "excerptDialog")
    assert dialog.isVisible()
    dialog.reject()


def test_excerpt_needs_a_selection(sample_window):
    sample_window.open_document(documents.list_all(sample_window.session.reader)[0].id)
    sample_window.excerpt_action.trigger()
    assert sample_window.findChild(ExcerptDialog, "excerptDialog") is None


def test_astral_characters_keep_anchors_exact(window, case_path, tmp_path, qtbot):
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    (tmp_path / "emoji.txt").write_text("Signal 🙂 says: we shared 🚓 data", encoding="utf-8")
    job = window.start_import([str(tmp_path / "emoji.txt")], summary=False)
    with qtbot.waitSignal(job.ended, timeout=20000):
        pass
    doc = documents.list_all(window.session.reader)[0]
    window.open_document(doc.id)
    view = window.reader.text_view
    start = view.text.index("we shared")
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(start))
    cursor.setPosition(view.to_qt(start + len("we shared 🚓 data")),
                       QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert view.text[slice(*view.selection_range())] == "we shared 🚓 data"
    job = window.add_excerpt(doc.id, 1, *view.selection_range())
    with qtbot.waitSignal(job.ended, timeout=10000):
        pass
    assert excerpts.list_all(window.session.reader)[0].quote == "we shared 🚓 data"


def test_edit_document_details(sample_window, qtbot):
    case = sample_window.session.reader
    doc = documents.list_all(case)[0]
    sample_window.open_document(doc.id)
    details = sample_window.side_panel.document_details
    details.title_edit.setText("Cover letter (renamed)")
    details.tags_edit.setText("key, foia")
    details.confidential_check.setChecked(True)
    details.save_button.click()
    wait_idle(qtbot, sample_window)
    from workbench.core import tags
    after = documents.get(case, doc.id)
    assert after.title == "Cover letter (renamed)" and after.confidential
    assert tags.of(case, "document", doc.id) == ["foia", "key"]
    row = sample_window.documents_model.row_of(doc.id)
    assert sample_window.documents_model.index(row, 0).data() == "Cover letter (renamed)"
    assert sample_window.documents_model.index(row, 6).data() == "foia, key"
    assert sample_window.reader.title_label.text() == "Cover letter (renamed)"
    assert "Confidential" in sample_window.reader.header.text()


def _eml(path, *, subject, msg_id, reply_to=None, attachment=None):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Agent <agent@ofba.example.gov>"
    msg["To"] = "Detective <det@cedarfalls.example.org>"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 12 Feb 2019 09:14:00 -0800"
    msg["Message-ID"] = msg_id
    if reply_to:
        msg["In-Reply-To"] = reply_to
        msg["References"] = reply_to
    msg.set_content(f"Body of {subject}")
    if attachment:
        msg.add_attachment(attachment.encode(), maintype="text", subtype="plain",
                           filename="plates.txt")
    path.write_bytes(bytes(msg))


def test_email_thread_and_attachment_links(window, case_path, tmp_path, qtbot):
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    folder = tmp_path / "mail"
    folder.mkdir()
    _eml(folder / "a.eml", subject="plate lookup", msg_id="<a@ofba.example.gov>",
         attachment="7XKD-214")
    _eml(folder / "b.eml", subject="RE: plate lookup", msg_id="<b@cf.example.org>",
         reply_to="<a@ofba.example.gov>")
    job = window.start_import([str(folder)], summary=False)
    with qtbot.waitSignal(job.ended, timeout=30000):
        pass
    case = window.session.reader
    mails = {d.title: d for d in documents.list_all(case) if d.kind == "email"}
    first = next(d for t, d in mails.items() if not t.startswith("RE"))
    reply = next(d for t, d in mails.items() if t.startswith("RE"))
    window.open_document(reply.id)
    header = window.reader.header.text()
    assert "Thread:" in header and f'href="doc:{first.id}"' in header
    window.reader.header.linkActivated.emit(f"doc:{first.id}")  # a click on the link
    assert window.reader.document.id == first.id
    header = window.reader.header.text()
    attached = [d for d in documents.list_all(case) if d.parent_id == first.id]
    assert attached and "Attachments:" in header and f'href="doc:{attached[0].id}"' in header


def test_f8_hides_the_page_text_and_the_page_fills_the_reader(window, case_path, tmp_path,
                                                              qtbot):
    from PySide6.QtTest import QTest

    doc = _open_with_pdf(window, case_path, tmp_path, qtbot)
    window.open_document(doc.id, 1)
    reader = window.reader
    qtbot.waitUntil(lambda: reader.image_label.pixmap() is not None
                    and not reader.image_label.pixmap().isNull(), timeout=10000)
    beside = reader.image_label.pixmap().width()
    reader.image_area.setFocus()
    QTest.keyClick(reader.image_area, Qt.Key.Key_F8)
    assert not reader.text_view.isVisible() and not reader.text_button.isChecked()
    # At Fit the page takes the width the text had: much wider than before.
    qtbot.waitUntil(lambda: reader.image_label.pixmap().width() > beside * 1.3,
                    timeout=10000)
    qtbot.mouseClick(reader.text_button, Qt.MouseButton.LeftButton)  # the ¶ button
    assert reader.text_view.isVisible() and reader.text_button.isChecked()
