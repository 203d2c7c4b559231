"""Undo reaches the case's history: after the case is (re)opened, Ctrl+Z undoes what
``workbench undo`` would, and a window's own action survives closing and reopening."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import wait_idle
from tests.ui.routes import build_window, close_popups
from workbench.core import documents, findings
from workbench.core.casefile import Case


@pytest.fixture
def full_window(qtbot, settings):
    window = build_window(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    close_popups(window)
    window.close_case()


def _press_undo(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.documents_view.setFocus()
    QTest.keySequence(window, window.undo_action.shortcut())
    wait_idle(qtbot, window)
    qtbot.wait(20)


def _open(qtbot, window, path) -> None:
    assert window.open_case(path)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.undo_action.isEnabled(), timeout=5000)


def test_ctrl_z_undoes_what_another_process_did_before_the_window_opened(
        full_window, qtbot, sample_path):
    subprocess.run([sys.executable, "-m", "workbench", "finding", "add", str(sample_path),
                    "--title", "Written from the command line"], check=True,
                   capture_output=True, text=True)
    with Case.open(sample_path) as case:
        assert any(f.title == "Written from the command line" for f in findings.list_all(case))
    _open(qtbot, full_window, sample_path)
    assert full_window.undo_action.text().replace("&", "") == "Undo Add finding"
    _press_undo(qtbot, full_window)
    titles = [f.title for f in findings.list_all(full_window.session.reader)]
    assert "Written from the command line" not in titles
    # Redo brings it back: the undo was recorded like any action.
    assert full_window.redo_action.isEnabled()


def test_ctrl_z_after_reopening_undoes_the_windows_own_edit(full_window, qtbot, sample_path):
    window = full_window
    _open(qtbot, window, sample_path)
    doc_id = documents.ids(window.session.reader)[0]
    before = documents.get(window.session.reader, doc_id).title
    window.edit_document(doc_id, {"title": "Renamed in the window"})
    wait_idle(qtbot, window)
    window.close_case()
    _open(qtbot, window, sample_path)
    assert "Edit document" in window.undo_action.text()
    _press_undo(qtbot, window)
    assert documents.get(window.session.reader, doc_id).title == before
    # And the step before it (from the sample's own history) is offered next.
    assert window.undo_action.text().replace("&", "") != "Undo Edit document"
