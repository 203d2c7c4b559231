"""Read-only listings for browsing screens: many rows in one query.

The window's document table and navigator ask for thousands of rows at a time; the
per-row functions of :mod:`documents` would take one query per row (tags, OCR state).
Everything here only reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.core import documents
from workbench.core.casefile import Case

#: How many ids one query may carry (SQLite's default variable limit is 32766).
_CHUNK = 900


@dataclass(frozen=True)
class DocumentRow:
    """One line of the document table."""

    id: int
    title: str
    kind: str
    origin: str | None
    received: str | None
    imported_at: str
    page_count: int
    ocr: str  # none | needed | done | failed | partial
    tags: tuple[str, ...]
    confidential: bool
    parent_id: int | None
    import_id: int | None
    file_name: str | None
    #: The document's date: set by the user, else an email's sent date, else received.
    date: str | None = None


#: The date a document shows: set by the user, else an email's sent date, else received.
_SHOWN_DATE = ("COALESCE(d.date, (SELECT substr(e.date, 1, 10) FROM emails e "
               "WHERE e.document_id = d.id), d.received)")

#: The fields of :class:`DocumentRow` that one expression over ``documents d`` gives,
#: exactly as :func:`document_rows` reads them (see :func:`document_field`).
PLAIN_FIELDS = {"title": "d.title", "kind": "d.kind", "origin": "d.origin",
                "page_count": "d.page_count", "confidential": "d.confidential",
                "date": _SHOWN_DATE}


def _ocr(states: str | None) -> str:
    """The document's OCR word from a ``group_concat`` of its pages' states."""
    return documents.summarise_ocr(set((states or "").split(",")) - {""})


def document_ids(case: Case, *, origin: str | None = None, kind: str | None = None,
                 import_id: int | None = None, no_origin: bool = False,
                 among: Iterable[int] | None = None) -> list[int]:
    """Ids of documents, oldest first, narrowed by origin, kind or import, and to the
    ids ``among`` when given (which of those still exist and are in scope)."""
    if among is not None:
        wanted = sorted(set(among))
        out: list[int] = []
        for n in range(0, len(wanted), _CHUNK):
            chunk = wanted[n:n + _CHUNK]
            out += _document_ids(case, origin, kind, import_id, no_origin, chunk)
        return sorted(out)
    return _document_ids(case, origin, kind, import_id, no_origin, None)


def _document_ids(case: Case, origin: str | None, kind: str | None, import_id: int | None,
                  no_origin: bool, ids: list[int] | None) -> list[int]:
    where: list[str] = []
    params: list = []
    if ids is not None:
        where.append(f"id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if no_origin:
        where.append("origin IS NULL")
    for column, value in (("origin", origin), ("kind", kind), ("import_id", import_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = "SELECT id FROM documents" + (" WHERE " + " AND ".join(where) if where else "")
    # Read in slices: one fetch of 250,000 rows holds the interpreter for tens of
    # milliseconds, and the window reads this on its reader thread while it paints.
    out: list[int] = []
    cursor = case.conn.execute(sql + " ORDER BY id", params)
    try:
        while rows := cursor.fetchmany(2000):
            out += [r[0] for r in rows]
    finally:
        cursor.close()
    return out


def document_rows(case: Case, ids: Sequence[int]) -> list[DocumentRow]:
    """The table rows of ``ids`` (missing ids are left out), in no particular order."""
    out: list[DocumentRow] = []
    for n in range(0, len(ids), _CHUNK):
        chunk = list(ids[n:n + _CHUNK])
        marks = ",".join("?" for _ in chunk)
        rows = case.rows(
            "SELECT d.id, d.title, d.kind, d.origin, d.received, d.imported_at, "
            "d.page_count, d.confidential, d.parent_id, d.import_id, d.file_name, "
            f"{_SHOWN_DATE} AS shown_date, "
            "(SELECT group_concat(DISTINCT p.ocr) FROM pages p WHERE p.document_id = d.id)"
            " AS ocr_states, "
            "(SELECT group_concat(t.name, char(31)) FROM taggings g JOIN tags t "
            " ON t.id = g.tag_id WHERE g.target_kind = 'document' AND g.target_id = d.id)"
            " AS tag_names "
            f"FROM documents d WHERE d.id IN ({marks})", chunk)
        for r in rows:
            names = tuple(sorted((r["tag_names"] or "").split("\x1f"), key=str.lower))
            out.append(DocumentRow(
                id=r["id"], title=r["title"], kind=r["kind"], origin=r["origin"],
                received=r["received"], imported_at=r["imported_at"],
                page_count=r["page_count"], ocr=_ocr(r["ocr_states"]),
                tags=tuple(n for n in names if n), confidential=bool(r["confidential"]),
                parent_id=r["parent_id"], import_id=r["import_id"],
                file_name=r["file_name"], date=r["shown_date"]))
    return out


def document_field(case: Case, ids: Sequence[int], field: str) -> list[tuple[int, Any]]:
    """``(id, value)`` of one field of the :class:`DocumentRow` of ``ids`` (a name in
    :data:`PLAIN_FIELDS`; missing ids are left out), the value :func:`document_rows`
    gives, without reading the rest of the row: sorting 250,000 documents by their title
    reads titles, not every page's OCR state and every tag."""
    expression = PLAIN_FIELDS[field]
    out: list[tuple[int, Any]] = []
    for n in range(0, len(ids), _CHUNK):
        chunk = list(ids[n:n + _CHUNK])
        marks = ",".join("?" for _ in chunk)
        rows = case.conn.execute(
            f"SELECT d.id, {expression} FROM documents d WHERE d.id IN ({marks})",
            chunk).fetchall()
        if field == "confidential":
            out += [(r[0], bool(r[1])) for r in rows]
        else:
            out += [(r[0], r[1]) for r in rows]
    return out


