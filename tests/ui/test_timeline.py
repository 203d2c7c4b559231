"""The timeline dock on the real window: menu action, filters, opening sources, events."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.helpers import wait_idle

from workbench.core import events
from workbench.core.casefile import Case
from workbench.ui.reconcile.timeline_dialogs import EventDialog


def shown(qtbot, window):
    """Trigger the Reconcile menu's Timeline action and wait for the chronology."""
    hook = window.timeline
    assert hook.show_action.isEnabled()
    assert hook.show_action in window.menuBar().actions()[-2].menu().actions() or any(
        hook.show_action in a.menu().actions() for a in window.menuBar().actions()
        if a.menu() is not None)
    with qtbot.waitSignal(hook.panel.loaded, timeout=20000):
        hook.show_action.trigger()
    assert hook.dock.isVisible()
    return hook.panel


def row_of(panel, record) -> int:
    return next(i for i, e in enumerate(panel.model.entries) if e.record == record)


def reload(qtbot, panel) -> None:
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        panel.reload()


def test_actions_are_disabled_without_a_case(window):
    assert not window.timeline.show_action.isEnabled()
    assert not window.timeline.from_excerpt_action.isEnabled()
    assert window.timeline.show_action.shortcut().toString() == "Ctrl+Shift+L"


def test_timeline_shows_every_kind_in_order_and_opens_sources(sample_window, qtbot):
    panel = shown(qtbot, sample_window)
    kinds = {e.kind for e in panel.model.entries}
    assert {"event", "document", "email", "record", "statement", "asked", "verdict"} <= kinds
    keys = [e.when.sort_key() for e in panel.model.entries[:panel.model.dated]]
    assert keys == sorted(keys)
    month = row_of(panel, next(e.record for e in panel.model.entries
                               if e.kind == "event" and e.date == "2019-04"))
    label = panel.model.index(month, 0).data()
    assert label.startswith("April 2019") and "spans" in label
    assert "month precision" in panel.model.index(month, 0).data(Qt.ItemDataRole.ToolTipRole)
    undated = panel.model.entries[panel.model.dated:]
    assert undated and all(e.date is None for e in undated)
    # Enter on Brookfield's statement opens the email it is recorded in, at its page.
    row = row_of(panel, ("statement", 2))
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(row, 2))
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    reader = sample_window.reader
    assert (reader.document.id, reader.page_no) == (5, 1)
    assert "does not own or operate" in reader.text_view.text


def test_claim_filter_shows_evidence_for_and_against_in_time_order(sample_window, qtbot):
    panel = shown(qtbot, sample_window)
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        panel.claim_filter.setCurrentIndex(panel.claim_filter.findData(1))
    sides = [panel.model.index(r, 3).data() for r in range(panel.model.rowCount())]
    record, denial = row_of(panel, ("excerpt", 1)), row_of(panel, ("statement", 2))
    assert record < denial and sides[record] == "for" and sides[denial] == "against"
    assert panel.model.index(record, 3).data(Qt.ItemDataRole.BackgroundRole) is not None
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        panel.from_edit.setText("2019-04")
        panel.from_edit.editingFinished.emit()
    assert all(e.when.end.isoformat() >= "2019-04-01" for e in panel.model.entries)


def test_add_event_from_the_selected_excerpt(sample_window, qtbot):
    side = sample_window.side_panel
    row = next(r for r in range(side.excerpts_model.rowCount())
               if side.excerpts_model.excerpt(r).id == 1)
    side.excerpts_view.setCurrentIndex(side.excerpts_model.index(row, 0))
    panel = shown(qtbot, sample_window)
    sample_window.timeline.from_excerpt_action.trigger()
    dialog = next(d for d in panel.findChildren(EventDialog) if d.isVisible())
    assert dialog.date_edit.text() == "2018-11-14"  # the date nearest the quote on its page
    assert dialog.sources_edit.text() == "excerpt:1"
    dialog.text_edit.setText("Vendor lists Brookfield as sharing")
    dialog.date_edit.setText("2018-11")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot, sample_window)
    with Case.open(sample_window.session.path) as c:
        ev = [e for e in events.list_all(c) if e.text == "Vendor lists Brookfield as sharing"]
    assert len(ev) == 1 and ev[0].date == "2018-11" and str(ev[0].sources[0]) == "excerpt:1"
    qtbot.waitUntil(lambda: any(e.record == ("event", ev[0].id)
                                for e in panel.model.entries), timeout=20000)


def test_a_bad_date_keeps_the_dialog_open_and_writes_nothing(sample_window, qtbot):
    panel = shown(qtbot, sample_window)
    before = sample_window.session.reader.revision
    dialog = panel.add_event()
    dialog.date_edit.setText("2019-02-30")
    dialog.text_edit.setText("x")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "not a real date" in dialog.problem_label.text()
    dialog.reject()
    wait_idle(qtbot, sample_window)
    assert sample_window.session.reader.revision == before


