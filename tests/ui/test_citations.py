"""Citations from the findings editor with Ctrl+K: a source already cited keeps its
number, the mark goes at the end of the word, and the editor says what a mark cites."""

from __future__ import annotations

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.ui.helpers import wait_idle
from tests.ui.routes import build_window, close_popups
from workbench.core import findings
from workbench.ui.reconcile.findings_editor import CitationPickerDialog
from workbench.ui.reconcile.findings_models import mark_place


@pytest.fixture
def editor(qtbot, settings, sample_path):
    window = build_window(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_case(sample_path)
    wait_idle(qtbot, window)
    window.verification.show_actions["findings"].trigger()
    editor = window.verification.findings
    editor.select_finding(2)
    yield window, editor
    close_popups(window)
    window.close_case()


def _ctrl_k_at(qtbot, window, editor, word: str, inside: int, ref) -> None:
    """Put the caret ``inside`` characters into ``word``, press Ctrl+K, pick ``ref``."""
    text = editor.text_edit.toPlainText()
    editor.text_edit.setFocus()
    editor.text_edit.set_caret(text.index(word) + inside)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is not None, timeout=2000)
    QTest.keySequence(editor.text_edit, "Ctrl+K")
    picker = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, CitationPickerDialog) and w.isVisible())
    for row in range(picker.proxy.rowCount()):
        c = picker.model.citable(picker.proxy.mapToSource(picker.proxy.index(row, 0)).row())
        if c.ref == ref:
            picker.view.selectRow(row)
            break
    else:
        raise AssertionError(f"{ref} not offered")
    picker.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot, window)
    qtbot.wait(200)


def test_mark_place_is_the_end_of_the_word():
    text = "records provided by OFBA"
    assert mark_place(text, text.index("provided") + 3) == text.index(" by")
    assert mark_place(text, text.index("by")) == text.index(" OFBA")
    assert mark_place("provided[1] x", 3) == len("provided[1]")
    assert mark_place("end ", 4) == 3


def test_ctrl_k_reuses_the_number_of_a_source_already_cited(editor, qtbot):
    window, ed = editor
    case = window.session.reader
    before = findings.get(case, 2).citations
    assert [(c.kind, c.target_id) for c in before][0] == ("excerpt", 6)
    _ctrl_k_at(qtbot, window, ed, "detective", 5, ("excerpt", 6))
    after = findings.get(case, 2)
    assert after.citations == before  # no duplicate, nothing renumbered
    assert "detective[1] to run" in after.text
    assert "Cite again" in window.undo_action.text()


def test_ctrl_k_on_a_new_source_marks_the_end_of_the_word(editor, qtbot):
    window, ed = editor
    case = window.session.reader
    _ctrl_k_at(qtbot, window, ed, "plate", 2, ("excerpt", 1))
    after = findings.get(case, 2)
    assert "a plate[1] through" in after.text
    assert [(c.position, c.kind, c.target_id) for c in after.citations] == [
        (1, "excerpt", 1), (2, "excerpt", 6), (3, "statement", 7)]


def test_the_editor_says_what_a_typed_mark_cites(editor, qtbot):
    window, ed = editor
    ed.text_edit.setFocus()
    ed.text_edit.moveCursor(ed.text_edit.textCursor().MoveOperation.End)
    QTest.keyClicks(ed.text_edit, " See [2]")
    assert "[2]" in ed.mark_label.text() and "—" in ed.mark_label.text()
    assert ed.citations_view.currentIndex().row() == 1
    QTest.keyClicks(ed.text_edit, " [9]")
    assert "cites nothing" in ed.mark_label.text()
    ed.text_edit.moveCursor(ed.text_edit.textCursor().MoveOperation.Start)
    assert "Ctrl+K" in ed.mark_label.text()
