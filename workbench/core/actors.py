"""Actors: agencies, companies and people, with their aliases and parent organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.core import validate
from workbench.core.casefile import Case, utcnow
from workbench.core.changes import Changes
from workbench.core.errors import NotFound, ValidationError
from workbench.core.schema import ACTOR_TYPES

TYPES = ACTOR_TYPES


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    type: str
    parent_id: int | None
    confidential: bool
    note: str | None
    aliases: tuple[str, ...]
    created_at: str

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alias: what counts as naming this actor."""
        return (self.name, *self.aliases)


def _aliases(case: Case, actor_id: int) -> tuple[str, ...]:
    return tuple(r[0] for r in case.rows(
        "SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY id", (actor_id,)))


def _actor(case: Case, row) -> Actor:
    return Actor(id=row["id"], name=row["name"], type=row["type"], parent_id=row["parent_id"],
                 confidential=bool(row["confidential"]), note=row["note"],
                 aliases=_aliases(case, row["id"]), created_at=row["created_at"])


def _check_parent(case: Case, actor_id: int | None, parent_id: int | None) -> None:
    validate.exists(case, "actors", parent_id, "actor")
    seen = {actor_id}
    while parent_id is not None:
        if parent_id in seen:
            raise ValidationError("an actor cannot be its own parent organisation")
        seen.add(parent_id)
        parent_id = case.row("SELECT parent_id FROM actors WHERE id = ?", (parent_id,))[0]


def add(case: Case, *, name: str, type: str, aliases: Iterable[str] = (),
        parent_id: int | None = None, confidential: bool = False,
        note: str | None = None) -> Changes:
    name = validate.text(name, "the actor's name")
    validate.one_of(type, TYPES, "type")
    _check_parent(case, None, parent_id)
    with case.action("Add actor") as act:
        act.row_id = act.insert("actors", {
            "name": name, "type": type, "parent_id": parent_id,
            "confidential": int(bool(confidential)), "note": validate.optional_text(note),
            "created_at": utcnow()})
        for alias in aliases:
            add_alias(case, act.row_id, alias)
    return act.changes


def add_alias(case: Case, actor_id: int, alias: str) -> Changes:
    alias = validate.text(alias, "the alias")
    actor = get(case, actor_id)
    with case.action("Add alias") as act:
        act.row_id = actor_id
        if alias != actor.name and alias not in actor.aliases:
            act.insert("actor_aliases", {"actor_id": actor_id, "alias": alias})
            act.touch("actors", actor_id)
    return act.changes


def remove_alias(case: Case, actor_id: int, alias: str) -> Changes:
    row = case.row("SELECT id FROM actor_aliases WHERE actor_id = ? AND alias = ?",
                   (actor_id, alias))
    if row is None:
        raise NotFound("alias", f"{alias!r} of actor {actor_id}")
    with case.action("Remove alias") as act:
        act.row_id = actor_id
        act.delete("actor_aliases", row["id"])
        act.touch("actors", actor_id)
    return act.changes


def get(case: Case, actor_id: int) -> Actor:
    row = case.row("SELECT * FROM actors WHERE id = ?", (actor_id,))
    if row is None:
        raise NotFound("actor", actor_id)
    return _actor(case, row)


def list_all(case: Case, *, type: str | None = None) -> list[Actor]:
    if type is not None:
        rows = case.rows("SELECT * FROM actors WHERE type = ? ORDER BY name COLLATE NOCASE",
                         (type,))
    else:
        rows = case.rows("SELECT * FROM actors ORDER BY name COLLATE NOCASE")
    return [_actor(case, r) for r in rows]


def find(case: Case, name: str) -> list[Actor]:
    """Actors whose name or an alias equals ``name``, ignoring case."""
    rows = case.rows(
        "SELECT DISTINCT a.* FROM actors a LEFT JOIN actor_aliases l ON l.actor_id = a.id "
        "WHERE a.name = ? COLLATE NOCASE OR l.alias = ? COLLATE NOCASE ORDER BY a.id",
        (name, name))
    return [_actor(case, r) for r in rows]


def update(case: Case, actor_id: int, **values) -> Changes:
    """Edit ``name``, ``type``, ``parent_id``, ``confidential`` or ``note``."""
    unknown = set(values) - {"name", "type", "parent_id", "confidential", "note"}
    if unknown:
        raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of an actor")
    get(case, actor_id)
    clean: dict = {}
    if "name" in values:
        clean["name"] = validate.text(values["name"], "the actor's name")
    if "type" in values:
        clean["type"] = validate.one_of(values["type"], TYPES, "type")
    if "parent_id" in values:
        _check_parent(case, actor_id, values["parent_id"])
        clean["parent_id"] = values["parent_id"]
    if "confidential" in values:
        clean["confidential"] = int(bool(values["confidential"]))
    if "note" in values:
        clean["note"] = validate.optional_text(values["note"])
    with case.action("Edit actor") as act:
        act.row_id = actor_id
        act.update("actors", actor_id, clean, kind="actor")
    return act.changes
