"""One journey through the window by its menus and keys only, as a reporter would:
open the sample case, import a folder through File > Import…, read a page, select text,
Ctrl+E, Ctrl+F and open a hit, drop a source onto the board, set a verdict, write a
finding with Ctrl+K, check readiness, export a draft, undo twice, close, reopen and undo
again.

The platform's own file dialogs are answered by ``platform_dialogs`` (a test cannot
click a native dialog); everything in the window is reached by its menu entry, its
button or its key. The drag onto the board is its drop: the board's column receives the
drag's real MIME data through Qt's drop events (QDrag's own loop needs a person's mouse).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton

from tests.ui.helpers import wait_idle, write_pdf
from tests.ui.routes import build_window, close_popups
from workbench.core import claims, documents, excerpts, findings
from workbench.ui.reconcile.findings_editor import CitationPickerDialog

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def _active(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def _keys(qtbot, window, keys: str, target=None) -> None:
    _active(qtbot, window)
    if target is not None:
        target.setFocus()
    QTest.keySequence(target or window, keys)
    QApplication.processEvents()


def _menu_entry(window, menu_title: str, entry: str):
    """The action of ``menu_title`` > ``entry`` (the test then triggers it, as a click)."""
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == menu_title:
            for item in action.menu().actions():
                if item.text().replace("&", "").startswith(entry):
                    return item
    raise AssertionError(f"no {menu_title} > {entry}")


def _dialog(kind, name: str | None = None):
    return next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, kind) and w.isVisible()
                and (name is None or w.objectName() == name))


def _settle(qtbot, window, ms: int = 150) -> None:
    wait_idle(qtbot, window)
    qtbot.wait(ms)


def test_the_journey_by_menus_and_keys(qtbot, settings, sample_path, tmp_path,
                                       platform_dialogs):
    folder = tmp_path / "their-own-folder"
    folder.mkdir()
    write_pdf(folder / "sheriff-letter.pdf",
              ["Dunmore County Sheriff's Office\nWe share our plate scans with OFBA "
               "through the courtesy program.\nNo written agreement exists.",
               "Page two of the letter\nSigned, the Sheriff"])
    (folder / "call-notes.txt").write_text("Called the sheriff's office on 4 April.\n")

    window = build_window(settings)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)

    # Open the sample case: File > Open case… (Ctrl+O), the platform's dialog answers.
    platform_dialogs.files.append([str(sample_path)])
    _keys(qtbot, window, "Ctrl+O")
    assert window.session is not None
    _settle(qtbot, window)

    # Import a folder: File > Import…, "Add folder…", Import.
    platform_dialogs.folders.append(str(folder))
    _menu_entry(window, "File", "Import").trigger()
    dialog = _dialog(QDialog, "importDialog")
    next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add folder…").click()
    dialog.origin_edit.setText("Sheriff's office, April 2019")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    _settle(qtbot, window, 400)
    summary = _dialog(QDialog, "importSummary")
    summary.accept()
    case = window.session.reader
    letter = next(i for i in documents.ids(case)
                  if documents.get(case, i).file_name == "sheriff-letter.pdf")

    # Read a page: choose the letter in the list, Ctrl+PgDown and back.
    view = window.documents_view
    row = window.documents_model.row_of(letter)
    view.setFocus()
    view.setCurrentIndex(window.documents_proxy.mapFromSource(
        window.documents_model.index(row, 0)))
    assert window.reader.document.id == letter
    window.reader.text_view.setFocus()
    _keys(qtbot, window, "Ctrl+PgDown", window.reader.text_view)
    assert window.reader.page_no == 2
    _keys(qtbot, window, "Ctrl+PgUp", window.reader.text_view)
    assert window.reader.page_no == 1

    # Select text (keyboard selection in the page text) and Ctrl+E.
    text_view = window.reader.text_view
    start = text_view.text.index("We share")
    text_view.select_range(start, start)  # the caret there, as a click puts it
    for _ in range(len("We share our plate scans with OFBA")):
        QTest.keyClick(text_view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    _keys(qtbot, window, "Ctrl+E")
    excerpt_dialog = _dialog(QDialog, "excerptDialog")
    QTest.keyClick(excerpt_dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    if excerpt_dialog.isVisible():
        excerpt_dialog.accept()
    _settle(qtbot, window)
    new_excerpt = next(e for e in excerpts.list_all(case, document_id=letter))
    assert new_excerpt.quote == "We share our plate scans with OFBA"

    # Ctrl+F, type, open a hit with Enter.
    _keys(qtbot, window, "Ctrl+F")
    assert window.search_box.hasFocus()
    QTest.keyClicks(window.search_box, "courtesy")
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    hits = window.search_panel.view
    qtbot.waitUntil(lambda: hits.model().rowCount() > 0, timeout=10000)
    hits.setFocus()
    hits.setCurrentIndex(hits.model().index(0, 0))
    QTest.keyClick(hits, Qt.Key.Key_Return)
    assert window.reader.document is not None
    assert window.reader.text_view.layer_ranges("terms")

    # The board (Ctrl+Shift+B): drop the new excerpt on "Evidence for" of a claim.
    _keys(qtbot, window, "Ctrl+Shift+B")
    board = window.verification.board
    claim_id = claims.list_all(case)[0].id
    board.select_claim(claim_id)
    source = board.source_view
    src_row = next(r for r in range(board.citables_filter.rowCount())
                   if board.citables.citable(board.citables_filter.mapToSource(
                       board.citables_filter.index(r, 0)).row()).ref
                   == ("excerpt", new_excerpt.id))
    mime = board.citables_filter.mimeData([board.citables_filter.index(
        src_row, source.modelColumn())])
    target = board.columns["supports"].view.viewport()
    at = target.rect().center()
    for event in (QDragEnterEvent(at, Qt.DropAction.CopyAction, mime,
                                  Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
                  QDragMoveEvent(at, Qt.DropAction.CopyAction, mime,
                                 Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
                  QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime,
                             Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)):
        QApplication.sendEvent(target, event)
    _settle(qtbot, window)
    linked = [(e.excerpt_id, e.relation) for e in claims.evidence(case, claim_id)]
    assert (new_excerpt.id, "supports") in linked

    # Set a verdict: choose it, write why, Ctrl+Return.
    board.verdict_combo.setFocus()
    board.verdict_combo.setCurrentIndex(board.verdict_combo.findData("mixed"))
    board.rationale_edit.setFocus()
    board.rationale_edit.selectAll()
    QTest.keyClicks(board.rationale_edit, "The sheriff confirms sharing; no agreement.")
    _keys(qtbot, window, "Ctrl+Return", board.rationale_edit)
    _settle(qtbot, window)
    verdict = claims.verdict(case, claim_id)
    assert (verdict.status, verdict.rationale) == (
        "mixed", "The sheriff confirms sharing; no agreement.")

    # A finding (Ctrl+Shift+N, New finding…), its text, Ctrl+K to cite the excerpt.
    _keys(qtbot, window, "Ctrl+Shift+N")
    editor = window.verification.findings
    platform_dialogs.texts.append("The sheriff shares plate scans without an agreement")
    editor.new_button.click()
    _settle(qtbot, window)
    finding_id = editor.finding_id
    assert findings.get(case, finding_id).title.startswith("The sheriff shares")
    editor.text_edit.setFocus()
    QTest.keyClicks(editor.text_edit, "The county sheriff shares its scans with OFBA.")
    editor.text_edit.set_caret(len("The county sheriff sha"))
    _keys(qtbot, window, "Ctrl+K", editor.text_edit)
    picker = _dialog(CitationPickerDialog)
    QTest.keyClicks(picker.search_edit, "We share our plate scans")
    QTest.keyClick(picker.search_edit, Qt.Key.Key_Return)
    _settle(qtbot, window)
    written = findings.get(case, finding_id)
    assert "The county sheriff shares[1] its scans" in written.text
    assert [(c.kind, c.target_id) for c in written.citations] == [("excerpt", new_excerpt.id)]

    # Readiness (Ctrl+Shift+G) checks in the background and names what is left.
    _keys(qtbot, window, "Ctrl+Shift+G")
    readiness = window.verification.readiness
    qtbot.waitUntil(lambda: readiness.passed is not None, timeout=20000)
    assert readiness.model.rowCount() > 0  # the new finding is still a draft

    # Export a draft: Ctrl+Shift+E, Draft, where, Export.
    _keys(qtbot, window, "Ctrl+Shift+E")
    export = window.verification.export_dialog
    export.draft_radio.setChecked(True)
    export.path_edit.setText(str(tmp_path / "draft.pdf"))
    QTest.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: export.result is not None, timeout=60000)
    assert (tmp_path / "draft.pdf").stat().st_size > 1000
    export.reject()

    # Undo twice: the citation (with the text written before it), then the finding.
    labels = []
    for _ in range(2):
        _active(qtbot, window)
        window.documents_view.setFocus()
        labels.append(window.undo_action.text().replace("&", ""))
        _keys(qtbot, window, "Ctrl+Z")
        _settle(qtbot, window)
    assert labels == ["Undo Add citation", "Undo Add finding"], labels
    assert finding_id not in [f.id for f in findings.list_all(case)]

    # Close (Ctrl+W), reopen from File > Open recent, undo again.
    _keys(qtbot, window, "Ctrl+W")
    assert window.session is None
    recent = _menu_entry(window, "File", "Open recent").menu()
    recent.aboutToShow.emit()
    entry = next(a for a in recent.actions() if a.text() == str(sample_path.resolve()))
    entry.trigger()
    _settle(qtbot, window)
    qtbot.waitUntil(lambda: window.undo_action.isEnabled(), timeout=5000)
    # What the case's history holds before the two undos: the verdict.
    assert window.undo_action.text().replace("&", "") == "Undo Set verdict"
    _keys(qtbot, window, "Ctrl+Z")
    _settle(qtbot, window)
    case = window.session.reader
    assert claims.verdict(case, claim_id).rationale != (
        "The sheriff confirms sharing; no agreement.")
    close_popups(window)
    window.close_case()