def document_groups(case: Case) -> dict[str, list[tuple[str | None, int]]]:
    """How many documents each origin and each kind has: ``{"origin": [...], "kind": [...]}``."""
    return {column: [(r[0], r[1]) for r in case.rows(
        f"SELECT {column}, count(*) FROM documents GROUP BY {column} "
        f"ORDER BY {column} IS NULL, {column} COLLATE NOCASE")]
        for column in ("origin", "kind")}


def email_thread(case: Case, document_id: int) -> list[tuple[int, str]]:
    """Other emails of the same thread as ``(document id, title)``, oldest id first.

    Two emails are in one thread when one's Message-ID is the other's In-Reply-To or is
    named in its References (followed both ways, transitively).
    """
    rows = case.rows('SELECT document_id, message_id, in_reply_to, "references" '
                     "FROM emails")
    by_doc = {r[0]: r for r in rows}
    if document_id not in by_doc:
        return []
    by_msg = {r[1]: r[0] for r in rows if r[1]}
    links: dict[int, set[int]] = {d: set() for d in by_doc}
    for r in rows:
        parents = set((r[3] or "").split()) | ({r[2].strip()} if r[2] else set())
        for msg in parents:
            other = by_msg.get(msg)
            if other is not None and other != r[0]:
                links[r[0]].add(other)
                links[other].add(r[0])
    seen, todo = {document_id}, [document_id]
    while todo:
        for other in links[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    seen.discard(document_id)
    if not seen:
        return []
    titles = {r[0]: r[1] for r in case.rows(
        f"SELECT id, title FROM documents WHERE id IN ({','.join('?' for _ in seen)})",
        sorted(seen))}
    return [(d, titles.get(d, "")) for d in sorted(seen)]


def attachments(case: Case, document_id: int) -> list[tuple[int, str]]:
    """Documents that arrived attached to ``document_id``, as ``(id, title)``."""
    return [(r[0], r[1]) for r in case.rows(
        "SELECT id, title FROM documents WHERE parent_id = ? ORDER BY id", (document_id,))]


def find_in_document(case: Case, document_id: int, needle: str) -> list[tuple[int, int]]:
    """Pages of a document containing ``needle`` (ignoring case) and how often, in order."""
    if not needle:
        return []
    low = needle.lower()
    out = []
    for r in case.rows("SELECT page_no, text FROM pages WHERE document_id = ? "
                       "ORDER BY page_no", (document_id,)):
        n = r[1].lower().count(low)
        if n:
            out.append((r[0], n))
    return out
