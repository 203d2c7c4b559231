"""Tags on documents, excerpts, actors, statements, claims and findings."""

from __future__ import annotations

from workbench.core import validate
from workbench.core.casefile import Case
from workbench.core.changes import Changes
from workbench.core.errors import NotFound
from workbench.core.schema import TAG_TARGETS

TARGETS = TAG_TARGETS


def _check(case: Case, kind: str, target_id: int) -> None:
    validate.one_of(kind, TARGETS, "what to tag")
    validate.exists(case, f"{kind}s", target_id, kind)


def add(case: Case, kind: str, target_id: int, name: str) -> Changes:
    name = validate.text(name, "the tag")
    _check(case, kind, target_id)
    with case.action("Add tag") as act:
        act.row_id = target_id
        row = case.row("SELECT id FROM tags WHERE name = ?", (name,))
        tag_id = row["id"] if row else act.insert("tags", {"name": name})
        if case.row("SELECT 1 FROM taggings WHERE tag_id = ? AND target_kind = ? AND "
                    "target_id = ?", (tag_id, kind, target_id)) is None:
            act.insert("taggings", {"tag_id": tag_id, "target_kind": kind,
                                    "target_id": target_id})
            act.touch(f"{kind}s", target_id)
    return act.changes


def remove(case: Case, kind: str, target_id: int, name: str) -> Changes:
    _check(case, kind, target_id)
    row = case.row("SELECT g.id FROM taggings g JOIN tags t ON t.id = g.tag_id WHERE "
                   "t.name = ? AND g.target_kind = ? AND g.target_id = ?",
                   (name, kind, target_id))
    if row is None:
        raise NotFound("tag", f"{name!r} on {kind} {target_id}")
    with case.action("Remove tag") as act:
        act.row_id = target_id
        act.delete("taggings", row["id"])
        act.touch(f"{kind}s", target_id)
    return act.changes


def of(case: Case, kind: str, target_id: int) -> list[str]:
    return [r[0] for r in case.rows(
        "SELECT t.name FROM taggings g JOIN tags t ON t.id = g.tag_id "
        "WHERE g.target_kind = ? AND g.target_id = ? ORDER BY t.name COLLATE NOCASE",
        (kind, target_id))]


def of_every(case: Case, kind: str) -> dict[int, list[str]]:
    """:func:`of` for every ``kind`` thing that has tags at once (one query), by id."""
    found: dict[int, list[str]] = {}
    for r in case.rows(
            "SELECT g.target_id, t.name FROM taggings g JOIN tags t ON t.id = g.tag_id "
            "WHERE g.target_kind = ? ORDER BY g.target_id, t.name COLLATE NOCASE", (kind,)):
        found.setdefault(r[0], []).append(r[1])
    return found


def all_tags(case: Case) -> list[tuple[str, int]]:
    """Every tag with how many things carry it."""
    return [(r[0], r[1]) for r in case.rows(
        "SELECT t.name, count(g.id) FROM tags t LEFT JOIN taggings g ON g.tag_id = t.id "
        "GROUP BY t.id ORDER BY t.name COLLATE NOCASE")]


def tagged(case: Case, name: str) -> list[tuple[str, int]]:
    return [(r[0], r[1]) for r in case.rows(
        "SELECT g.target_kind, g.target_id FROM taggings g JOIN tags t ON t.id = g.tag_id "
        "WHERE t.name = ? ORDER BY g.target_kind, g.target_id", (name,))]
