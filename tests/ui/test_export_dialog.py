"""The gate turns green in the readiness panel; the export dialog refuses a final report
while it is red, then writes the PDF (read back with pypdf) and previews its pages."""

from __future__ import annotations

import io

import pypdf

from tests.ui.docks_helpers import quiet, run, settle
from workbench.ui.publish.export_dialog import ExportDialog
from workbench.ui.reconcile.findings_editor import FindingsEditor
from workbench.ui.reconcile.readiness import ReadinessPanel


def _text(path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_gate_turns_green_then_a_final_pdf_is_exported(qtbot, session, tmp_path):
    panel = ReadinessPanel(session)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.passed is not None, timeout=20000)
    assert panel.passed is False
    assert panel.model.rowCount() == 1 and panel.model.problems[0].kind == "draft"
    assert "Not ready" in panel.status_label.text()
    with qtbot.waitSignal(panel.location_requested) as blocker:
        panel.view.doubleClicked.emit(panel.model.index(0))
    assert blocker.args == ["finding", 3]

    dialog = ExportDialog(session, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("Plate scans for OFBA")
    dialog.byline_edit.setText("By A. Reporter")
    dialog.final_radio.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "final.pdf"))
    result = run(qtbot, session, dialog.start())
    assert result.refused and not (tmp_path / "final.pdf").exists()
    assert "Not exported" in dialog.status_label.text()
    rows = [dialog.problems_view.item(n).text() for n in range(dialog.problems_view.count())]
    assert any("still a draft" in r for r in rows)
    assert not any("workbench " in r for r in rows)  # window terms, not commands

    editor = FindingsEditor(session)
    qtbot.addWidget(editor)
    quiet(editor)
    editor.select_finding(3)
    editor.status_combo.setCurrentIndex(editor.status_combo.findData("checked"))
    run(qtbot, session, editor.save())
    qtbot.waitUntil(lambda: panel.passed is True, timeout=20000)
    assert panel.model.rowCount() == 0
    assert "Ready to publish" in panel.status_label.text()

    result = run(qtbot, session, dialog.start(), timeout=60000)
    assert not result.refused and result.path == tmp_path / "final.pdf"
    text = _text(result.path)
    assert "Plate scans for OFBA" in text and "By A. Reporter" in text
    assert "A federal agent asked a local detective to run a plate" in text
    assert "DRAFT" not in text
    assert "Final report written" in dialog.status_label.text()
    assert not dialog.open_button.isHidden()
    assert len(result.preview) == 3 and result.preview[0].width() > 100
    assert dialog.preview_row.count() >= 3


def test_a_draft_is_always_exported_and_marked(qtbot, session, tmp_path):
    dialog = ExportDialog(session, folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.draft_radio.isChecked()
    dialog.path_edit.setText(str(tmp_path / "draft.pdf"))
    result = run(qtbot, session, dialog.start(), timeout=60000)
    assert "DRAFT" in _text(result.path)
    assert "Draft report written" in dialog.status_label.text()


def test_markdown_and_claimreview_formats(qtbot, session, tmp_path):
    dialog = ExportDialog(session, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("md"))
    assert dialog.path_edit.text().endswith(".md")
    result = run(qtbot, session, dialog.start(), timeout=60000)
    assert "A federal agent asked" in result.path.read_text(encoding="utf-8")
    assert not dialog.text_preview.isHidden() and "# " in dialog.text_preview.toPlainText()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("claimreview"))
    result = run(qtbot, session, dialog.start(), timeout=60000)
    assert "ClaimReview" in result.path.read_text(encoding="utf-8")


def test_export_refuses_to_overwrite_the_case(qtbot, session):
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(session.path))
    job = dialog.start()
    settle(qtbot, session)
    assert job.error and "case file" in job.error
    assert "failed" in dialog.status_label.text()


def test_cancel_leaves_no_report(qtbot, session, tmp_path):
    dialog = ExportDialog(session, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "cancelled.pdf"))
    job = dialog.start()
    job.cancel()
    settle(qtbot, session)
    assert job.was_cancelled and not (tmp_path / "cancelled.pdf").exists()
    assert dialog.export_button.isEnabled()
    assert "cancelled" in dialog.status_label.text()


def test_an_unwritable_path_is_explained(qtbot, session, tmp_path):
    dialog = ExportDialog(session, folder=tmp_path)
    qtbot.addWidget(dialog)
    (tmp_path / "taken.pdf").mkdir()
    dialog.path_edit.setText(str(tmp_path / "taken.pdf"))
    job = dialog.start()
    settle(qtbot, session)
    assert job.error and job.error.startswith("cannot write") and "internal" not in job.error


def test_a_final_claimreview_takes_its_publisher_and_url_from_the_dialog(
        qtbot, session, tmp_path):
    import json

    from workbench.core import findings

    run(qtbot, session, session.jobs.run(
        "Check", lambda case, _p: findings.update(case, 3, status="checked")))
    dialog = ExportDialog(session, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.publisher_edit.isHidden()  # PDF: no ClaimReview fields
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("claimreview"))
    assert not dialog.publisher_edit.isHidden() and not dialog.url_edit.isHidden()
    dialog.final_radio.setChecked(True)
    job = dialog.start()
    settle(qtbot, session)
    assert job.error and "fill in Publisher and Published at (URL)" in job.error
    assert "fill in Publisher" in dialog.status_label.text()
    assert not list(tmp_path.glob("*.jsonld"))
    qtbot.keyClicks(dialog.publisher_edit, "The Tri-County Ledger")
    qtbot.keyClicks(dialog.url_edit, "https://ledger.example.org/fact-checks/plates")
    result = run(qtbot, session, dialog.start(), timeout=60000)
    reviews = json.loads(result.path.read_text(encoding="utf-8"))
    reviews = reviews if isinstance(reviews, list) else reviews.get("@graph", [reviews])
    assert reviews and all(r["author"]["name"] == "The Tri-County Ledger" for r in reviews)
    assert all(r["url"].startswith("https://ledger.example.org/fact-checks/plates")
               for r in reviews)
