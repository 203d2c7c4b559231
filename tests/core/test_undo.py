"""Undo and redo of every kind of edit, read back from the audit log."""

from __future__ import annotations

import pytest

from workbench.core import (actors, audit, claims, deletion, documents, excerpts, findings,
                            statements, tags, undo)
from workbench.core.casefile import Case


def snapshot(case: Case) -> dict:
    """Every user-visible table's rows, to compare states before and after."""
    out = {}
    for table in ("documents", "pages", "excerpts", "actors", "actor_aliases", "statements",
                  "claims", "claim_actors", "evidence", "verdicts", "findings", "citations",
                  "tags", "taggings", "case_info"):
        out[table] = [tuple(r) for r in case.rows(f"SELECT * FROM [{table}] ORDER BY 1")]
    return out


@pytest.fixture
def stack(sample_case):
    s = undo.UndoStack(sample_case)
    sample_case.add_listener(s.record)
    return s


EDITS = {
    "excerpt": lambda c: excerpts.add(c, document_id=2, page=1, quote="Total agencies sharing"),
    "actor": lambda c: actors.add(c, name="Granite Bay PD", type="agency", aliases=["GBPD"]),
    "alias": lambda c: actors.add_alias(c, 5, "Brookfield Police"),
    "statement": lambda c: statements.add(c, actor_id=1, stance="declined", date="2019-04-09"),
    "claim": lambda c: claims.add(c, "Granite Bay shares data.", about=[4, 5]),
    "evidence": lambda c: claims.add_evidence(c, claim_id=1, excerpt_id=3, relation="context"),
    "verdict": lambda c: claims.set_verdict(c, claim_id=1, status="mixed", rationale="Unclear."),
    "finding": lambda c: findings.add(c, title="New", text="x", cite=[("excerpt", 1)]),
    "citation": lambda c: findings.add_citation(c, 1, "statement", 5, position=1),
    "reorder": lambda c: findings.move(c, 3, 1),
    "tag": lambda c: tags.add(c, "claim", 3, "brand-new-tag"),
    "document edit": lambda c: documents.update(c, 1, title="Renamed", confidential=True),
    "statement edit": lambda c: statements.update(c, 1, role="lieutenant"),
    "delete excerpt": lambda c: deletion.delete(c, "excerpt", 1, cascade=True),
    "delete actor": lambda c: deletion.delete(c, "actor", 5, cascade=True),
    "rename case": lambda c: c.set_title("Another title"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_undo_restores_and_redo_repeats(sample_case, stack, name):
    before = snapshot(sample_case)
    EDITS[name](sample_case)
    after = snapshot(sample_case)
    assert after != before
    label = stack.undo_label
    stack.undo()
    assert snapshot(sample_case) == before
    assert stack.redo_label == label and stack.undo_label != label
    stack.redo()
    assert snapshot(sample_case) == after
    assert sample_case.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_undo_is_audited_and_marks_what_it_reverts(sample_case, stack):
    changes = actors.add(sample_case, name="Temp", type="person")
    undone = stack.undo()
    info = undo.actions(sample_case, limit=1)[0]
    assert info.reverts == changes.action_id and info.label == "Undo Add actor"
    ops = [e.operation for e in audit.entries(sample_case, action_id=undone.action_id)]
    assert ops == ["delete"]


def test_an_action_touched_later_cannot_be_undone_out_of_order(sample_case):
    first = actors.add(sample_case, name="Temp", type="person")
    actors.update(sample_case, first.id, name="Temp 2")
    with pytest.raises(undo.CannotUndo, match="later change"):
        undo.revert(sample_case, first.action_id)
    assert actors.get(sample_case, first.id).name == "Temp 2"


def test_deleting_document_bytes_cannot_be_undone(sample_case):
    changes = deletion.delete(sample_case, "document", 8, cascade=True)
    with pytest.raises(undo.CannotUndo, match="original bytes"):
        undo.revert(sample_case, changes.action_id)


def test_nothing_to_undo(sample_case):
    s = undo.UndoStack(sample_case)
    with pytest.raises(undo.CannotUndo, match="nothing to undo"):
        s.undo()
    with pytest.raises(undo.CannotUndo, match="nothing to redo"):
        s.redo()


def test_undo_after_reopening_by_action_id(sample_path):
    with Case.open(sample_path) as case:
        changes = excerpts.add(case, document_id=2, page=1, quote="Report date: 2018-11-14")
    with Case.open(sample_path) as case:
        undo.revert(case, changes.action_id)
        assert excerpts.list_all(case, document_id=2, page=1)[-1].quote != "Report date: 2018-11-14"
