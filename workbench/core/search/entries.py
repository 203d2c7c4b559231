"""What goes into the index: one entry (a dict of whoosh fields) per searchable thing.

Entries are identified by a ``uid``: ``page:<pages.id>``, ``excerpt:<id>``,
``statement:<id>``, ``claim:<id>``, ``verdict:<id>``, ``finding:<id>``, ``actor:<id>``
and, for notes, ``note:<table>:<id>`` (``note:excerpts:4``, ``note:evidence:2``,
``note:claims:1``, ``note:actors:3``).

:func:`build` turns a set of uids into the entries that still exist; the caller
deletes every uid first, so a uid whose row is gone simply disappears.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from workbench.core.casefile import Case
from workbench.core.search.analysis import GAP
from workbench.core.search.grams import FIELD as GRAMS
from workbench.core.search.mentions_match import ActorMatcher
from workbench.core.search.query import day_number

Entry = dict[str, Any]

#: Tables whose free-text ``note`` column is indexed as a note entry.
NOTE_TABLES = ("excerpts", "evidence", "claims", "actors")
_NOTE_COLUMN = {"excerpts": "note", "evidence": "note", "claims": "origin_note",
                "actors": "note"}
_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def iso_date(value: str | None) -> str | None:
    """The ISO date (``2019-04-03``, or a shorter ``2019-04``) a value starts with."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    return m.group() if m else None


def parse_uid(uid: str) -> tuple[str, str, int]:
    """``"page:12"`` -> ``("page", "pages", 12)``;
    ``"note:evidence:2"`` -> ``("note", "evidence", 2)``."""
    parts = uid.split(":")
    if parts[0] == "note":
        return "note", parts[1], int(parts[2])
    table = {"page": "pages", "verdict": "verdicts", "evidence": "evidence"}.get(
        parts[0], parts[0] + "s")
    return parts[0], table, int(parts[1])


@dataclass
class Context:
    """Lookups shared by every entry of one build: tags, actors, documents."""

    case: Case
    matcher: ActorMatcher
    actor_names: dict[int, tuple[str, ...]]
    actor_confidential: dict[int, bool]
    tags: dict[tuple[str, int], list[str]]
    claim_actors: dict[int, list[int]]

    @classmethod
    def load(cls, case: Case) -> "Context":
        names: dict[int, list[str]] = {}
        confidential: dict[int, bool] = {}
        for r in case.rows("SELECT id, name, confidential FROM actors ORDER BY id"):
            names[r["id"]] = [r["name"]]
            confidential[r["id"]] = bool(r["confidential"])
        for r in case.rows("SELECT actor_id, alias FROM actor_aliases ORDER BY id"):
            names[r["actor_id"]].append(r["alias"])
        tags: dict[tuple[str, int], list[str]] = defaultdict(list)
        for r in case.rows("SELECT g.target_kind, g.target_id, t.name FROM taggings g "
                           "JOIN tags t ON t.id = g.tag_id ORDER BY t.name"):
            tags[(r[0], r[1])].append(r[2])
        about: dict[int, list[int]] = defaultdict(list)
        for r in case.rows("SELECT claim_id, actor_id FROM claim_actors ORDER BY id"):
            about[r[0]].append(r[1])
        frozen = {k: tuple(v) for k, v in names.items()}
        return cls(case, ActorMatcher(frozen), frozen, confidential, tags, about)

    def actor_fields(self, actor_ids: Iterable[int | None]) -> Entry:
        ids = sorted({a for a in actor_ids if a is not None and a in self.actor_names})
        if not ids:
            return {}
        return {"actor_id": ",".join(str(a) for a in ids),
                "actor": "\n".join(n for a in ids for n in self.actor_names[a])}


def _entry(**values: object) -> Entry:
    """An index entry: empty values dropped (whoosh cannot index None), and the title and
    email headers appended to ``body`` so that a plain word searches one field (a
    query over five fields was several times slower on common words). ``grams`` gets
    the body text too (every entry with a body must have it: phrases rely on it)."""
    out: Entry = {k: v for k, v in values.items() if v is not None and v != ""}
    extra = [str(out[k]) for k in ("title", "subject", "from", "to") if k in out]
    if extra:
        out["body"] = GAP.join([str(out.get("body", "")), *extra])
    if "body" in out:
        # The same text again: its common grams make phrases of common words fast.
        out[GRAMS] = out["body"]
    date = out.get("date")
    if date:
        out["year"] = str(date)[:4]
        out["day"] = day_number(str(date))
    return out


def _in(ids: Iterable[int]) -> tuple[str, list[int]]:
    ids = sorted(set(ids))
    return "(" + ",".join("?" * len(ids)) + ")", ids


