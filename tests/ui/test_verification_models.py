"""Every model of the verification docks passes Qt's model tester on the sample case."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from workbench.core import gate, reconcile
from workbench.ui.reconcile.actors_panel import ActorsModel
from workbench.ui.reconcile.board import ClaimsModel, EvidenceModel
from workbench.ui.reconcile.citables import CitablesFilter, CitablesModel
from workbench.ui.reconcile.findings_editor import CitationsModel, FindingsModel
from workbench.ui.reconcile.readiness import ProblemsModel
from workbench.ui.reconcile.responses import ResponsesModel


def test_actors_model(qtmodeltester, session):
    model = ActorsModel()
    model.set_case(session.reader)
    assert model.rowCount() == 8
    qtmodeltester.check(model)
    assert "BPD" in model.index(model.row_of(5), ActorsModel.ALIASES).data()
    platestream = next(a for a in model.rows if a.name.startswith("PlateStream"))
    row = model.row_of(platestream.id)
    assert model.index(row, ActorsModel.PARENT).data() == "Meridian Vantage Holdings"


def test_responses_model(qtmodeltester, session):
    model = ResponsesModel()
    model.set_case(session.reader)
    assert model.rowCount() == 7
    qtmodeltester.check(model)
    stances = {model.index(r, ResponsesModel.STANCE).data() for r in range(model.rowCount())}
    assert {"denies", "did not respond", "declined to comment"} <= stances
    model.set_actor(5)
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_claims_model_and_filters(qtmodeltester, session):
    model = ClaimsModel()
    model.set_case(session.reader)
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    flags = [model.index(r, ClaimsModel.FLAG).data() for r in range(4)]
    assert flags.count("⚑") == 3  # Alder Creek's claim has evidence on one side only
    model.set_filter("contested")
    assert model.rowCount() == 3
    model.set_filter("unresolved")
    assert model.rowCount() == 0  # the sample resolves every claim
    model.set_filter("all", actor_id=7)  # the sheriff: only the Cedar Falls claim
    assert [r.claim.id for r in model.rows] == [2]
    qtmodeltester.check(model)


def test_evidence_model(qtmodeltester, session):
    rec = reconcile.reconcile(session.reader, 1)
    model = EvidenceModel("contradicts")
    model.set_items(1, rec.contradicts)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    mime = model.mimeData([model.index(0)])
    assert bytes(mime.data("application/x-workbench-ref").data()) == b"statement:2"


def test_citables_model(qtmodeltester, session):
    model = CitablesModel()
    model.set_case(session.reader)
    qtmodeltester.check(model)
    assert model.rowCount() == 12 + 7
    proxy = CitablesFilter()
    proxy.setSourceModel(model)
    proxy.set_text("read-only accounts")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)


def test_findings_models(qtmodeltester, session):
    model = FindingsModel()
    model.set_case(session.reader)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    citations = CitationsModel()
    citations.set_rows((c, None) for c in model.rows[0].citations)
    qtmodeltester.check(citations)
    assert citations.rowCount() == 6
    assert citations.index(0).data().startswith("[1]")


def test_problems_model(qtmodeltester, session):
    model = ProblemsModel()
    model.set_problems(gate.check(session.reader))
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert "draft" in model.index(0).data().lower()
    assert model.rowCount(model.index(0)) == 0
    assert not model.index(5).isValid() or model.index(5).data() is None
    assert model.index(0, 0, QModelIndex()).isValid()


def test_actor_dossier_in_one_view(qtbot, session):
    from workbench.core import reconcile
    from workbench.ui.reconcile.actors_panel import ActorsPanel

    d = reconcile.dossier(session.reader, 5)  # Brookfield (its pages scanned)
    assert [s.stance for s in d.statements] == ["denies"]
    assert [r.claim.id for r in d.claims] == [1]
    assert {m.page_no for m in d.mentions} == {1} and len(d.mentions) == 3
    panel = ActorsPanel(session)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.dossier_shown, timeout=20000):
        panel.select_actor(5)
    text = panel.dossier.toPlainText()
    assert "Statements (1)" in text and "Claims about Brookfield" in text
    assert "Pages that name it (3)" in text
    with qtbot.waitSignal(panel.page_requested) as blocker:
        panel._link(__import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl("page:3:1"))
    assert blocker.args == [3, 1]
