"""The verification docks installed in the real main window: menus, opening sources at
their page, and undo/redo from the Edit menu of every kind of edit, named ("Undo Add excerpt")."""

from __future__ import annotations

import pytest

from tests.ui.helpers import wait_idle
from tests.ui.docks_helpers import quiet
from workbench.core import actors, claims, excerpts, findings, statements, tags
from workbench.ui.reconcile.actors_panel import save_actor
from workbench.ui.shell.verification_docks import install_verification_docks
from workbench.ui.reconcile.responses import save_statement


@pytest.fixture
def verification(sample_window, qtbot):
    p = install_verification_docks(sample_window, sample_window.session)
    quiet(p, p.board, p.findings, p.actors, p.responses)
    p.undo.reporter.quiet = True
    wait_idle(qtbot, sample_window)
    yield p


def _menu_texts(window) -> dict[str, list[str]]:
    out = {}
    for action in window.menuBar().actions():
        if action.menu() is not None:
            out[action.text().replace("&", "")] = [a.text().replace("&", "")
                                                   for a in action.menu().actions()]
    return out


def test_menus_and_shortcuts(verification, sample_window):
    menus = _menu_texts(sample_window)
    assert "Export report…" in menus["File"]
    assert "Record statement…" in menus["Edit"]
    assert "Add actor from selection…" in menus["Edit"]
    assert menus["Edit"][0].startswith("Undo")  # "Undo Add tag": the case's history
    assert {"Reconciliation board", "Findings", "Actors", "Responses",
            "Readiness"} <= set(menus["Reconcile"])
    keys = [a.shortcut().toString() for a in sample_window.actions() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), "a shortcut is used twice"
    assert verification.undo.undo_action is sample_window.undo_action
    assert sample_window.undo_action.shortcut().toString() == "Ctrl+Z"


def test_show_panels_by_keyboard_and_open_sources_at_their_page(verification, sample_window, qtbot):
    verification.show_actions["board"].trigger()
    assert verification.docks["board"].isVisible()
    verification.board.select_claim(1)
    view = verification.board.columns["contradicts"].view
    view.activated.emit(view.model().index(1, 0))  # the account export excerpt
    ex = excerpts.get(sample_window.session.reader, 4)
    assert sample_window.reader.document.id == ex.document_id
    assert sample_window.reader.page_no == ex.page_no
    verification.open_source("excerpt", 5)  # the export's second page
    ex5 = excerpts.get(sample_window.session.reader, 5)
    assert (sample_window.reader.document.id, sample_window.reader.page_no) == (
        ex5.document_id, ex5.page_no) and ex5.page_no == 2
    verification.open_source("statement", 2)  # Brookfield's emailed statement
    assert sample_window.reader.document.id == statements.get(
        sample_window.session.reader, 2).document_id
    verification.go_to("finding", 3)
    assert verification.docks["findings"].isVisible() and verification.findings.finding_id == 3


def test_add_actor_from_the_readers_selection(verification, sample_window, qtbot):
    doc = excerpts.get(sample_window.session.reader, 5).document_id
    sample_window.open_document(doc, 2)
    view = sample_window.reader.text_view
    start = view.text.index("Dunmore County Sheriff")
    view.select_range(start, start + len("Dunmore County Sheriff"))
    dialog = verification.add_actor_from_selection()
    assert dialog.name_edit.text() == "Dunmore County Sheriff"
    assert "already names" in dialog.existing_label.text()
    dialog.name_edit.setText("Dunmore County Detective Unit")
    dialog.accept()
    wait_idle(qtbot, sample_window)
    assert actors.find(sample_window.session.reader, "Dunmore County Detective Unit")


def _undo_redo(qtbot, window, label, check_done, check_undone):
    action = window.undo_action
    qtbot.waitUntil(lambda: action.text() == f"&Undo {label}", timeout=10000)
    assert action.isEnabled()
    action.trigger()
    wait_idle(qtbot, window)
    assert check_undone(), f"undo {label}"
    qtbot.waitUntil(lambda: window.redo_action.text() == f"&Redo {label}", timeout=10000)
    window.redo_action.trigger()
    wait_idle(qtbot, window)
    assert check_done(), f"redo {label}"


