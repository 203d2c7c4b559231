"""Importing through the dialog, in the background, with a summary of failed files."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.helpers import wait_idle, write_pdf
from workbench.core import browse, documents
from workbench.ui.shell.import_dialogs import ImportDialog, ImportSummaryDialog


def _fixtures(folder):
    folder.mkdir()
    write_pdf(folder / "contract.pdf", ["Contract page one", "Plate scans are shared",
                                        "Signed by the broker"])
    (folder / "memo.txt").write_text("A memo about plate readers.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.xyz").write_bytes(b"\x00\x01 unknown format")
    return folder


def test_import_folder_through_the_dialog(window, case_path, tmp_path, qtbot):
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    folder = _fixtures(tmp_path / "release")
    dialog = window.import_dialog([str(folder)])
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    dialog.origin_edit.setText("FOIA release 1")
    dialog.confidential_check.setChecked(True)
    dialog.ocr_combo.setCurrentIndex(dialog.ocr_combo.findData("off"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    job = window.last_job
    assert job is not None and job.label == "Importing"
    with qtbot.waitSignal(job.ended, timeout=60000):
        pass
    report = job.result
    assert report.imported == 2 and report.failed == 2
    summary = window.import_summary
    assert isinstance(summary, ImportSummaryDialog) and summary.isVisible()
    reasons = {summary.model.index(r, 0).data().rsplit("/", 1)[-1]: summary.model.index(r, 2).data()
               for r in range(summary.model.rowCount())}
    assert set(reasons) == {"empty.txt", "photo.xyz"}
    assert "empty" in reasons["empty.txt"] and "unsupported" in reasons["photo.xyz"]
    summary.accept()
    # The new documents are in the table and the navigator, with what the dialog said.
    case = window.session.reader
    docs = documents.list_all(case)
    assert {d.origin for d in docs} == {"FOIA release 1"} and all(d.confidential for d in docs)
    assert window.documents_model.rowCount() == 2
    pdf = next(d for d in docs if d.kind == "pdf")
    assert pdf.page_count == 3
    nav = window.navigator.nav_model
    assert nav.index(0, 0).data() == "Documents (2)"
    imports = nav.index(4, 0)
    assert imports.data() == "Imports (1)"
    assert "2 imported, 2 failed" in nav.index(0, 0, imports).data()
    # Choosing the import in the navigator narrows the table to its documents.
    window.navigator.scope_chosen.emit({"import_id": report.import_id})
    assert window.documents_model.rowCount() == 2


def test_cancel_an_import(window, case_path, tmp_path, qtbot):
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(200):
        (folder / f"note-{n:03d}.txt").write_text(f"note {n}\f" * 20, encoding="utf-8")
    job = window.start_import([str(folder)], origin="many", summary=False)
    qtbot.waitUntil(lambda: job.fraction > 0.05, timeout=30000)
    assert window.job_bar.isVisible() and "note-" in window.job_label.text()
    job.cancel()
    with qtbot.waitSignal(job.ended, timeout=60000):
        pass
    report = job.result
    assert report.status == "cancelled"
    kept = len(documents.ids(window.session.reader))
    assert 0 < kept == report.imported < 200  # what finished before Cancel is kept


def test_drop_files_opens_the_import_dialog(window, case_path, tmp_path, qtbot):
    assert window.open_case(case_path)
    wait_idle(qtbot, window)
    f = tmp_path / "dropped.txt"
    f.write_text("dropped", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    dialog = window.findChild(ImportDialog, "importDialog")
    assert dialog is not None and dialog.paths == [str(f)]
    dialog.accept()
    wait_idle(qtbot, window)
    assert [r.title for r in browse.document_rows(window.session.reader,
                                                  documents.ids(window.session.reader))] \
        == ["dropped"]
