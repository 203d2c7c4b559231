"""The findings editor: a finding with two citations as marks, hover quotes, reorder by
drag, and undo/redo of findings and citations."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from tests.ui.docks_helpers import quiet, run, settle
from workbench.core import excerpts, findings
from workbench.ui import dragdrop
from workbench.ui.reconcile.findings_editor import (CitationPickerDialog, FindingsEditor,
                                                    insert_mark, marks, remove_mark)
from workbench.ui.shell.undo_actions import UndoActions


def _editor(qtbot, session) -> FindingsEditor:
    editor = FindingsEditor(session)
    qtbot.addWidget(editor)
    editor.resize(1000, 600)
    editor.show()
    quiet(editor)
    return editor


def test_marks_follow_citation_positions():
    text, n, caret = insert_mark("Brookfield has no cameras. It is read-only.", 26)
    assert (text, n) == ("Brookfield has no cameras.[1] It is read-only.", 1)
    assert caret == 29
    text, n, _ = insert_mark(text, len(text))
    assert n == 2 and marks(text) == [1, 2]
    text, n, _ = insert_mark(text, 10)  # before [1]: becomes 1, the others shift
    assert n == 1 and marks(text) == [1, 2, 3]
    assert marks(remove_mark(text, 2)) == [1, 2]


def test_write_a_finding_with_two_citations(qtbot, session):
    editor = _editor(qtbot, session)
    run(qtbot, session, editor.add_finding("Brookfield cannot share plate data"))
    settle(qtbot, session)
    finding_id = editor.finding_id
    assert editor.title_edit.text() == "Brookfield cannot share plate data"
    editor.text_edit.setFocus()
    qtbot.keyClicks(editor.text_edit, "The vendor lists Brookfield as sharing.")
    run(qtbot, session, editor.insert_citation(("excerpt", 1)))
    qtbot.keyClicks(editor.text_edit, " The department denies it.")
    run(qtbot, session, editor.insert_citation(("statement", 2)))
    editor.status_combo.setCurrentIndex(editor.status_combo.findData("checked"))
    run(qtbot, session, editor.save())
    f = findings.get(session.reader, finding_id)
    assert f.text == ("The vendor lists Brookfield as sharing.[1] The department denies "
                      "it.[2]")
    assert [(c.position, c.kind, c.target_id) for c in f.citations] == [
        (1, "excerpt", 1), (2, "statement", 2)]
    assert f.status == "checked"
    assert editor.citations_model.rowCount() == 2
    assert not editor.unmarked_label.text()
    # Hovering a mark shows the quotation it cites.
    tip = editor.quote_for(1)
    assert excerpts.get(session.reader, 1).quote in tip
    assert "PlateStream customer network report" in tip  # where it is quoted from
    rect = editor.text_edit.cursorRect(_cursor_at(editor, f.text.index("[2]") + 1))
    assert editor.text_edit.mark_at(rect.center()) == 2


def _cursor_at(editor, index):
    cursor = editor.text_edit.textCursor()
    cursor.setPosition(index)
    return cursor


def test_citation_picker_searches_excerpts_and_statements(qtbot, session):
    dialog = CitationPickerDialog(session.reader, query="read-only")
    qtbot.addWidget(dialog)
    assert dialog.proxy.rowCount() >= 2  # the export excerpt and Brookfield's statement
    dialog.kind_combo.setCurrentIndex(2)  # statements only
    assert dialog.proxy.rowCount() == 1
    assert dialog.chosen() == ("statement", 2)


def test_insert_between_marks_renumbers_them(qtbot, session):
    editor = _editor(qtbot, session)
    run(qtbot, session, editor.add_finding("Two sources"))
    settle(qtbot, session)
    editor.text_edit.setPlainText("One. Two.")
    run(qtbot, session, editor.insert_citation(("excerpt", 2), at=9))
    run(qtbot, session, editor.insert_citation(("excerpt", 3), at=4))
    f = findings.get(session.reader, editor.finding_id)
    assert f.text == "One.[1] Two.[2]"
    assert [c.target_id for c in f.citations] == [3, 2]
    c = f.citations[0]
    run(qtbot, session, editor.remove_citation(c))
    f = findings.get(session.reader, editor.finding_id)
    assert f.text == "One. Two.[1]" and [c.target_id for c in f.citations] == [2]


def test_reorder_findings_by_dragging(qtbot, session):
    editor = _editor(qtbot, session)
    model = editor.model
    third = model.rows[2].id
    mime = model.mimeData([model.index(2)])
    assert dragdrop.mime_refs(mime) == [("finding", third)]
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    settle(qtbot, session)
    assert [f.id for f in findings.list_all(session.reader)][0] == third
    assert model.rows[0].id == third
    assert model.index(0).data().startswith("1. The vendor and its parent")


def test_undo_and_redo_findings_and_citations(qtbot, session):
    editor = _editor(qtbot, session)
    undo = UndoActions(session, editor)
    settle(qtbot, session)
    run(qtbot, session, editor.add_finding("To be undone"))
    settle(qtbot, session)
    finding_id = editor.finding_id
    editor.text_edit.setPlainText("Cited.")
    run(qtbot, session, editor.insert_citation(("statement", 6), at=6))
    qtbot.waitUntil(lambda: undo.undo_action.text() == "&Undo Add citation")
    editor.title_edit.setText("Renamed")
    run(qtbot, session, editor.save())
    run(qtbot, session, editor.move_finding(finding_id, 1))
    qtbot.waitUntil(lambda: undo.undo_action.text() == "&Undo Reorder findings")
    run(qtbot, session, undo.undo())  # reorder
    assert findings.list_all(session.reader)[-1].id == finding_id
    run(qtbot, session, undo.undo())  # edit
    assert findings.get(session.reader, finding_id).title == "To be undone"
    assert editor.title_edit.text() == "To be undone"
    run(qtbot, session, undo.undo())  # citation and its mark
    f = findings.get(session.reader, finding_id)
    assert not f.citations and f.text == ""
    run(qtbot, session, undo.undo())  # the finding
    assert finding_id not in [f.id for f in findings.list_all(session.reader)]
    assert editor.model.rowCount() == 3
    for _ in range(3):
        run(qtbot, session, undo.redo())
    f = findings.get(session.reader, finding_id)
    assert f.title == "Renamed" and f.text == "Cited.[1]" and len(f.citations) == 1


def test_delete_a_finding_with_the_delete_key_and_undo_it(qtbot, session):
    editor = _editor(qtbot, session)
    undo = UndoActions(session, editor)
    settle(qtbot, session)
    first = findings.list_all(session.reader)[0]
    editor.select_finding(first.id)
    editor.list_view.setFocus()
    delete = next(a for a in editor.list_view.actions() if a.text() == "Delete finding")
    run(qtbot, session, editor.delete_finding(editor.finding_id))
    settle(qtbot, session)
    assert first.id not in [f.id for f in findings.list_all(session.reader)]
    assert delete.shortcut().toString() == "Del"
    run(qtbot, session, undo.undo())
    back = findings.get(session.reader, first.id)
    assert back.citations == first.citations and back.title == first.title