def test_undo_and_redo_every_kind_of_edit(verification, sample_window, qtbot):
    w = sample_window
    case = w.session.reader

    def submit(label, fn):
        job = w.session.jobs.run(label, lambda c, _p: fn(c))
        wait_idle(qtbot, w)
        assert job.error is None, job.error
        return job.result

    # An excerpt, made as the reader makes one.
    doc = excerpts.get(case, 4).document_id
    page = case.row("SELECT text FROM pages WHERE document_id = ? AND page_no = 1",
                    (doc,))["text"]
    start = page.index("Account type")
    w.add_excerpt(doc, 1, start, start + len("Account type"))
    wait_idle(qtbot, w)
    made = max(e.id for e in excerpts.list_all(case))
    _undo_redo(qtbot, w, "Add excerpt", lambda: made in [e.id for e in excerpts.list_all(case)],
               lambda: made not in [e.id for e in excerpts.list_all(case)])
    # An actor.
    save_actor(w.session, {"name": "Elm Ridge Police Department", "type": "agency",
                           "parent_id": None, "confidential": False}, ["ERPD"])
    wait_idle(qtbot, w)
    _undo_redo(qtbot, w, "Add actor", lambda: bool(actors.find(case, "ERPD")),
               lambda: not actors.find(case, "ERPD"))
    erpd = actors.find(case, "ERPD")[0].id
    # A statement: the new agency did not respond.
    save_statement(w.session, {"actor_id": erpd, "stance": "no-response",
                               "asked_on": "2019-04-08"})
    wait_idle(qtbot, w)
    _undo_redo(qtbot, w, "Record statement",
               lambda: len(statements.list_all(case, actor_id=erpd)) == 1,
               lambda: not statements.list_all(case, actor_id=erpd))
    # A claim, an evidence link, a verdict.
    claim_id = submit("claim", lambda c: claims.add(c, "Elm Ridge shares plate data.",
                                                    about=[erpd])).id
    _undo_redo(qtbot, w, "Add claim", lambda: claim_id in [c.id for c in claims.list_all(case)],
               lambda: claim_id not in [c.id for c in claims.list_all(case)])
    verification.board.select_claim(claim_id)
    verification.board.link_evidence("supports", [("excerpt", 2)])
    wait_idle(qtbot, w)
    _undo_redo(qtbot, w, "Link evidence", lambda: len(claims.evidence(case, claim_id)) == 1,
               lambda: not claims.evidence(case, claim_id))
    board = verification.board
    board.verdict_combo.setCurrentIndex(board.verdict_combo.findData("unresolved"))
    board.rationale_edit.setPlainText("Listed by the vendor; no answer from Elm Ridge.")
    board.save_verdict()
    wait_idle(qtbot, w)
    _undo_redo(qtbot, w, "Set verdict",
               lambda: claims.verdict(case, claim_id).status == "unresolved",
               lambda: claims.verdict(case, claim_id).status == "unverified")
    # A finding and a citation.
    verification.findings.add_finding("Elm Ridge did not answer")
    wait_idle(qtbot, w)
    finding_id = max(f.id for f in findings.list_all(case))
    _undo_redo(qtbot, w, "Add finding",
               lambda: finding_id in [f.id for f in findings.list_all(case)],
               lambda: finding_id not in [f.id for f in findings.list_all(case)])
    verification.findings.select_finding(finding_id)
    statement_id = statements.list_all(case, actor_id=erpd)[0].id
    verification.findings.insert_citation(("statement", statement_id), at=0)
    wait_idle(qtbot, w)
    _undo_redo(qtbot, w, "Add citation",
               lambda: len(findings.get(case, finding_id).citations) == 1,
               lambda: not findings.get(case, finding_id).citations)
    # A tag.
    submit("tag", lambda c: tags.add(c, "claim", claim_id, "needs-call"))
    _undo_redo(qtbot, w, "Add tag", lambda: tags.of(case, "claim", claim_id) == ["needs-call"],
               lambda: tags.of(case, "claim", claim_id) == [])
    # Several steps back, in order: the tag, the citation, the finding.
    for _ in range(2):
        w.undo_action.trigger()
        wait_idle(qtbot, w)
    assert not findings.get(case, finding_id).citations
    assert w.undo_action.text() == "&Undo Add finding"
    w.undo_action.trigger()
    wait_idle(qtbot, w)
    assert finding_id not in [f.id for f in findings.list_all(case)]
    # The audit log still records every step, undos and redos included.
    labels = [r["label"] for r in case.rows("SELECT label FROM actions")]
    assert "Undo Add excerpt" in labels and "Redo Add tag" in labels


def test_the_docks_follow_the_windows_case(window, sample_path, qtbot):
    p = install_verification_docks(window)
    assert not p.board.isEnabled() and not p.export_action.isEnabled()
    assert window.open_case(sample_path)
    wait_idle(qtbot, window)
    assert p.session is window.session and p.board.isEnabled()
    assert p.board.claims_model.rowCount() == 4
    window.close_case()
    assert p.session is None and not p.board.isEnabled()
    assert not window.undo_action.isEnabled()


