"""What a mutation changed (the ``OpChanges`` idea from Anki).

Every mutation in core returns a :class:`Changes`. The search index and each screen use
it to refresh only the rows that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Ref(NamedTuple):
    """A row: its table name and primary key."""

    table: str
    id: int | str


@dataclass(frozen=True)
class Changes:
    """The rows one user action created, updated and deleted.

    ``id`` is the row the action was about (the new row for an "add" action). ``op`` is
    the operation that caused them, when the caller tells (the window puts its job
    there, so a view can skip its own edits); core never sets or reads it.
    """

    action: str = ""
    id: int | None = None
    created: frozenset[Ref] = field(default_factory=frozenset)
    updated: frozenset[Ref] = field(default_factory=frozenset)
    deleted: frozenset[Ref] = field(default_factory=frozenset)
    action_id: int | None = None
    op: object | None = field(default=None, compare=False, repr=False)

    def touched(self, table: str) -> set:
        """Ids of ``table`` that were created, updated or deleted."""
        return {r.id for r in self.created | self.updated | self.deleted if r.table == table}

    def tables(self) -> set[str]:
        return {r.table for r in self.created | self.updated | self.deleted}

    @property
    def empty(self) -> bool:
        return not (self.created or self.updated or self.deleted)

    def summary_line(self) -> str:
        """What changed in a few words, e.g. ``3 documents, 1 claim``."""
        counts: dict[str, int] = {}
        for r in self.created | self.updated | self.deleted:
            counts[r.table] = counts.get(r.table, 0) + 1
        if not counts:
            return "nothing"
        parts = [f"{n} {table.replace('_', ' ')}" if n != 1 else
                 f"1 {table.replace('_', ' ').removesuffix('s')}"
                 for table, n in sorted(counts.items(), key=lambda kv: -kv[1])[:3]]
        return ", ".join(parts) + (", …" if len(counts) > 3 else "")

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts per table, e.g. ``{"excerpts": {"deleted": 2}}``."""
        out: dict[str, dict[str, int]] = {}
        for verb, refs in (("created", self.created), ("updated", self.updated),
                           ("deleted", self.deleted)):
            for r in refs:
                out.setdefault(r.table, {}).setdefault(verb, 0)
                out[r.table][verb] += 1
        return out


class ChangeCollector:
    """Mutable twin of :class:`Changes`, filled while a transaction runs."""

    def __init__(self) -> None:
        self.created: set[Ref] = set()
        self.updated: set[Ref] = set()
        self.deleted: set[Ref] = set()

    def add(self, verb: str, ref: Ref) -> None:
        if verb == "created":
            self.created.add(ref)
        elif verb == "updated":
            if ref not in self.created and ref not in self.deleted:
                self.updated.add(ref)
        elif verb == "deleted":
            if ref in self.created:
                self.created.discard(ref)
            else:
                self.deleted.add(ref)
            self.updated.discard(ref)
        else:  # pragma: no cover - programming error
            raise ValueError(verb)

    def merge(self, other: "ChangeCollector") -> None:
        for ref in other.created:
            self.add("created", ref)
        for ref in other.updated:
            self.add("updated", ref)
        for ref in other.deleted:
            self.add("deleted", ref)

    def freeze(self, action: str, row_id: int | None, action_id: int | None) -> Changes:
        return Changes(action=action, id=row_id, created=frozenset(self.created),
                       updated=frozenset(self.updated), deleted=frozenset(self.deleted),
                       action_id=action_id)