def test_suggested_date_becomes_an_event_only_when_chosen(sample_window, qtbot):
    panel = shown(qtbot, sample_window)
    count = len(events.list_all(sample_window.session.reader))
    with qtbot.waitSignal(panel.suggestions_shown, timeout=20000) as shown_signal:
        panel.suggest_button.click()
    dialog = shown_signal.args[0]
    assert dialog.list.count() > 0
    wait_idle(qtbot, sample_window)
    assert len(events.list_all(sample_window.session.reader)) == count
    row = next(i for i, s in enumerate(dialog.suggestions) if s.date == "2019-01-22")
    dialog.list.setCurrentRow(row)
    dialog.text_edit.setText("Court orders the release")
    dialog.add_button.click()
    wait_idle(qtbot, sample_window)
    made = [e for e in events.list_all(sample_window.session.reader)
            if e.text == "Court orders the release"]
    assert len(made) == 1 and made[0].sources[0].kind == "excerpt"


def test_edit_and_delete_the_selected_event(sample_window, qtbot):
    panel = shown(qtbot, sample_window)
    row = next(i for i, e in enumerate(panel.model.entries) if e.kind == "event")
    event_id = panel.model.entries[row].record[1]
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    assert panel.edit_button.isEnabled() and panel.delete_button.isEnabled()
    dialog = panel.edit_current()
    dialog.circa_check.setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot, sample_window)
    assert events.get(sample_window.session.reader, event_id).circa
    qtbot.waitUntil(lambda: any(e.record == ("event", event_id) and e.circa
                                for e in panel.model.entries), timeout=20000)
    row = row_of(panel, ("event", event_id))
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    panel.delete_button.click()
    wait_idle(qtbot, sample_window)
    qtbot.waitUntil(lambda: all(e.record != ("event", event_id)
                                for e in panel.model.entries), timeout=20000)


def test_export_timelinejs_from_the_view(sample_window, qtbot, tmp_path):
    panel = shown(qtbot, sample_window)
    target = tmp_path / "timeline.json"
    panel.export(str(target), "timelinejs")
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["events"] and all("start_date" in s for s in doc["events"])
    assert "Source notes" not in target.read_text(encoding="utf-8")


def test_closing_the_case_hides_the_dock(sample_window, qtbot):
    shown(qtbot, sample_window)
    sample_window.close_case()
    assert not sample_window.timeline.dock.isVisible()
    assert not sample_window.timeline.show_action.isEnabled()


def test_export_dialog_adds_the_chronology_section(sample_window, qtbot, tmp_path):
    import io

    import pypdf

    from workbench.ui.publish.export_dialog import ExportDialog

    dialog = ExportDialog(sample_window.session, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.chronology_check.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "draft.pdf"))
    with qtbot.waitSignal(sample_window.session.jobs.job_ended, timeout=60000):
        dialog.start()
    wait_idle(qtbot, sample_window)
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "draft.pdf").read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Chronology What happened when" in text
    assert "Meridian Vantage Holdings asked for comment" in text


def test_a_readiness_problem_about_an_event_opens_it_in_the_timeline(sample_window, qtbot):
    from workbench.ui import writing
    from workbench.ui.shell.verification_docks import install_verification_docks

    docks = install_verification_docks(sample_window)  # as the app does, before a case opens
    path = sample_window.session.path
    sample_window.close_case()
    assert sample_window.open_case(path)
    wait_idle(qtbot, sample_window)
    made = []
    writing.write(sample_window.session, "Add event", lambda case: events.add(
        case, date="2019-03", text="Unsourced", claim_ids=[1]),
        done=lambda changes: made.append(changes.id))
    wait_idle(qtbot, sample_window)
    qtbot.waitUntil(lambda: any(p.kind == "event-no-source"
                                for p in docks.readiness.model.problems), timeout=30000)
    row = next(n for n, p in enumerate(docks.readiness.model.problems)
               if p.kind == "event-no-source")
    panel = sample_window.timeline.panel
    docks.readiness.view.doubleClicked.emit(docks.readiness.model.index(row))
    qtbot.waitUntil(lambda: panel.current_entry() is not None
                    and panel.current_entry().record == ("event", made[0]), timeout=20000)
    assert sample_window.timeline.dock.isVisible()


def test_timeline_model_passes_the_model_tester(sample_window, qtbot, qtmodeltester):
    panel = shown(qtbot, sample_window)
    assert panel.model.rowCount() > 0
    qtmodeltester.check(panel.model)
