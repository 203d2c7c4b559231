"""One chronology of the case: events, records, statements and verdicts in one order.

:func:`build` reads what the case knows about time and lays it out as :class:`Entry`
rows: the events users recorded (:mod:`workbench.core.events`), the date each document
bears (:func:`document_date`), when each email was sent, the records (excerpts) linked
to claims as evidence, dated by their document, what each party said and when it was
asked, when records arrived, and when each claim got its verdict. Every entry names the
record it comes from and the source to open (a document and a page).

Order: by the first day an entry's date covers; among those starting the same day, the
wider span first, so "March 2019" stands before "4 March 2019" and says why. An entry
whose date is a span counts the entries that fall inside it (:attr:`Entry.spans_over`):
their order relative to it is uncertain, and screens show that gap as such. Entries with
no date at all are kept apart (:attr:`Chronology.undated`), never dropped.

:func:`suggest` finds dates written in page text (English and Spanish) for the user to
accept as events; it never writes. Reads only, everywhere in this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from email.utils import parsedate_to_datetime

from workbench.core import claims, dates, events, findings, reconcile
from workbench.core.casefile import Case
from workbench.core.errors import NotFound, ValidationError
from workbench.core.redaction import Redactor, Where

KINDS = ("event", "document", "email", "record", "statement", "asked", "received", "verdict")
#: How each kind reads in a list.
KIND_LABELS = {"event": "Event", "document": "Document dated", "email": "Email sent",
               "record": "Record", "statement": "Statement", "asked": "Asked for comment",
               "received": "Records received", "verdict": "Verdict"}
_STANCE_WORDS = {"confirms": "confirms", "denies": "denies", "disputes": "disputes",
                 "declined": "declines to comment", "no-response": "did not respond"}


@dataclass(frozen=True)
class SourceRef:
    """Where an entry's source is: the record, and the document page to open."""

    kind: str  # excerpt | statement | document
    id: int
    document_id: int | None
    page_no: int | None

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Entry:
    """One line of the chronology.

    ``record`` is the case record it comes from (``("event", 3)``, ``("statement", 2)``,
    ``("document", 5)``, ``("excerpt", 9)``, ``("claim", 4)`` for a verdict). ``claims``
    pairs each claim it bears on with how: supports, contradicts, context (evidence
    links), origin, event (an event linked to the claim) or verdict.
    """

    kind: str
    date: str | None  # as stored: "2019-03", "c. 2017", "2019-03-01/2019-04"; None: undated
    title: str
    text: str | None
    record: tuple[str, int]
    sources: tuple[SourceRef, ...]
    actor_ids: tuple[int, ...] = ()
    actor_names: tuple[str, ...] = ()
    claims: tuple[tuple[int, str], ...] = ()
    spans_over: int = 0
    confidential: bool = field(default=False, compare=False)

    @cached_property
    def when(self) -> dates.EventDate | None:
        return dates.parse(self.date) if self.date else None

    @property
    def label(self) -> str:
        return self.when.label() if self.date else "undated"

    @property
    def precision(self) -> str | None:
        return self.when.precision if self.date else None

    @property
    def circa(self) -> bool:
        return bool(self.date) and self.when.circa

    @property
    def precision_note(self) -> str | None:
        if not self.date:
            return "no date known"
        note = self.when.precision_note()
        if note and self.spans_over:
            note += (f"; {self.spans_over} later "
                     f"entr{'y falls' if self.spans_over == 1 else 'ies fall'} within it")
        return note

    @property
    def source(self) -> SourceRef | None:
        """The first source: what clicking the entry opens."""
        return self.sources[0] if self.sources else None

    def relation_to(self, claim_id: int) -> str | None:
        return next((how for cid, how in self.claims if cid == claim_id), None)


@dataclass(frozen=True)
class Chronology:
    entries: tuple[Entry, ...]
    undated: tuple[Entry, ...]

    def __iter__(self):
        return iter(self.entries)