def _chunks(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


_PAGE_SQL = (
    "SELECT p.id, p.document_id, p.page_no, CAST(p.text AS BLOB) AS text, d.title, d.origin, "
    "d.kind AS doc_type, "
    "d.received, d.date AS doc_date, "
    "d.confidential, e.from_addr, e.to_addrs, e.cc_addrs, e.subject, e.date AS sent "
    "FROM pages p JOIN documents d ON d.id = p.document_id "
    "LEFT JOIN emails e ON e.document_id = d.id")


def page_rows(case: Case, page_ids: Iterable[int] | None = None) -> Iterator:
    """Pages with their document's fields; every page when ``page_ids`` is None."""
    if page_ids is None:
        # One streaming cursor: a rebuild never holds all page text in memory.
        yield from case.conn.execute(_PAGE_SQL + " ORDER BY p.document_id, p.page_no")
        return
    for chunk in _chunks(page_ids):
        marks, params = _in(chunk)
        yield from case.rows(f"{_PAGE_SQL} WHERE p.id IN {marks}", params)


def decoded(value: bytes | str | None) -> str:
    """Page text read as bytes (``CAST(text AS BLOB)``), as text. A page whose bytes are
    not UTF-8 (a damaged case file) is indexed with stand-ins for the bad bytes instead
    of making every search of the case fail."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.decode("utf-8", errors="replace")


def page_entry(ctx: Context, r) -> Entry:
    doc = r["document_id"]
    text = decoded(r["text"])
    to = "\n".join(x for x in (r["to_addrs"], r["cc_addrs"]) if x)
    return _entry(uid=f"page:{r['id']}", kind="page", doc=str(doc), page=r["page_no"],
                  type=r["doc_type"], title=r["title"], body=text,
                  date=(iso_date(r["doc_date"]) or iso_date(r["sent"])
                        or iso_date(r["received"])),
                  **ctx.actor_fields(ctx.matcher.actors_in(text)),
                  **{"from": r["from_addr"], "to": to}, subject=r["subject"],
                  tag=",".join(ctx.tags.get(("document", doc), ())), origin=r["origin"],
                  confidential=bool(r["confidential"]))


def _documents(case: Case, ids: Iterable[int]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for chunk in _chunks(i for i in ids if i is not None):
        marks, params = _in(chunk)
        for r in case.rows("SELECT d.id, d.title, d.origin, d.received, d.confidential, "
                           "d.kind, "
                           "d.date AS doc_date, "
                           "e.date AS sent FROM documents d LEFT JOIN emails e "
                           f"ON e.document_id = d.id WHERE d.id IN {marks}", params):
            out[r["id"]] = {"title": r["title"], "origin": r["origin"], "type": r["kind"],
                            "confidential": bool(r["confidential"]),
                            "date": (iso_date(r["doc_date"]) or iso_date(r["sent"])
                                     or iso_date(r["received"]))}
    return out


def _rows(case: Case, table: str, ids: Iterable[int] | None) -> list:
    if ids is None:
        return case.rows(f"SELECT * FROM [{table}] ORDER BY id")
    out = []
    for chunk in _chunks(ids):
        marks, params = _in(chunk)
        out.extend(case.rows(f"SELECT * FROM [{table}] WHERE id IN {marks}", params))
    return out


def _doc_fields(docs: dict[int, dict], doc_id: int | None) -> Entry:
    d = docs.get(doc_id) if doc_id is not None else None
    if d is None:
        return {}
    return {"doc": str(doc_id), "origin": d["origin"], "confidential": d["confidential"]}


def record_entries(ctx: Context, wanted: dict[str, set[int]] | None) -> Iterator[Entry]:
    """Entries of everything but pages; ``wanted`` maps uid prefixes to ids (None: all)."""
    case = ctx.case

    def rows(key: str, table: str) -> list:
        if wanted is None:
            return _rows(case, table, None)
        ids = wanted.get(key)
        return _rows(case, table, ids) if ids else []

    excerpts = rows("excerpt", "excerpts")
    ex_notes = rows("note:excerpts", "excerpts")
    statements = rows("statement", "statements")
    claims = rows("claim", "claims")
    claim_notes = rows("note:claims", "claims")
    verdicts = rows("verdict", "verdicts")
    findings = rows("finding", "findings")
    actors = rows("actor", "actors")
    actor_notes = rows("note:actors", "actors")
    evidence = rows("note:evidence", "evidence")
    docs = _documents(case, [r["document_id"] for r in excerpts + ex_notes + statements]
                      + [r["origin_document_id"] for r in claims + claim_notes])
    excerpt_pages = {r["id"]: r["page_no"] for r in excerpts + ex_notes}
    missing = {r["excerpt_id"] for r in statements} | {r["origin_excerpt_id"] for r in claims}
    missing -= set(excerpt_pages) | {None}
    excerpt_pages.update({r["id"]: r["page_no"] for r in _rows(case, "excerpts", missing)})

    def title_of(doc_id: int | None) -> str | None:
        return docs[doc_id]["title"] if doc_id in docs else None

    def date_of(doc_id: int | None) -> str | None:
        return docs[doc_id]["date"] if doc_id in docs else None

    def type_of(doc_id: int | None) -> str | None:
        return docs[doc_id]["type"] if doc_id in docs else None

    for r in excerpts:
        yield _entry(uid=f"excerpt:{r['id']}", kind="excerpt", page=r["page_no"],
                     type=type_of(r["document_id"]), title=title_of(r["document_id"]),
                     body=r["quote"], extract=r["quote"],
                     date=date_of(r["document_id"]), **_doc_fields(docs, r["document_id"]),
                     **ctx.actor_fields([r["actor_id"]]),
                     tag=",".join(ctx.tags.get(("excerpt", r["id"]), ())))
    for r in ex_notes:
        if r["note"]:
            yield _entry(uid=f"note:excerpts:{r['id']}", kind="note", page=r["page_no"],
                         type=type_of(r["document_id"]),
                         title=f"Note on excerpt {r['id']} ({title_of(r['document_id'])})",
                         body=r["note"], extract=r["note"], date=date_of(r["document_id"]),
                         **_doc_fields(docs, r["document_id"]),
                         **ctx.actor_fields([r["actor_id"]]))
    for r in statements:
        actor = ctx.actor_names.get(r["actor_id"], ("?",))[0]
        who = ", ".join(x for x in (r["speaker"], r["role"]) if x)
        text = r["text"] or ""
        fields = _doc_fields(docs, r["document_id"])
        fields["confidential"] = bool(fields.get("confidential")) or \
            ctx.actor_confidential.get(r["actor_id"], False)
        yield _entry(uid=f"statement:{r['id']}", kind="statement",
                     page=excerpt_pages.get(r["excerpt_id"]),
                     title=f"{actor} {r['stance']}" + (f" ({who})" if who else ""),
                     body="\n".join(x for x in (text, r["speaker"], r["role"]) if x),
                     extract=text, date=iso_date(r["date"]) or iso_date(r["asked_on"]),
                     **fields, **ctx.actor_fields([r["actor_id"]]),
                     tag=",".join(ctx.tags.get(("statement", r["id"]), ())))
    for r in claims:
        yield _entry(uid=f"claim:{r['id']}", kind="claim", title=f"Claim {r['id']}",
                     page=excerpt_pages.get(r["origin_excerpt_id"]), body=r["text"],
                     extract=r["text"], date=iso_date(r["created_at"]),
                     doc=None if r["origin_document_id"] is None
                     else str(r["origin_document_id"]),
                     **ctx.actor_fields(ctx.claim_actors.get(r["id"], ())),
                     tag=",".join(ctx.tags.get(("claim", r["id"]), ())))
    for r in claim_notes:
        if r["origin_note"]:
            yield _entry(uid=f"note:claims:{r['id']}", kind="note",
                         title=f"Note on where claim {r['id']} came from",
                         body=r["origin_note"], extract=r["origin_note"],
                         date=iso_date(r["created_at"]),
                         **ctx.actor_fields(ctx.claim_actors.get(r["id"], ())))
    for r in verdicts:
        yield _entry(uid=f"verdict:{r['id']}", kind="verdict",
                     title=f"Verdict on claim {r['claim_id']}: {r['status']}",
                     body=r["rationale"], extract=r["rationale"],
                     date=iso_date(r["decided_at"]),
                     **ctx.actor_fields(ctx.claim_actors.get(r["claim_id"], ())))
    for r in findings:
        yield _entry(uid=f"finding:{r['id']}", kind="finding", title=r["title"],
                     body=r["text"], extract=r["text"], date=iso_date(r["updated_at"]),
                     tag=",".join(ctx.tags.get(("finding", r["id"]), ())))
    for r in actors:
        names = ctx.actor_names.get(r["id"], (r["name"],))
        yield _entry(uid=f"actor:{r['id']}", kind="actor", title=r["name"],
                     body="\n".join((*names, r["type"])), extract="; ".join(names),
                     **ctx.actor_fields([r["id"]]), confidential=bool(r["confidential"]),
                     tag=",".join(ctx.tags.get(("actor", r["id"]), ())))
    for r in actor_notes:
        if r["note"]:
            yield _entry(uid=f"note:actors:{r['id']}", kind="note",
                         title=f"Note on {r['name']}", body=r["note"], extract=r["note"],
                         **ctx.actor_fields([r["id"]]),
                         confidential=bool(r["confidential"]))
    for r in evidence:
        if r["note"]:
            yield _entry(uid=f"note:evidence:{r['id']}", kind="note",
                         title=f"Note on evidence for claim {r['claim_id']}",
                         body=r["note"], extract=r["note"], date=iso_date(r["created_at"]),
                         **ctx.actor_fields(ctx.claim_actors.get(r["claim_id"], ())))


def build(ctx: Context, uids: Iterable[str]) -> Iterator[Entry]:
    """The entries for ``uids`` whose rows still exist."""
    pages: set[int] = set()
    wanted: dict[str, set[int]] = defaultdict(set)
    for uid in uids:
        kind, table, row_id = parse_uid(uid)
        if kind == "page":
            pages.add(row_id)
        else:
            wanted[f"note:{table}" if kind == "note" else kind].add(row_id)
    for r in page_rows(ctx.case, pages):
        yield page_entry(ctx, r)
    if wanted:
        yield from record_entries(ctx, wanted)
