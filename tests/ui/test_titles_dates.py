"""A document's title and date edited in the window: in the table (F2 on the cell) and in
Details; the Date column shows the document's date, never the import date."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.ui.helpers import wait_idle
from workbench.core import documents
from workbench.ui.models import DocumentsModel


def _cell(window, doc_id: int, column: int):
    row = window.documents_model.row_of(doc_id)
    return window.documents_proxy.mapFromSource(window.documents_model.index(row, column))


def _type_into_cell(qtbot, window, index, text: str) -> None:
    view = window.documents_view
    view.setCurrentIndex(index)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    qtbot.wait(250)


def test_date_column_shows_the_documents_date_not_the_import_date(sample_window, qtbot):
    w = sample_window
    case = w.session.reader
    undated = next(i for i in documents.ids(case) if documents.get(case, i).kind != "email")
    assert _cell(w, undated, DocumentsModel.DATE).data() != documents.get(
        case, undated).imported_at[:10]
    _type_into_cell(qtbot, w, _cell(w, undated, DocumentsModel.DATE), "2019-02-14")
    assert documents.get(case, undated).date == "2019-02-14"
    assert _cell(w, undated, DocumentsModel.DATE).data() == "2019-02-14"


def test_title_and_date_from_details_and_refusal_of_a_bad_date(sample_window, qtbot):
    w = sample_window
    case = w.session.reader
    doc_id = documents.ids(case)[0]
    w.open_document(doc_id)
    details = w.side_panel.document_details
    w.side_panel.setCurrentWidget(w.side_panel.details)  # the "Details" tab, clicked
    details.title_edit.setText("Vendor sharing list")
    details.date_edit.setText("2019-03")
    QTest.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, w)
    qtbot.wait(250)
    doc = documents.get(case, doc_id)
    assert (doc.title, doc.date) == ("Vendor sharing list", "2019-03")
    assert w.reader.title_label.text() == "Vendor sharing list"
    assert "2019-03" in w.reader.header.text()
    details.date_edit.setText("March 2019")
    QTest.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, w)
    error = next(b for b in QApplication.topLevelWidgets()
                 if b.objectName() == "errorDialog" and b.isVisible())
    assert "YYYY" in error.text()
    error.close()
    assert documents.get(case, doc_id).date == "2019-03"
