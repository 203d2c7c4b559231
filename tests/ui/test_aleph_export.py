"""File > Export > For Aleph (FollowTheMoney)… on the real window."""

from __future__ import annotations

import json

import pytest

from tests.ui.helpers import wait_idle
from workbench.core import handoff


def _menu_action(window, *path: str):
    """The action at a menu path such as ("File", "Export", "For Aleph…")."""
    actions = window.menuBar().actions()
    action = None
    for title in path:
        action = next(a for a in actions if a.text().replace("&", "") == title)
        actions = action.menu().actions() if action.menu() is not None else []
    return action


def test_entry_is_in_the_file_menu_and_needs_a_case(window):
    action = _menu_action(window, "File", "Export", "For Aleph (FollowTheMoney)…")
    assert action is window.aleph_export_action
    assert not action.isEnabled()
    action.trigger()  # ignored without a case
    assert window.aleph_export_dialog is None


@pytest.mark.skipif(not handoff.available(), reason="followthemoney not installed "
                    "(pip install 'workbench[aleph]')")
def test_export_from_the_window_leaves_confidential_out_then_asks(sample_window, qtbot,
                                                                  tmp_path):
    window = sample_window
    action = _menu_action(window, "File", "Export", "For Aleph (FollowTheMoney)…")
    assert action.isEnabled()
    action.trigger()
    dialog = window.aleph_export_dialog
    assert dialog is not None and dialog.isVisible()
    out = tmp_path / "window.ftm.jsonl"
    dialog.path_edit.setText(str(out))
    job = dialog.start()
    with qtbot.waitSignal(job.ended, timeout=60000):
        pass
    assert "Left out as confidential" in dialog.status.text()
    text = out.read_text(encoding="utf-8")
    assert "County dispatcher (source)" not in text and "tip-from-source" not in text
    entities = [json.loads(line) for line in text.splitlines()]
    assert dialog.summary.total == len(entities)

    # Including confidential material needs the user's confirmation; "No" writes nothing.
    out.unlink()
    dialog.confidential_box.setChecked(True)
    dialog.confirm = lambda: False
    assert dialog.start() is None
    assert not out.exists() and "Not exported" in dialog.status.text()
    dialog.confirm = lambda: True
    job = dialog.start()
    with qtbot.waitSignal(job.ended, timeout=60000):
        pass
    assert "INCLUDED" in dialog.status.text()
    assert "County dispatcher (source)" in out.read_text(encoding="utf-8")
    wait_idle(qtbot, window)
    dialog.close()


def test_without_the_extra_the_entry_says_how_to_install_it(sample_window, monkeypatch):
    """As on a desktop bundle built without workbench[aleph]."""
    from PySide6.QtWidgets import QMessageBox
    monkeypatch.setattr(handoff, "available", lambda: False)
    sample_window.aleph_export_action.trigger()
    assert sample_window.aleph_export_dialog is None
    box = sample_window.findChild(QMessageBox, "alephMissingExtra")
    assert box is not None and box.isVisible()
    assert "workbench[aleph]" in box.text()
    box.close()
