"""Undo several steps back over the same row, and redo them (the window's Edit menu)."""

from __future__ import annotations

from workbench.core import findings
from workbench.core.undo import UndoStack


def test_edit_twice_undo_twice_redo_twice(sample_case):
    stack = UndoStack(sample_case)
    sample_case.add_listener(stack.record)
    findings.update(sample_case, 1, title="First edit")
    findings.update(sample_case, 1, title="Second edit")
    stack.undo()
    assert findings.get(sample_case, 1).title == "First edit"
    stack.undo()  # refused before: the undo of the second edit touched the same row
    assert findings.get(sample_case, 1).title.startswith("The vendor's list")
    stack.redo()
    assert findings.get(sample_case, 1).title == "First edit"
    stack.redo()
    assert findings.get(sample_case, 1).title == "Second edit"
    stack.undo()
    stack.undo()
    assert findings.get(sample_case, 1).title.startswith("The vendor's list")
