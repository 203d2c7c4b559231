"""The export dialog explains a refused final report in window terms ("Finding 4 cites
nothing: open it…") and its button opens the record where it is fixed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from workbench.core import gate
from workbench.core.casefile import Case
from workbench.ui.publish.export_dialog import in_window_terms


@pytest.fixture
def unfinished(sample_path):
    """The sample case with a draft finding that cites nothing (added from a terminal)."""
    subprocess.run([sys.executable, "-m", "workbench", "finding", "add", str(sample_path),
                    "--title", "Nothing cited yet"], check=True, capture_output=True)
    return sample_path


@pytest.fixture
def window(unfinished, sample_full_window):
    sample_full_window.resize(1366, 768)
    return sample_full_window


def test_every_refusal_of_the_gate_reads_in_window_terms(unfinished):
    with Case.open(unfinished) as case:
        problems = gate.check(case)
    assert {p.kind for p in problems} >= {"no-citation", "draft"}
    for p in problems:
        text, button = in_window_terms(p)
        assert "workbench " not in text and "CASE" not in text, text
        assert button.startswith("Open ")


def test_refused_final_export_opens_the_finding_from_its_button(window, qtbot, tmp_path):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    QTest.keySequence(window, "Ctrl+Shift+E")
    dialog = window.verification.export_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.path_edit.setText(str(tmp_path / "final.pdf"))
    dialog.final_radio.setChecked(True)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30000)
    assert not (tmp_path / "final.pdf").exists()
    rows = [dialog.problems_view.item(n).text() for n in range(dialog.problems_view.count())]
    nothing = next(n for n, r in enumerate(rows) if "cites nothing" in r)
    assert rows[nothing].startswith("Finding 4 “Nothing cited yet” cites nothing: open it")
    dialog.problems_view.setCurrentRow(nothing)
    assert dialog.open_problem_button.text() == "Open finding 4"
    dialog.open_problem_button.click()
    assert window.verification.docks["findings"].isVisible()
    assert window.verification.findings.finding_id == 4
    # Enter on a row opens it too.
    claim_row = next((n for n, r in enumerate(rows) if r.startswith("Claim ")), None)
    if claim_row is not None:
        dialog.problems_view.setCurrentRow(claim_row)
        QTest.keyClick(dialog.problems_view, Qt.Key.Key_Return)
        assert window.verification.docks["board"].isVisible()