def test_in_the_window_alone_reconcile_write_pass_the_gate_and_export(verification, sample_window,
                                                                      qtbot, tmp_path):
    """The issue's "done when", step by step through the part-2 widgets."""
    import io

    import pypdf

    w = sample_window
    case = w.session.reader
    board, editor, readiness = verification.board, verification.findings, verification.readiness
    # Reconcile a contested claim: the vendor lists Cedar Falls as sharing; it says no.
    verification.show_actions["board"].trigger()
    claim_id = 2
    board.select_claim(claim_id)
    assert board.contested_label.isVisible()
    board.verdict_combo.setCurrentIndex(board.verdict_combo.findData("refuted"))
    board.rationale_edit.setPlainText("Cedar Falls runs no cameras; what its account holds "
                                      "comes from the sheriff.")
    board.save_verdict()
    wait_idle(qtbot, w)
    assert claims.verdict(case, claim_id).status == "refuted"
    # Write a sourced finding with two citations, and make the draft finding checked.
    verification.show_actions["findings"].trigger()
    editor.add_finding("Cedar Falls has no cameras of its own")
    wait_idle(qtbot, w)
    editor.text_edit.setPlainText("The vendor lists Cedar Falls as sharing. The department "
                                  "says it has no cameras.")
    editor.insert_citation(("excerpt", 2), at=len("The vendor lists Cedar Falls as sharing."))
    wait_idle(qtbot, w)
    editor.insert_citation(("statement", 3), at=len(editor.text_edit.toPlainText()))
    wait_idle(qtbot, w)
    editor.status_combo.setCurrentIndex(editor.status_combo.findData("ready"))
    editor.save()
    wait_idle(qtbot, w)
    editor.select_finding(3)
    editor.status_combo.setCurrentIndex(editor.status_combo.findData("checked"))
    editor.save()
    wait_idle(qtbot, w)
    # Undo a step along the way, and redo it: the gate follows.
    qtbot.waitUntil(lambda: readiness.passed is True, timeout=20000)
    w.undo_action.trigger()
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: readiness.passed is False, timeout=20000)
    w.redo_action.trigger()
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: readiness.passed is True, timeout=20000)
    # Export the final PDF from File > Export report.
    verification.export_action.trigger()
    dialog = verification.export_dialog
    dialog.final_radio.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "report.pdf"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    assert not dialog.result.refused
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(
        io.BytesIO((tmp_path / "report.pdf").read_bytes())).pages)
    assert "Cedar Falls has no cameras of its own" in text and "DRAFT" not in text
    dialog.close()


def test_dock_layout_is_remembered(qtbot, settings, sample_path):
    from workbench.ui.shell.main_window import MainWindow

    first = MainWindow(settings)
    qtbot.addWidget(first)
    p = install_verification_docks(first)
    first.show()
    assert first.open_case(sample_path)
    wait_idle(qtbot, first)
    p.show_panel("findings")
    first.close()  # as a person quits: the layout is saved then
    second = MainWindow(settings)
    qtbot.addWidget(second)
    verification = install_verification_docks(second)
    second.show()
    assert verification.docks["findings"].isHidden()  # no case open yet: the welcome page
    assert second.open_case(sample_path)
    wait_idle(qtbot, second)
    assert not verification.docks["findings"].isHidden()
    assert verification.docks["board"].isHidden()
    second.close_case()


def test_panels_open_from_the_keyboard(verification, sample_window, qtbot):
    from PySide6.QtCore import Qt

    sample_window.activateWindow()
    qtbot.waitUntil(sample_window.isActiveWindow, timeout=5000)
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for key, attr in ((Qt.Key.Key_B, "board"), (Qt.Key.Key_N, "findings"),
                      (Qt.Key.Key_G, "readiness")):
        qtbot.keyClick(sample_window.documents_view, key, mods)
        assert not verification.docks[attr].isHidden(), attr
    assert verification.readiness.view.hasFocus()  # the opened panel takes the keyboard


def test_dossier_reads_the_windows_search_index(verification, sample_window, qtbot):
    from workbench.core import reconcile
    from workbench.core.search.store import CaseIndex

    index = CaseIndex(sample_window.session.reader)
    assert index.check().fresh  # the window keeps it; the dossier only reads it
    d = reconcile.dossier(sample_window.session.reader, 5, index=index)
    index.close()
    assert len(d.mentions) == 3 and all("«" in m.snippet for m in d.mentions)
    verification.show_panel("actors")
    with qtbot.waitSignal(verification.actors.dossier_shown, timeout=20000):
        verification.actors.select_actor(5)
    assert "Pages that name it (3)" in verification.actors.dossier.toPlainText()