# -- dates the case already holds -------------------------------------------------------

def document_date(doc) -> str | None:
    """The date a document bears (not when it arrived), as stored text, or None.

    ``doc`` is a row of ``documents``: its ``date`` column (set by the user, in the
    window or with ``workbench document edit --date``); else the ``date`` key of its
    metadata, where cases made before that column kept it.
    """
    keys = doc.keys()
    value = doc["date"] if "date" in keys else None
    if not value:
        value = json.loads(doc["metadata"] or "{}").get("date")
    if not value:
        return None
    try:
        return dates.parse(str(value)).text
    except ValidationError:
        return None


def email_date(raw: str | None) -> str | None:
    """The day an email was sent, from its stored Date header (ISO or RFC 2822)."""
    if not raw:
        return None
    parsed = dates.from_timestamp(raw)
    if parsed is not None:
        return parsed.value
    try:
        return parsedate_to_datetime(raw).strftime("%Y-%m-%d")
    except (TypeError, ValueError, IndexError):
        return None


class _Reader:
    """Cached look-ups while one chronology is built."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.actor_names = {r["id"]: r["name"] for r in case.rows("SELECT id, name FROM actors")}
        self.secret_actors = {r[0] for r in case.rows(
            "SELECT id FROM actors WHERE confidential = 1")}
        self.docs = {r["id"]: r for r in case.rows("SELECT * FROM documents")}
        self.mail = {r["document_id"]: r for r in case.rows(
            "SELECT document_id, from_addr, to_addrs, date, subject FROM emails")}
        self.excerpts = {r["id"]: r for r in case.rows(
            "SELECT id, document_id, page_no, quote, actor_id FROM excerpts")}
        self.statements = {r["id"]: r for r in case.rows("SELECT * FROM statements")}
        self.claim_actors: dict[int, list[int]] = {}
        for r in case.rows("SELECT claim_id, actor_id FROM claim_actors ORDER BY id"):
            self.claim_actors.setdefault(r[0], []).append(r[1])
        self.evidence = case.rows("SELECT * FROM evidence ORDER BY id")
        self.claim_rows = {r["id"]: r for r in case.rows("SELECT * FROM claims")}

    def doc_date(self, document_id: int | None) -> str | None:
        if document_id is None or document_id not in self.docs:
            return None
        row = self.docs[document_id]
        if row["kind"] == "email" and document_id in self.mail:
            sent = email_date(self.mail[document_id]["date"])
            if sent:
                return sent
        return document_date(row)

    def ref(self, kind: str, target_id: int) -> SourceRef:
        if kind == "excerpt":
            ex = self.excerpts[target_id]
            return SourceRef("excerpt", target_id, ex["document_id"], ex["page_no"])
        if kind == "statement":
            st = self.statements[target_id]
            page = None
            if st["excerpt_id"] is not None:
                page = self.excerpts[st["excerpt_id"]]["page_no"]
            return SourceRef("statement", target_id, st["document_id"],
                             page or (1 if st["document_id"] is not None else None))
        return SourceRef("document", target_id, target_id, 1)

    def names(self, actor_ids) -> tuple[str, ...]:
        return tuple(self.actor_names[a] for a in actor_ids if a in self.actor_names)

    def secret(self, refs: tuple[SourceRef, ...], actor_ids=()) -> bool:
        docs = {r.document_id for r in refs}
        if any(self.docs.get(d) is not None and self.docs[d]["confidential"] for d in docs):
            return True
        return any(a in self.secret_actors for a in actor_ids)


def _evidence_relations(r: _Reader) -> dict[tuple[str, int], list[tuple[int, str]]]:
    out: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for e in r.evidence:
        key = ("excerpt", e["excerpt_id"]) if e["excerpt_id"] is not None \
            else ("statement", e["statement_id"])
        out.setdefault(key, []).append((e["claim_id"], e["relation"]))
    for c in r.claim_rows.values():
        if c["origin_excerpt_id"] is not None:
            rel = out.setdefault(("excerpt", c["origin_excerpt_id"]), [])
            if all(cid != c["id"] for cid, _ in rel):
                rel.append((c["id"], "origin"))
    return out


def _collect(case: Case, r: _Reader) -> list[Entry]:
    relations = _evidence_relations(r)
    out: list[Entry] = []
    for ev in events.list_all(case):
        refs = tuple(r.ref(s.kind, s.target_id) for s in ev.sources)
        bears = [(c, "event") for c in ev.claim_ids]
        for s in ev.sources:
            for cid, how in relations.get((s.kind, s.target_id), ()):
                if all(c != cid for c, _ in bears):
                    bears.append((cid, how))
        out.append(Entry("event", ev.date, ev.text, ev.note, ("event", ev.id), refs,
                         ev.actor_ids, r.names(ev.actor_ids), tuple(bears),
                         confidential=r.secret(refs, ev.actor_ids)))
    received: dict[tuple[str, str | None], list[int]] = {}
    actors_in: dict[int, set[int]] = {}
    for ex in r.excerpts.values():
        if ex["actor_id"] is not None:
            actors_in.setdefault(ex["document_id"], set()).add(ex["actor_id"])
    origins: dict[int, list[tuple[int, str]]] = {}
    for c in r.claim_rows.values():
        if c["origin_document_id"] is not None:
            origins.setdefault(c["origin_document_id"], []).append((c["id"], "origin"))
    for doc_id, doc in r.docs.items():
        if doc["received"]:
            try:
                day = dates.parse(doc["received"][:10]).value
            except ValidationError:
                day = None
            if day:
                received.setdefault((day, doc["origin"]), []).append(doc_id)
        ref = (r.ref("document", doc_id),)
        doc_actors = sorted(actors_in.get(doc_id, ()))
        origin_of = tuple(origins.get(doc_id, ()))
        if doc["kind"] == "email" and doc_id in r.mail:
            m = r.mail[doc_id]
            sent = email_date(m["date"])
            if sent:
                out.append(Entry("email", sent, m["subject"] or doc["title"],
                                 f"From {m['from_addr'] or '?'} to {m['to_addrs'] or '?'}",
                                 ("document", doc_id), ref, tuple(doc_actors),
                                 r.names(doc_actors), origin_of,
                                 confidential=bool(doc["confidential"])))
                continue
        own = document_date(doc)
        if own:
            out.append(Entry("document", own, doc["title"], None,
                             ("document", doc_id), ref, tuple(doc_actors),
                             r.names(doc_actors), origin_of,
                             confidential=bool(doc["confidential"])))
    for (day, origin), doc_ids in sorted(received.items(), key=lambda kv: (kv[0][0],
                                                                           kv[0][1] or "")):
        titles = [r.docs[d]["title"] for d in doc_ids]
        what = titles[0] if len(titles) == 1 else f"{len(titles)} documents"
        out.append(Entry("received", day, what + (f" ({origin})" if origin
                                                                  else ""),
                         "; ".join(titles) if len(titles) > 1 else None,
                         ("document", doc_ids[0]),
                         tuple(r.ref("document", d) for d in doc_ids),
                         confidential=all(r.docs[d]["confidential"] for d in doc_ids)))
    for (kind, target_id), bearing in relations.items():
        if kind != "excerpt":
            continue
        ex = r.excerpts[target_id]
        doc = r.docs[ex["document_id"]]
        ex_actors = list(dict.fromkeys(
            ([ex["actor_id"]] if ex["actor_id"] is not None else [])
            + [a for cid, _ in bearing for a in r.claim_actors.get(cid, [])]))
        out.append(Entry("record", r.doc_date(ex["document_id"]), doc["title"], ex["quote"],
                         ("excerpt", target_id), (r.ref("excerpt", target_id),),
                         tuple(ex_actors), r.names(ex_actors), tuple(bearing),
                         confidential=bool(doc["confidential"])))
    for st in r.statements.values():
        st_bears = tuple(relations.get(("statement", st["id"]), ()))
        ref = (r.ref("statement", st["id"]),)
        who = r.actor_names.get(st["actor_id"], "?")
        actor_ids: tuple[int, ...] = (st["actor_id"],)
        secret = r.secret(ref, actor_ids)
        if st["asked_on"]:
            out.append(Entry("asked", st["asked_on"], f"{who} asked for comment",
                             f"by {st['channel']}" if st["channel"] else None,
                             ("statement", st["id"]), ref, actor_ids, (who,), st_bears,
                             confidential=secret))
        if st["stance"] != "no-response" or not st["asked_on"]:
            speaker = f" ({st['speaker']})" if st["speaker"] else ""
            out.append(Entry("statement", st["date"],
                             f"{who}{speaker} {_STANCE_WORDS.get(st['stance'], st['stance'])}",
                             st["text"], ("statement", st["id"]), ref, actor_ids, (who,),
                             st_bears, confidential=secret))
    for claim_id, c in r.claim_rows.items():
        v = claims.verdict(case, claim_id)
        if v.decided_at is None:
            continue
        actor_ids = tuple(r.claim_actors.get(claim_id, ()))
        origin_refs = (r.ref("excerpt", c["origin_excerpt_id"]),) \
            if c["origin_excerpt_id"] is not None else ()
        out.append(Entry("verdict", v.decided_at[:10], f"{v.status}: claim {claim_id}, {c['text']}",
                         v.rationale, ("claim", claim_id), origin_refs, actor_ids,
                         r.names(actor_ids), ((claim_id, "verdict"),),
                         confidential=r.secret(origin_refs)))
    return out


def _order(entries: list[Entry]) -> list[Entry]:
    rank = {k: n for n, k in enumerate(KINDS)}
    ordered = sorted(entries, key=lambda e: (e.when.sort_key(), rank[e.kind], e.record))
    out = []
    for n, e in enumerate(ordered):
        when = e.when
        if when.precision == "day" and not when.circa:
            out.append(e)
            continue
        inside = 0
        for later in ordered[n + 1:]:
            other = later.when
            if other.start > when.end:
                break  # sorted by start: nothing further can fall within
            if when.contains(other) or when.circa:
                inside += 1
        out.append(replace(e, spans_over=inside))
    return out


def build(case: Case, *, actor_id: int | None = None, claim_id: int | None = None,
          date_from: str | None = None, date_to: str | None = None,
          public: bool = False) -> Chronology:
    """The case's chronology, filtered by actor, claim and dates (overlapping spans count).

    ``public`` leaves out what comes from a confidential document or person and scrubs
    what identifies one from the rest (for exports that leave the newsroom).
    """
    if actor_id is not None and case.row("SELECT 1 FROM actors WHERE id = ?",
                                         (actor_id,)) is None:
        raise NotFound("actor", actor_id)
    if claim_id is not None:
        claims.get(case, claim_id)
    lo = dates.parse(date_from, what="--from").start if date_from else None
    hi = dates.parse(date_to, what="--to").end if date_to else None
    r = _Reader(case)
    rows = _collect(case, r)
    if actor_id is not None:
        rows = [e for e in rows if actor_id in e.actor_ids]
    if claim_id is not None:
        rows = [e for e in rows if e.relation_to(claim_id) is not None]
    if public:
        rows = _public(case, [e for e in rows if not e.confidential], r)
    dated = [e for e in rows if e.date]
    if lo is not None:
        dated = [e for e in dated if e.when.end >= lo]
    if hi is not None:
        dated = [e for e in dated if e.when.start <= hi]
    undated = [] if lo or hi else sorted((e for e in rows if not e.date),
                                         key=lambda e: (KINDS.index(e.kind), e.record))
    return Chronology(tuple(_order(dated)), tuple(undated))


def _public(case: Case, rows: list[Entry], r: _Reader) -> list[Entry]:
    redactor = Redactor(case)
    out = []
    for e in rows:
        where = Where(e.record[0], e.record[1], "chronology")
        keep = tuple(a for a in e.actor_ids if a not in r.secret_actors)
        out.append(replace(e, title=redactor.scrub(e.title, where) or "",
                           text=redactor.scrub(e.text, where, quote=e.kind in ("record",
                                                                                "statement")),
                           actor_ids=keep, actor_names=tuple(redactor.scrub(n, where) or ""
                                                             for n in r.names(keep))))
    return out


# -- what findings rely on -------------------------------------------------------------

def events_relied_on(case: Case, finding: findings.Finding) -> dict[int, str]:
    """Event id -> how ``finding`` relies on it: the event bears on a claim the finding
    relies on (:func:`workbench.core.reconcile.claims_relied_on`), or one of its sources
    is cited by the finding."""
    out: dict[int, str] = {}
    for claim_id, how in sorted(reconcile.claims_relied_on(case, finding).items()):
        for r in case.rows("SELECT event_id FROM event_claims WHERE claim_id = ? "
                           "ORDER BY event_id", (claim_id,)):
            out.setdefault(r[0], f"it bears on claim {claim_id}, which the finding relies "
                                 f"on ({how})")
    for c in finding.citations:
        for r in case.rows(f"SELECT event_id FROM event_sources WHERE {c.kind}_id = ? "
                           "ORDER BY event_id", (c.target_id,)):
            out.setdefault(r[0], f"the finding cites its source {c.kind} {c.target_id}")
    return out


# -- dates written in pages ---------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """A date written on a page that could become an event, with the sentence around it.

    ``context_start``/``context_end`` is the passage an accepted suggestion anchors as the
    event's excerpt. ``known`` is True when an event already stands on that page with
    that date.
    """

    document_id: int
    document_title: str
    page_no: int
    start: int
    end: int
    written: str
    date: str
    precision: str
    language: str
    context: str
    context_start: int
    context_end: int
    known: bool


def suggest(case: Case, *, document_id: int | None = None, limit: int | None = None,
            include_known: bool = False) -> list[Suggestion]:
    """Dates written in page text, in document and page order. Reads only: a suggestion
    becomes an event only through :func:`workbench.core.events.add_from_text`."""
    known: set[tuple[int, int, str]] = set()
    for ev in events.list_all(case):
        for s in ev.sources:
            if s.kind == "excerpt":
                ex = case.row("SELECT document_id, page_no FROM excerpts WHERE id = ?",
                              (s.target_id,))
                known.add((ex[0], ex[1], dates.parse(ev.date).value))
    titles = {r[0]: r[1] for r in case.rows("SELECT id, title FROM documents")}
    sql = "SELECT document_id, page_no, text FROM pages"
    params: list = []
    if document_id is not None:
        if document_id not in titles:
                raise NotFound("document", document_id)
        sql += " WHERE document_id = ?"
        params.append(document_id)
    out: list[Suggestion] = []
    for row in case.conn.execute(sql + " ORDER BY document_id, page_no", params):
        text = row["text"]
        for m in dates.find_dates(text):
            lo, hi = dates.sentence_around(text, m.start, m.end)
            is_known = (row["document_id"], row["page_no"], m.date.value) in known
            if is_known and not include_known:
                continue
            out.append(Suggestion(row["document_id"], titles[row["document_id"]],
                                  row["page_no"], m.start, m.end, m.written, m.date.value,
                                  m.date.precision, m.language, " ".join(text[lo:hi].split()),
                                  lo, hi, is_known))
            if limit is not None and len(out) >= limit:
                return out
    return out
