"""Events: something that happened at a date, established by sources.

An event has a date with its precision (see :mod:`workbench.core.dates`), a short
description, the actors involved, the sources that establish it (excerpts, statements,
documents) and the claims it bears on. Every change is one audited action, so the
window's undo and ``workbench undo`` take it back like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from workbench.core import dates, validate
from workbench.core.casefile import Action, Case, utcnow
from workbench.core.changes import Changes
from workbench.core.errors import NotFound, ValidationError

SOURCE_KINDS = ("excerpt", "statement", "document")


@dataclass(frozen=True)
class EventSource:
    kind: str  # excerpt | statement | document
    target_id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.target_id}"


@dataclass(frozen=True)
class Event:
    id: int
    date: str  # as stored, e.g. "2019-03" or "c. 2017"
    text: str
    note: str | None
    actor_ids: tuple[int, ...]
    sources: tuple[EventSource, ...]
    claim_ids: tuple[int, ...]
    created_at: str

    @cached_property
    def when(self) -> dates.EventDate:
        return dates.parse(self.date)

    @property
    def precision(self) -> str:
        return self.when.precision

    @property
    def circa(self) -> bool:
        return self.when.circa


def parse_source(text: str) -> EventSource:
    """``"excerpt:3"`` -> ``EventSource("excerpt", 3)``; a clear error for anything else."""
    kind, sep, raw = text.partition(":")
    kind = kind.strip()
    if not sep or kind not in SOURCE_KINDS or not raw.strip().isdigit():
        raise ValidationError("a source is excerpt:ID, statement:ID or document:ID "
                              f"(got {text!r})")
    return EventSource(kind, int(raw))


def _as_source(value: EventSource | tuple[str, int] | str) -> EventSource:
    if isinstance(value, EventSource):
        return value
    if isinstance(value, str):
        return parse_source(value)
    return EventSource(value[0], int(value[1]))


def _event(case: Case, row) -> Event:
    event_id = row["id"]
    actor_ids = tuple(r[0] for r in case.rows(
        "SELECT actor_id FROM event_actors WHERE event_id = ? ORDER BY id", (event_id,)))
    sources = tuple(_source_of(r) for r in case.rows(
        "SELECT * FROM event_sources WHERE event_id = ? ORDER BY id", (event_id,)))
    claim_ids = tuple(r[0] for r in case.rows(
        "SELECT claim_id FROM event_claims WHERE event_id = ? ORDER BY id", (event_id,)))
    stored = dates.parse(row["date"], circa=bool(row["circa"]))
    return Event(id=event_id, date=stored.text, text=row["text"], note=row["note"],
                 actor_ids=actor_ids, sources=sources, claim_ids=claim_ids,
                 created_at=row["created_at"])


def _source_of(row) -> EventSource:
    for kind in SOURCE_KINDS:
        if row[f"{kind}_id"] is not None:
            return EventSource(kind, row[f"{kind}_id"])
    raise AssertionError("an event source names one record")  # pragma: no cover


def _check(case: Case, *, actor_ids: list[int], sources: list[EventSource],
           claim_ids: list[int]) -> None:
    for actor_id in actor_ids:
        validate.exists(case, "actors", actor_id, "actor")
    for src in sources:
        validate.exists(case, f"{src.kind}s", src.target_id, src.kind)
    for claim_id in claim_ids:
        validate.exists(case, "claims", claim_id, "claim")


def _link_source(act: Action, event_id: int, src: EventSource) -> None:
    act.insert("event_sources", {"event_id": event_id, "excerpt_id": None,
                                 "statement_id": None, "document_id": None,
                                 f"{src.kind}_id": src.target_id})


def add(case: Case, *, date: str, text: str, circa: bool = False,
        actor_ids: Iterable[int] = (), sources: Iterable[EventSource | tuple | str] = (),
        claim_ids: Iterable[int] = (), note: str | None = None) -> Changes:
    """Record an event. ``date`` is ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``FROM/TO``,
    optionally with ``c.`` before it (or ``circa=True``)."""
    when = dates.parse(date, circa=circa)
    text = validate.text(text, "the event's description")
    actor_ids = list(dict.fromkeys(actor_ids))
    links = list(dict.fromkeys(_as_source(s) for s in sources))
    claim_ids = list(dict.fromkeys(claim_ids))
    _check(case, actor_ids=actor_ids, sources=links, claim_ids=claim_ids)
    with case.action("Add event") as act:
        act.row_id = act.insert("events", {
            "date": when.value, "circa": int(when.circa), "text": text,
            "note": validate.optional_text(note), "created_at": utcnow()})
        for actor_id in actor_ids:
            act.insert("event_actors", {"event_id": act.row_id, "actor_id": actor_id})
        for src in links:
            _link_source(act, act.row_id, src)
        for claim_id in claim_ids:
            act.insert("event_claims", {"event_id": act.row_id, "claim_id": claim_id})
    return act.changes


def get(case: Case, event_id: int) -> Event:
    row = case.row("SELECT * FROM events WHERE id = ?", (event_id,))
    if row is None:
        raise NotFound("event", event_id)
    return _event(case, row)


def list_all(case: Case, *, actor_id: int | None = None,
             claim_id: int | None = None) -> list[Event]:
    """Events in date order (wider spans first on the same day), then by id."""
    sql, params = "SELECT * FROM events", []
    where = []
    if actor_id is not None:
        where.append("id IN (SELECT event_id FROM event_actors WHERE actor_id = ?)")
        params.append(actor_id)
    if claim_id is not None:
        where.append("id IN (SELECT event_id FROM event_claims WHERE claim_id = ?)")
        params.append(claim_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = [_event(case, r) for r in case.rows(sql + " ORDER BY id", params)]
    return sorted(rows, key=lambda e: (e.when.sort_key(), e.id))


def update(case: Case, event_id: int, *, date: str | None = None, circa: bool | None = None,
           text: str | None = None, note: str | None = None,
           add_actors: Iterable[int] = (), remove_actors: Iterable[int] = (),
           add_sources: Iterable[EventSource | tuple | str] = (),
           remove_sources: Iterable[EventSource | tuple | str] = (),
           add_claims: Iterable[int] = (), remove_claims: Iterable[int] = ()) -> Changes:
    """Change an event's date, description, note, actors, sources or claims, in one action.

    ``circa`` alone keeps the date and changes only whether it is approximate.
    """
    current = get(case, event_id)
    clean: dict = {}
    if date is not None or circa is not None:
        was = current.when
        when = dates.parse(date if date is not None else was.value,
                           circa=was.circa if circa is None else circa)
        clean.update({"date": when.value, "circa": int(when.circa)})
    if text is not None:
        clean["text"] = validate.text(text, "the event's description")
    if note is not None:
        clean["note"] = validate.optional_text(note)
    add_actors = [a for a in dict.fromkeys(add_actors) if a not in current.actor_ids]
    adding = [s for s in dict.fromkeys(_as_source(s) for s in add_sources)
              if s not in current.sources]
    add_claims = [c for c in dict.fromkeys(add_claims) if c not in current.claim_ids]
    removing = [_as_source(s) for s in remove_sources]
    for src in removing:
        if src not in current.sources:
            raise ValidationError(f"event {event_id} has no source {src}")
    for actor_id in remove_actors:
        if actor_id not in current.actor_ids:
            raise ValidationError(f"event {event_id} does not involve actor {actor_id}")
    for claim_id in remove_claims:
        if claim_id not in current.claim_ids:
            raise ValidationError(f"event {event_id} does not bear on claim {claim_id}")
    _check(case, actor_ids=add_actors, sources=adding, claim_ids=add_claims)
    with case.action("Edit event") as act:
        act.row_id = event_id
        touched = act.update("events", event_id, clean, kind="event") if clean else False
        for actor_id in remove_actors:
            row = case.row("SELECT id FROM event_actors WHERE event_id = ? AND actor_id = ?",
                           (event_id, actor_id))
            act.delete("event_actors", row[0])
        for src in removing:
            row = case.row(f"SELECT id FROM event_sources WHERE event_id = ? AND "
                           f"{src.kind}_id = ?", (event_id, src.target_id))
            act.delete("event_sources", row[0])
        for claim_id in remove_claims:
            row = case.row("SELECT id FROM event_claims WHERE event_id = ? AND claim_id = ?",
                           (event_id, claim_id))
            act.delete("event_claims", row[0])
        for actor_id in add_actors:
            act.insert("event_actors", {"event_id": event_id, "actor_id": actor_id})
        for src in adding:
            _link_source(act, event_id, src)
        for claim_id in add_claims:
            act.insert("event_claims", {"event_id": event_id, "claim_id": claim_id})
        if not touched and (remove_actors or removing or remove_claims or add_actors
                            or adding or add_claims):
            act.touch("events", event_id)
    return act.changes


def delete(case: Case, event_id: int) -> Changes:
    """Delete an event with its links (the actors, sources and claims stay)."""
    get(case, event_id)
    with case.action("Delete event") as act:
        act.row_id = event_id
        for table in ("event_actors", "event_sources", "event_claims"):
            for r in case.rows(f"SELECT id FROM [{table}] WHERE event_id = ? ORDER BY id",
                               (event_id,)):
                act.delete(table, r[0])
        act.delete("events", event_id, kind="event")
    return act.changes


def add_from_text(case: Case, *, document_id: int, page: int, start: int, end: int,
                  date: str, text: str, circa: bool = False,
                  actor_ids: Iterable[int] = (), claim_ids: Iterable[int] = ()) -> Changes:
    """Accept a suggested date: anchor the passage ``start``-``end`` of the page as an
    excerpt and record an event it establishes, as one action (one undo)."""
    from workbench.core import excerpts

    with case.action("Add event") as act:
        ex = excerpts.add_range(case, document_id=document_id, page=page, start=start,
                                end=end)
        made = add(case, date=date, text=text, circa=circa, actor_ids=actor_ids,
                   sources=[EventSource("excerpt", ex.id)], claim_ids=claim_ids)
        act.row_id = made.id
    return act.changes
