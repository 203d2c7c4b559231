"""Confidentiality is never one stray click away: unticking "Conf." in the documents
table, or "Confidential source" of an actor, asks first, naming what becomes
publishable; "No" changes nothing, "Yes" is one action that Ctrl+Z reverts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.helpers import wait_idle
from tests.ui.routes import build_window, close_popups
from workbench.core import actors, documents
from workbench.ui.models import DocumentsModel


@pytest.fixture
def full_window(qtbot, settings, sample_path):
    window = build_window(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_case(sample_path)
    wait_idle(qtbot, window)
    yield window
    close_popups(window)
    window.close_case()


def _confidential_doc(window) -> documents.Document:
    case = window.session.reader
    return next(d for d in (documents.get(case, i) for i in documents.ids(case))
                if d.confidential)


def _press_space_on_conf(qtbot, window, doc_id: int) -> None:
    view = window.documents_view
    row = window.documents_model.row_of(doc_id)
    index = window.documents_proxy.mapFromSource(
        window.documents_model.index(row, DocumentsModel.CONFIDENTIAL))
    view.setCurrentIndex(index)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Space)
    wait_idle(qtbot, window)
    qtbot.wait(200)  # the screens catch up


def test_unticking_conf_asks_and_no_keeps_it_confidential(full_window, qtbot,
                                                          platform_dialogs):
    window = full_window
    doc = _confidential_doc(window)
    platform_dialogs.answers.append(QMessageBox.StandardButton.No)
    _press_space_on_conf(qtbot, window, doc.id)
    assert len(platform_dialogs.asked) == 1
    assert doc.title in platform_dialogs.asked[0] and "report" in platform_dialogs.asked[0]
    assert documents.get(window.session.reader, doc.id).confidential
    index = window.documents_model.index(window.documents_model.row_of(doc.id),
                                         DocumentsModel.CONFIDENTIAL)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked.value


def test_yes_makes_it_publishable_and_ctrl_z_reverts(full_window, qtbot, platform_dialogs):
    window = full_window
    doc = _confidential_doc(window)
    platform_dialogs.answers.append(QMessageBox.StandardButton.Yes)
    _press_space_on_conf(qtbot, window, doc.id)
    assert not documents.get(window.session.reader, doc.id).confidential
    qtbot.waitUntil(lambda: "not confidential" in window.undo_action.text())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    QTest.keySequence(window, window.undo_action.shortcut())
    wait_idle(qtbot, window)
    assert documents.get(window.session.reader, doc.id).confidential
    # Making a document confidential asks nothing.
    case = window.session.reader
    public = next(i for i in documents.ids(case) if not documents.get(case, i).confidential)
    _press_space_on_conf(qtbot, window, public)
    assert documents.get(case, public).confidential
    assert len(platform_dialogs.asked) == 1


def test_actor_dialog_asks_before_a_source_becomes_publishable(full_window, qtbot,
                                                               platform_dialogs):
    window = full_window
    part2 = window.verification
    source = next(a for a in actors.list_all(window.session.reader) if a.confidential)
    part2.show_panel("actors")
    part2.actors.select_actor(source.id)
    dialog = part2.actors.edit_current()
    dialog.confidential_check.setChecked(False)
    platform_dialogs.answers.append(QMessageBox.StandardButton.No)
    dialog._accept()
    assert dialog.isVisible() and dialog.confidential_check.isChecked()
    assert source.name in platform_dialogs.asked[-1]
    dialog.confidential_check.setChecked(False)
    platform_dialogs.answers.append(QMessageBox.StandardButton.Yes)
    dialog._accept()
    wait_idle(qtbot, window)
    assert not actors.get(window.session.reader, source.id).confidential
    window.undo_action.trigger()
    wait_idle(qtbot, window)
    assert actors.get(window.session.reader, source.id).confidential
