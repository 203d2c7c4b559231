"""Recording statements: a denial, a "did not respond", the Responses list, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.docks_helpers import quiet, run, settle
from workbench.core import statements
from workbench.ui.reconcile.responses import ResponsesPanel, StatementDialog, save_statement
from workbench.ui.shell.undo_actions import UndoActions


def test_record_a_denial_through_the_dialog(qtbot, session):
    panel = ResponsesPanel(session)
    qtbot.addWidget(panel)
    quiet(panel)
    before = panel.model.rowCount()
    dialog = panel.record()
    dialog.actor_combo.setCurrentIndex(dialog.actor_combo.findData(6))  # Cedar Falls PD
    dialog.stance_combo.setCurrentIndex(dialog.stance_combo.findData("denies"))
    qtbot.keyClicks(dialog.speaker_edit, "Sgt. Leon Barrow")
    qtbot.keyClicks(dialog.role_edit, "records supervisor")
    dialog.date_edit.setText("2019-04-10")
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("email"))
    qtbot.keyClicks(dialog.text_edit, "We do not share plate data with any federal agency.")
    assert dialog.problem() is None
    dialog._accept()
    settle(qtbot, session)
    assert panel.model.rowCount() == before + 1
    new = [s for s in statements.list_all(session.reader, actor_id=6) if s.date == "2019-04-10"]
    assert len(new) == 1 and new[0].is_denial and new[0].speaker == "Sgt. Leon Barrow"
    assert new[0].channel == "email"
    row = panel.model.row_of(new[0].id)
    index = panel.model.index(row, panel.model.STANCE)
    assert index.data() == "denies"
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None  # stance coloured


def test_did_not_respond_needs_the_date_asked(qtbot, session):
    dialog = StatementDialog(session.reader, actor_id=1)
    qtbot.addWidget(dialog)
    dialog.no_response_check.setChecked(True)
    assert dialog.stance == "no-response"
    assert not dialog.text_edit.isEnabled()
    dialog.asked_edit.clear()
    assert "asked" in dialog.problem()
    dialog.asked_edit.setText("2019-04-06")
    assert dialog.problem() is None
    values = dialog.values()
    assert values["stance"] == "no-response" and values["asked_on"] == "2019-04-06"
    assert values["text"] is None and values["date"] is None
    run(qtbot, session, save_statement(session, values))
    said = statements.list_all(session.reader, actor_id=1, stance="no-response")
    assert [s.asked_on for s in said] == ["2019-04-06"]


def test_a_denial_without_words_is_explained_not_written(qtbot, session):
    dialog = StatementDialog(session.reader, actor_id=2)
    qtbot.addWidget(dialog)
    dialog.stance_combo.setCurrentIndex(dialog.stance_combo.findData("denies"))
    dialog._accept()
    assert "verbatim" in dialog.error_label.text()
    assert dialog.result() == 0


def test_edit_a_statement_and_undo_and_redo_it(qtbot, session):
    panel = ResponsesPanel(session)
    qtbot.addWidget(panel)
    quiet(panel)
    undo = UndoActions(session, panel)
    settle(qtbot, session)
    panel.select_statement(5)  # PlateStream declined
    dialog = panel.edit_current()
    dialog.role_edit.setText("spokesperson")
    dialog._accept()
    settle(qtbot, session)
    assert statements.get(session.reader, 5).role == "spokesperson"
    qtbot.waitUntil(lambda: undo.undo_action.text() == "&Undo Edit statement")
    run(qtbot, session, undo.undo())
    assert statements.get(session.reader, 5).role is None
    qtbot.waitUntil(lambda: undo.redo_action.text() == "&Redo Edit statement")
    run(qtbot, session, undo.redo())
    assert statements.get(session.reader, 5).role == "spokesperson"


def test_responses_filter_by_actor_and_open_source(qtbot, session):
    panel = ResponsesPanel(session)
    qtbot.addWidget(panel)
    panel.show_actor(5)
    assert panel.model.rowCount() == 1
    with qtbot.waitSignal(panel.source_requested) as blocker:
        panel.view.doubleClicked.emit(panel.model.index(0, 0))
    assert blocker.args == ["statement", 2]


def test_delete_a_statement_asks_when_it_is_used_and_undo_brings_all_back(qtbot, session):
    from workbench.core import claims, findings

    panel = ResponsesPanel(session)
    qtbot.addWidget(panel)
    quiet(panel)
    undo = UndoActions(session, panel)
    settle(qtbot, session)
    panel.select_statement(2)  # Brookfield's denial: evidence on a claim, cited by finding 1
    asked = []
    assert panel.delete_current(confirm=lambda text: asked.append(text) or False) is None
    assert "evidence link" in asked[0] and "finding" in asked[0]
    assert statements.get(session.reader, 2)  # declined: nothing deleted
    before = findings.get(session.reader, 1).citations
    run(qtbot, session, panel.delete_current(confirm=lambda text: True))
    settle(qtbot, session)
    assert 2 not in [s.id for s in statements.list_all(session.reader)]
    assert all(c.target_id != 2 or c.kind != "statement"
               for c in findings.get(session.reader, 1).citations)
    run(qtbot, session, undo.undo())
    assert statements.get(session.reader, 2).stance == "denies"
    assert findings.get(session.reader, 1).citations == before
    assert any(e.statement_id == 2 for e in claims.evidence(session.reader, 1))


def test_no_response_needed_from_the_button_satisfies_the_gate_and_undoes(
        qtbot, session, monkeypatch):
    """The button asks why (the question answered here as a person would type it),
    records it in one undoable action, and the gate stops asking for a response."""
    from PySide6.QtWidgets import QInputDialog

    from workbench.core import actors, findings, gate

    def add_subject(case, _progress):
        harbor = int(actors.add(case, name="Harbor Authority", type="agency").id)
        findings.add(case, title="The Harbor Authority runs the cameras",
                     text="The Harbor Authority owns the three cameras on the pier.")
        return harbor
    vendor = run(qtbot, session, session.jobs.run("Add a subject", add_subject))
    assert [p for p in gate.check(session.reader)
            if p.kind == "no-response" and p.subject_id == vendor]
    panel = ResponsesPanel(session)
    qtbot.addWidget(panel)
    quiet(panel)
    panel.show_actor(vendor)
    asked = []

    def answer(parent, title, label, text=""):
        asked.append((title, label, text))
        return "Its own records are the evidence; it is a source, not a subject.", True
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    qtbot.mouseClick(panel.not_needed_button, Qt.MouseButton.LeftButton)
    settle(qtbot, session)
    assert asked and "Harbor Authority" in asked[0][1]
    assert statements.not_needed(session.reader) == {
        vendor: "Its own records are the evidence; it is a source, not a subject."}
    assert not [p for p in gate.check(session.reader)
                if p.kind == "no-response" and p.subject_id == vendor]
    undo = UndoActions(session, panel)
    run(qtbot, session, undo.undo())
    assert statements.not_needed(session.reader) == {}
