"""Excerpts: exact quotations anchored to a document, a page and a character range."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core import anchors, documents, validate
from workbench.core.casefile import Case, utcnow
from workbench.core.changes import Changes
from workbench.core.errors import NotFound, QuoteNotFound, ValidationError


@dataclass(frozen=True)
class Excerpt:
    id: int
    document_id: int
    page_no: int
    start: int
    end: int
    quote: str
    note: str | None
    actor_id: int | None
    cleared: bool
    created_at: str


def _excerpt(row) -> Excerpt:
    return Excerpt(id=row["id"], document_id=row["document_id"], page_no=row["page_no"],
                   start=row["start"], end=row["end"], quote=row["quote"], note=row["note"],
                   actor_id=row["actor_id"], cleared=bool(row["cleared"]),
                   created_at=row["created_at"])


def add(case: Case, *, document_id: int, page: int, quote: str, note: str | None = None,
        actor_id: int | None = None, near: int | None = None,
        cleared: bool = False) -> Changes:
    """Anchor ``quote`` on ``page`` of a document; refused unless the quote occurs there.

    ``near`` picks among repeated occurrences (the window passes the selection start).
    """
    quote = validate.text(quote, "the quote")
    documents.get(case, document_id)
    source = documents.page(case, document_id, page)
    validate.exists(case, "actors", actor_id, "actor")
    span = anchors.locate(source.text, quote, near=near)
    if span is None:
        preview = quote if len(quote) <= 60 else quote[:57] + "..."
        elsewhere = [p.page_no for p in documents.pages(case, document_id)
                     if p.page_no != page and anchors.locate(p.text, quote) is not None]
        instead = ""
        if elsewhere:
            listed = ", ".join(str(n) for n in elsewhere[:5]) + (
                " and others" if len(elsewhere) > 5 else "")
            instead = (f"; it occurs on page{'s' if len(elsewhere) > 1 else ''} {listed} "
                       f"instead (--page {elsewhere[0]})")
        raise QuoteNotFound(f'the quote "{preview}" does not occur on page {page} '
                            f"of document {document_id}{instead}")
    with case.action("Add excerpt") as act:
        act.row_id = act.insert("excerpts", {
            "document_id": document_id, "page_no": page, "start": span[0], "end": span[1],
            "quote": anchors.collapse(source.text[span[0]:span[1]]),
            "note": validate.optional_text(note),
            "actor_id": actor_id, "cleared": int(bool(cleared)), "created_at": utcnow()})
    return act.changes


def add_range(case: Case, *, document_id: int, page: int, start: int, end: int,
              note: str | None = None, actor_id: int | None = None) -> Changes:
    """Anchor the text between ``start`` and ``end`` of a page (a selection in the reader)."""
    source = documents.page(case, document_id, page)
    if not (0 <= start < end <= len(source.text)):
        raise ValidationError(f"characters {start}-{end} are not on page {page} "
                              f"of document {document_id}")
    return add(case, document_id=document_id, page=page, quote=source.text[start:end],
               note=note, actor_id=actor_id, near=start)


def get(case: Case, excerpt_id: int) -> Excerpt:
    row = case.row("SELECT * FROM excerpts WHERE id = ?", (excerpt_id,))
    if row is None:
        raise NotFound("excerpt", excerpt_id)
    return _excerpt(row)


def list_all(case: Case, *, document_id: int | None = None,
             page: int | None = None) -> list[Excerpt]:
    sql, params = "SELECT * FROM excerpts", []
    if document_id is not None:
        sql += " WHERE document_id = ?"
        params.append(document_id)
        if page is not None:
            sql += " AND page_no = ?"
            params.append(page)
    return [_excerpt(r) for r in case.rows(sql + " ORDER BY document_id, page_no, start, id",
                                           params)]


def update(case: Case, excerpt_id: int, **values) -> Changes:
    """Edit ``note``, ``actor_id`` or ``cleared`` (the quote and anchor never change)."""
    unknown = set(values) - {"note", "actor_id", "cleared"}
    if unknown:
        raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of an excerpt")
    get(case, excerpt_id)
    clean: dict = {}
    if "note" in values:
        clean["note"] = validate.optional_text(values["note"])
    if "actor_id" in values:
        clean["actor_id"] = validate.exists(case, "actors", values["actor_id"], "actor")
    if "cleared" in values:
        clean["cleared"] = int(bool(values["cleared"]))
    with case.action("Edit excerpt") as act:
        act.row_id = excerpt_id
        act.update("excerpts", excerpt_id, clean, kind="excerpt")
    return act.changes


def verify(case: Case, excerpt: Excerpt) -> bool:
    """True when the excerpt's quote still matches its page text at its anchor."""
    row = case.row("SELECT text FROM pages WHERE document_id = ? AND page_no = ?",
                   (excerpt.document_id, excerpt.page_no))
    return row is not None and anchors.matches(row["text"], excerpt.start, excerpt.end,
                                               excerpt.quote)
