"""The reconciliation board: evidence on both sides (by drop and by menu), verdicts,
contradiction flags, filters, opening sources, and undo of each edit."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QDropEvent

from tests.ui.docks_helpers import quiet, run, settle
from workbench.core import claims, excerpts, reconcile
from workbench.ui import dragdrop
from workbench.ui.reconcile.board import BoardPanel
from workbench.ui.shell.undo_actions import UndoActions


def _new_claim(qtbot, session, text="Dunmore County Sheriff's Office shares plate data "
                                    "with OFBA.") -> int:
    job = session.jobs.run("claim", lambda case, _p: claims.add(case, text, about=[7]))
    return run(qtbot, session, job).id


def _board(qtbot, session) -> BoardPanel:
    board = BoardPanel(session)
    qtbot.addWidget(board)
    board.resize(1250, 700)
    board.show()
    quiet(board)
    return board


def _quote_id(session, start: str) -> int:
    return next(e.id for e in excerpts.list_all(session.reader) if e.quote.startswith(start))


def test_link_evidence_on_both_sides_by_drag_and_drop_mime_data(qtbot, session):
    claim_id = _new_claim(qtbot, session)
    board = _board(qtbot, session)
    board.select_claim(claim_id)
    assert board.claim_id == claim_id
    inbound = _quote_id(session, "Inbound sources")
    # Supporting: the MIME data a drag from the excerpts list carries, dropped on the model.
    mime = board.citables.mimeData([board.citables.index(board.citables.row_of(
        ("excerpt", inbound)), 0)])
    assert mime.hasFormat(dragdrop.MIME_REF)
    assert bytes(mime.data(dragdrop.MIME_REF).data()).decode() == f"excerpt:{inbound}"
    column = board.columns["supports"]
    assert column.model.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    assert column.model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    settle(qtbot, session)
    assert column.model.rowCount() == 1
    # Against: a real drop event on the view, carrying the sheriff's denial (statement 4).
    against = board.columns["contradicts"].view
    mime = QMimeData()
    mime.setData(dragdrop.MIME_REF, b"statement:4")
    event = QDropEvent(against.viewport().rect().center().toPointF(), Qt.DropAction.CopyAction,
                       mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    against.dropEvent(event)
    settle(qtbot, session)
    rec = reconcile.reconcile(session.reader, claim_id)
    assert [(i.kind, i.target_id) for i in rec.supports] == [("excerpt", inbound)]
    assert [(i.kind, i.target_id) for i in rec.contradicts] == [("statement", 4)]
    # Both sides now: flagged as a contradiction, in the list and on the board.
    assert rec.contested
    assert board.contested_label.isVisible()
    row = board.claims_model.row_of(claim_id)
    assert board.claims_model.index(row, board.claims_model.FLAG).data() == "⚑"


def test_drop_rejects_other_data_and_moves_an_item_between_columns(qtbot, session):
    board = _board(qtbot, session)
    board.select_claim(1)
    plain = QMimeData()
    plain.setText("excerpt:1")
    model = board.columns["context"].model
    assert not model.canDropMimeData(plain, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    # The vendor list (excerpt 1) supports claim 1: dropping it on Context moves it there.
    moving = dragdrop.refs_mime([("excerpt", 1)])
    model.dropMimeData(moving, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    settle(qtbot, session)
    rec = reconcile.reconcile(session.reader, 1)
    assert not rec.supports and [i.target_id for i in rec.context] == [1]
    assert len(claims.evidence(session.reader, 1)) == 3  # moved, not linked twice


def test_add_from_the_context_menu_path_and_unlink(qtbot, session):
    claim_id = _new_claim(qtbot, session)
    board = _board(qtbot, session)
    board.select_claim(claim_id)
    quote = _quote_id(session, "We have no agreement")
    proxy_row = board.citables_filter.mapFromSource(
        board.citables.index(board.citables.row_of(("excerpt", quote)), 0)).row()
    board.source_view.setCurrentIndex(board.citables_filter.index(
        proxy_row, board.source_view.modelColumn()))
    run(qtbot, session, board.link_selected_sources("contradicts"))
    assert board.columns["contradicts"].model.rowCount() == 1
    link = board.columns["contradicts"].model.item(0)
    run(qtbot, session, board.unlink(link.link_id))
    assert board.columns["contradicts"].model.rowCount() == 0


def test_set_a_verdict_with_rationale(qtbot, session):
    claim_id = _new_claim(qtbot, session)
    board = _board(qtbot, session)
    board.select_claim(claim_id)
    board.verdict_combo.setCurrentIndex(board.verdict_combo.findData("refuted"))
    assert board.save_verdict() is None  # no rationale: explained, not written
    assert "rationale" in board.reporter.last_error
    board.rationale_edit.setPlainText("The undersheriff denies any federal agreement and "
                                      "the vendor lists the office as not sharing.")
    run(qtbot, session, board.save_verdict())
    v = claims.verdict(session.reader, claim_id)
    assert v.status == "refuted" and v.rationale.startswith("The undersheriff")
    assert "refuted" in board.verdict_state.text()
    board.filter_combo.setCurrentIndex(board.filter_combo.findData("unresolved"))
    assert board.claims_model.row_of(claim_id) < 0


def test_filters_unresolved_contested_and_by_actor(qtbot, session):
    claim_id = _new_claim(qtbot, session)
    board = _board(qtbot, session)
    board.filter_combo.setCurrentIndex(board.filter_combo.findData("unresolved"))
    assert [r.claim.id for r in board.claims_model.rows] == [claim_id]
    board.filter_combo.setCurrentIndex(board.filter_combo.findData("contested"))
    assert claim_id not in [r.claim.id for r in board.claims_model.rows]
    board.filter_combo.setCurrentIndex(0)
    board.actor_combo.setCurrentIndex(board.actor_combo.findData(5))  # Brookfield
    assert [r.claim.id for r in board.claims_model.rows] == [1]


def test_activating_evidence_asks_to_open_its_source(qtbot, session):
    board = _board(qtbot, session)
    board.select_claim(1)
    view = board.columns["contradicts"].view
    with qtbot.waitSignal(board.source_requested) as blocker:
        view.activated.emit(view.model().index(0, 0))
    assert blocker.args == ["statement", 2]


def test_undo_and_redo_evidence_links_moves_and_verdicts(qtbot, session):
    board = _board(qtbot, session)
    undo = UndoActions(session, board)
    settle(qtbot, session)
    board.select_claim(4)
    run(qtbot, session, board.link_evidence("context", [("statement", 7 - 1)]))  # a denial
    qtbot.waitUntil(lambda: undo.undo_action.text() == "&Undo Link evidence")
    run(qtbot, session, board.link_evidence("supports", [("statement", 6)]))
    qtbot.waitUntil(lambda: undo.undo_action.text() == "&Undo Move evidence")
    board.verdict_combo.setCurrentIndex(board.verdict_combo.findData("mixed"))
    board.rationale_edit.setPlainText("Reconsidered.")
    run(qtbot, session, board.save_verdict())
    qtbot.waitUntil(lambda: undo.undo_action.text() == "&Undo Set verdict")
    run(qtbot, session, undo.undo())
    assert claims.verdict(session.reader, 4).status == "confirmed"
    assert board.verdict_combo.currentData() == "confirmed"
    run(qtbot, session, undo.undo())
    assert [i.relation for i in reconcile.reconcile(session.reader, 4).context] == ["context"]
    run(qtbot, session, undo.undo())
    assert not reconcile.reconcile(session.reader, 4).context
    assert board.columns["context"].model.rowCount() == 0
    qtbot.waitUntil(lambda: undo.redo_action.text() == "&Redo Link evidence")
    run(qtbot, session, undo.redo())
    assert board.columns["context"].model.rowCount() == 1
    run(qtbot, session, undo.redo())
    run(qtbot, session, undo.redo())
    assert claims.verdict(session.reader, 4).status == "mixed"


def test_new_claim_by_keyboard(qtbot, session, monkeypatch):
    board = _board(qtbot, session)
    from PySide6.QtWidgets import QInputDialog
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        staticmethod(lambda *a, **k: ("Brookfield buys plate data.", True)))
    run(qtbot, session, board.new_claim())
    settle(qtbot, session)
    assert board.claim_label.text() == "Brookfield buys plate data."
    assert board.columns["supports"].view.isEnabled()


def test_context_menus_offer_the_actions(qtbot, session):
    from PySide6.QtWidgets import QApplication, QMenu

    board = _board(qtbot, session)
    board.select_claim(1)

    def menu_texts(open_menu) -> list[str]:
        open_menu()
        menu = next(w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMenu) and w.isVisible())
        texts = [a.text() for a in menu.actions() if a.text()]
        menu.close()
        return texts

    column = board.columns["contradicts"]
    pos = column.view.visualRect(column.model.index(0)).center()
    texts = menu_texts(lambda: board._evidence_menu(column, pos))
    assert any(t.startswith("Move to evidence for") for t in texts)
    assert any(t.startswith("Unlink") for t in texts)
    source = board.source_view
    pos = source.visualRect(source.model().index(0, source.modelColumn())).center()
    texts = menu_texts(lambda: board._source_menu(pos))
    assert any(t.startswith("Add to claim as evidence against") for t in texts)


def test_the_claim_says_where_it_came_from(qtbot, session):
    board = _board(qtbot, session)
    board.select_claim(1)
    assert "From:" in board.about_label.text() and "page 1" in board.about_label.text()
    with qtbot.waitSignal(board.source_requested) as blocker:
        board.about_label.linkActivated.emit("excerpt:1")
    assert blocker.args == ["excerpt", 1]


def test_delete_a_claim_and_undo_it(qtbot, session):
    board = _board(qtbot, session)
    undo = UndoActions(session, board)
    settle(qtbot, session)
    claim = claims.list_all(session.reader)[0]
    links = claims.evidence(session.reader, claim.id)
    board.select_claim(claim.id)
    assert any(a.text() == "Delete claim" for a in board.claims_view.actions())
    run(qtbot, session, board.delete_claim(board.claim_id))
    settle(qtbot, session)
    assert claim.id not in [c.id for c in claims.list_all(session.reader)]
    run(qtbot, session, undo.undo())
    assert claims.evidence(session.reader, claim.id) == links
    assert claims.verdict(session.reader, claim.id).status != "unverified"
